import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAriSetupProbe } from '../../src/ari/ari-setup-probe.js';
import { systemClock } from '../../src/calls/ports.js';
import type { ProbeResult, SetupProbe } from '../../src/setup/setup-checks.js';
import { type ApiHarness, createApiHarness } from '../support/api-harness.js';
import {
  type RecordedAriOptions,
  type RecordedAriServer,
  startRecordedAriServer,
} from '../support/recorded-ari-server.js';

const TOKEN = 'a-long-enough-secret-token';
const ASTERISK: RecordedAriOptions = {
  user: 'dialstate',
  password: 's3cret',
  modules: ['app_amd.so'],
  contexts: ['aava-outbound-amd', 'from-internal'],
  connectedApps: ['dialstate'],
};

let h: ApiHarness | undefined;
let ari: RecordedAriServer | undefined;
afterEach(async () => {
  await h?.close();
  await ari?.close();
  h = undefined;
  ari = undefined;
});

async function setUp(options: Parameters<typeof createApiHarness>[0] = {}): Promise<ApiHarness> {
  h = await createApiHarness(options);
  return h;
}

/** The harness with `dialstate doctor`'s real probe against an imitation of a recorded Asterisk. */
async function againstAsterisk(overrides: Partial<RecordedAriOptions> = {}) {
  ari = await startRecordedAriServer({ ...ASTERISK, ...overrides });
  const probe = createAriSetupProbe({
    url: ari.url,
    user: ASTERISK.user,
    password: ASTERISK.password,
    clock: systemClock,
    timeoutMs: 2_000,
    nextId: () => 'test',
  });
  const x = await setUp({ setup: { probe } });
  mkdirSync(x.mediaDir, { recursive: true });
  return x;
}

describe('the setup dialplan', () => {
  it('is the shipped dialplan when the names are the defaults', async () => {
    const x = await setUp();
    const response = await x.api('$get', '/setup/dialplan', {});
    expect(response.status).toBe(200);
    const shipped = readFileSync(join('dialplan', 'extensions_dialstate.conf'), 'utf8');
    expect(response.body).toEqual({
      fileName: 'extensions_dialstate.conf',
      text: shipped,
      names: {
        app: 'dialstate',
        amdContext: 'aava-outbound-amd',
        dialContext: 'from-internal',
        outboundIdentity: '6789',
        mediaDir: x.mediaDir,
        aavaHandoffContext: 'dialstate-aava-handoff',
      },
      simulated: false,
    });
  });

  it('is rendered with the configured context and app', async () => {
    const x = await setUp({ setup: { amdContext: 'my-amd', app: 'outbound_2' } });
    const { text, names } = await x.ok('$get', '/setup/dialplan', {});
    expect(text).toContain('\n[my-amd]\n');
    expect(text).toContain('})}?outbound_2:');
    expect(text).not.toContain('aava-outbound-amd');
    expect(names).toMatchObject({ amdContext: 'my-amd', app: 'outbound_2' });
  });

  it('says which configured name cannot be used in a dialplan', async () => {
    const x = await setUp({ setup: { amdContext: 'amd context;x' } });
    const response = await x.refused('$get', '/setup/dialplan', {});
    expect(response.status).toBe(500);
    expect(response.message).toContain('"amd context;x"');
  });
});

