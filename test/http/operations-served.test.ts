import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { uploadedRecordingSchema } from '../../src/http/recording-schemas.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import { createApiClient } from '../support/api-client.js';
import { sine, wavFile } from '../support/audio-fixtures.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';

const TOKEN = 'a-long-enough-secret-token';

let dir: TempDir | undefined;
let dialstate: Dialstate | undefined;
afterEach(async () => {
  await dialstate?.stop();
  dir?.remove();
  dialstate = undefined;
  dir = undefined;
});

/** dialstate as `dialstate serve` runs it, over the embedded simulator. */
async function serve(env: Record<string, string> = {}): Promise<Dialstate> {
  dir = createTempDir();
  dialstate = await startDialstate(
    loadConfig({ DIALSTATE_DATA_DIR: dir.path, DIALSTATE_HTTP_PORT: '0', ...env }),
    pino({ level: 'silent' }),
  );
  return dialstate;
}

describe('the operations routes of a running dialstate', () => {
  it('reports healthy, checks the simulator as it would Asterisk, and serves process metrics', async () => {
    const { httpUrl } = await serve();

    const health = await fetch(`${httpUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      simulated: true,
      ari: { state: 'connected' },
      scheduler: { running: true },
    });

    // The typed client, over the real server's HTTP.
    const client = createApiClient({ request: (path, init) => fetch(`${httpUrl}${path}`, init) });
    const checks = await client.api('$get', '/setup/checks', {});
    expect(checks.status).toBe(200);
    if (!checks.ok) throw new Error(checks.body.error.message);
    const report = checks.body;
    expect(report).toMatchObject({ ok: true, simulated: true });
    expect(report.checks).toHaveLength(8);
    // The embedded simulator runs the current AMD hop, and the check reads its version.
    expect(report.checks).toContainEqual(
      expect.objectContaining({ id: 'amd-hop-version', ok: true }),
    );

    const dialplan = await client.ok('$get', '/setup/dialplan', {});
    expect(dialplan.simulated).toBe(true);
    expect(dialplan.text).toContain('[aava-outbound-amd]');

    const metrics = await (await fetch(`${httpUrl}/metrics`)).text();
    expect(metrics).toContain('# TYPE dialstate_attempts_total counter');
    expect(metrics).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(metrics).toMatch(/^dialstate_ari_connected 1$/m);
  });

  it('keeps uploads in the configured media folder and plays them back', async () => {
    const { httpUrl } = await serve();
    const body = new FormData();
    const tone = wavFile(8000, [sine({ rate: 8000, seconds: 1, frequency: 440 })], '16');
    body.append('file', new Blob([tone], { type: 'audio/wav' }), 'tone.wav');
    body.append('name', 'Tone');
    const uploaded = await fetch(`${httpUrl}/api/recordings`, { method: 'POST', body });
    expect(uploaded.status).toBe(201);
    const recording = uploadedRecordingSchema.parse(await uploaded.json());
    expect(recording.mediaUri).toContain(`${dir?.path}/media/`);
    const audio = await fetch(`${httpUrl}${recording.audioUrl}`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
  });

  it('guards /metrics with the API token, and leaves /health open', async () => {
    const { httpUrl } = await serve({ DIALSTATE_API_TOKEN: TOKEN });
    expect((await fetch(`${httpUrl}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    expect((await fetch(`${httpUrl}/health`)).status).toBe(200);
  });
});