describe('the setup checks', () => {
  it("runs the doctor's checks against Asterisk: all pass on a complete setup", async () => {
    const x = await againstAsterisk();
    const checks = await x.ok('$get', '/setup/checks', {});
    expect(checks).toMatchObject({ ok: true, simulated: false });
    expect(checks.checks.map((c) => [c.id, c.ok])).toEqual([
      ['ari-reachable', true],
      ['ari-credentials', true],
      ['app-amd', true],
      ['amd-context', true],
      ['amd-hop-version', true],
      ['dial-context', true],
      ['app-connected', true],
      ['media-dir', true],
    ]);
  });

  it('fails the missing pieces with their fixes; a disconnected app fails too, as this process should hold it', async () => {
    const x = await againstAsterisk({ modules: [], connectedApps: [] });
    const body = await x.ok('$get', '/setup/checks', {});
    expect(body.ok).toBe(false);
    const byId = Object.fromEntries(body.checks.map((c) => [c.id, c]));
    expect(byId['app-amd']).toMatchObject({
      ok: false,
      fix: expect.stringContaining('module load'),
    });
    expect(byId['app-connected']).toMatchObject({ ok: false });
  });

  it('with several PBXs, checks each under its name and says which passed', async () => {
    ari = await startRecordedAriServer(ASTERISK);
    const probeOf = (url: string) =>
      createAriSetupProbe({
        url,
        user: ASTERISK.user,
        password: ASTERISK.password,
        clock: systemClock,
        timeoutMs: 2_000,
        nextId: () => 'test',
      });
    const east = probeOf(ari.url);
    // Port 9 (discard): nothing answers ARI there.
    const west = probeOf('http://127.0.0.1:9');
    const x = await setUp({
      setup: {
        probe: east,
        pbxs: [
          { name: 'east', app: 'dialstate', probe: east },
          { name: 'west', app: 'dialstate', probe: west },
        ],
      },
    });
    mkdirSync(x.mediaDir, { recursive: true });
    const body = await x.ok('$get', '/setup/checks', {});
    expect(body.ok).toBe(false);
    expect(body.pbxs).toEqual([
      { name: 'east', ok: true },
      { name: 'west', ok: false },
    ]);
    const byId = Object.fromEntries(body.checks.map((c) => [c.id, c]));
    expect(byId['east:amd-context']).toMatchObject({ ok: true });
    expect(byId['west:ari-reachable']).toMatchObject({ ok: false });
    expect(byId['west:ari-reachable']?.title).toMatch(/^west: /);
  });

  it('reports an ARI it cannot reach as a failed check, not as an error', async () => {
    const x = await setUp();
    const checks = await x.ok('$get', '/setup/checks', {});
    expect(checks.ok).toBe(false);
    expect(checks.checks[0]).toMatchObject({ id: 'ari-reachable', ok: false });
  });

  it('gives up after the time limit, and clients asking at once share one run', async () => {
    let pings = 0;
    let answer: (result: ProbeResult<{ version: string }>) => void = () => undefined;
    const silent: SetupProbe = {
      ping: () => {
        pings += 1;
        return new Promise((resolve) => {
          answer = resolve;
        });
      },
      moduleLoaded: async () => ({ ok: true, value: true }),
      appConnected: async () => ({ ok: true, value: true }),
      dialplanHas: async (queries) => ({ ok: true, value: queries.map(() => true) }),
      mediaDirAccess: async () => ({ ok: true, ownerOnly: false }),
    };
    const x = await setUp({ setup: { probe: silent, checksTimeoutMs: 5_000 } });
    const first = x.api('$get', '/setup/checks', {});
    const second = x.api('$get', '/setup/checks', {});
    await new Promise((resolve) => setImmediate(resolve));
    x.clock.increment(5_000);
    for (const response of await Promise.all([first, second])) {
      expect(response.status).toBe(503);
      expect(response.ok ? response.body : response.body.error).toEqual({
        code: 'unavailable',
        message: 'the checks did not finish within 5000 ms',
      });
    }
    expect(pings).toBe(1);
    // The late answer ends that run; the next request starts a fresh one.
    answer({ ok: true, value: { version: '22.10.1' } });
    await new Promise((resolve) => setImmediate(resolve));
    const third = x.ok('$get', '/setup/checks', {});
    await new Promise((resolve) => setImmediate(resolve));
    answer({ ok: true, value: { version: '22.10.1' } });
    expect((await third).ok).toBe(true);
    expect(pings).toBe(2);
  });

  it('needs the token when one is configured', async () => {
    const x = await setUp({ apiToken: TOKEN });
    expect((await x.api('$get', '/setup/checks', {})).status).toBe(401);
    expect((await x.api('$get', '/setup/dialplan', {})).status).toBe(401);
    const ok = await x.api('$get', '/setup/dialplan', {}, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
  });
});
