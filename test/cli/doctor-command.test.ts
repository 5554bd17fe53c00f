import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorCommand } from '../../src/cli/doctor-command.js';
import { loadConfig } from '../../src/config.js';
import type { ProbeResult, SetupProbe } from '../../src/setup/setup-checks.js';
import { createSimulator } from '../../src/sim/simulator.js';
import { useCleanup } from '../support/cleanup.js';
import { createTempDir } from '../support/store-fixtures.js';

const later = useCleanup();

const config = loadConfig({
  DIALSTATE_ARI_URL: 'http://pbx.example:8088',
  DIALSTATE_ARI_PASSWORD: 'secret',
});

function probe(overrides: Partial<SetupProbe> = {}): SetupProbe {
  const yes: ProbeResult<boolean> = { ok: true, value: true };
  return {
    ping: async () => ({ ok: true, value: { version: '22.10.1' } }),
    moduleLoaded: async () => yes,
    appConnected: async () => yes,
    dialplanHas: async (queries) => ({ ok: true, value: queries.map(() => true) }),
    mediaDirAccess: async () => ({ ok: true, ownerOnly: false }),
    ...overrides,
  };
}

async function run(p: SetupProbe, cfg = config) {
  const lines: string[] = [];
  const code = await doctorCommand(cfg, { probe: p, print: (line) => lines.push(line) });
  return { code, output: lines.join('\n') };
}

describe('doctorCommand', () => {
  it('exits 0 and marks every check ✓ when all pass', async () => {
    const { code, output } = await run(probe());
    expect(code).toBe(0);
    expect(output).toContain('✓ Asterisk ARI answers: Asterisk 22.10.1');
    expect(output).not.toMatch(/[✗!] /);
    expect(output).toContain('all 8 checks passed');
  });

  it('exits 1 and prints the fix under a failed check', async () => {
    const { code, output } = await run(
      probe({ moduleLoaded: async () => ({ ok: true, value: false }) }),
    );
    expect(code).toBe(1);
    expect(output).toMatch(/✗ app_amd is loaded: .*\n {4}fix: .*module load app_amd\.so/);
    expect(output).toContain('1 failed (of 8 checks)');
  });

  it('exits 0 on warnings alone, still showing them with their fix', async () => {
    const { code, output } = await run(
      probe({ appConnected: async () => ({ ok: true, value: false }) }),
    );
    expect(code).toBe(0);
    expect(output).toMatch(/! Stasis app dialstate is connected: .*\n {4}fix: /);
    expect(output).toContain('1 warning (of 8 checks)');
  });

  it('prints an unreachable Asterisk as a failed check, not a stack trace', async () => {
    const { code, output } = await run(
      probe({
        ping: async () => ({
          ok: false,
          reason: 'unreachable',
          message: 'GET http://pbx.example:8088/ari/asterisk/ping: ENOTFOUND',
        }),
      }),
    );
    expect(code).toBe(1);
    expect(output).toContain(
      '✗ Asterisk ARI answers: GET http://pbx.example:8088/ari/asterisk/ping: ENOTFOUND',
    );
    expect(output).not.toContain('    at ');
  });

  it('says there is nothing to check without an ARI URL', async () => {
    const lines: string[] = [];
    const code = await doctorCommand(loadConfig({}), { print: (line) => lines.push(line) });
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain('! Asterisk ARI configured: DIALSTATE_ARI_URL is not set');
  });

  it('checks each PBX of the PBX file under its name, and fails when one of them does', async () => {
    const sim = createSimulator({ user: 'dialstate', password: 'east-secret' });
    later(() => sim.stop());
    const { url } = await sim.start();
    // A port nothing listens on: the stopped simulator's.
    const gone = createSimulator({ user: 'dialstate', password: 'west-secret' });
    const { url: goneUrl } = await gone.start();
    await gone.stop();
    const dir = createTempDir();
    later(dir.remove);
    const file = path.join(dir.path, 'pbxs.json');
    writeFileSync(
      file,
      JSON.stringify({
        pbxs: [
          { name: 'east', url, password: 'east-secret' },
          { name: 'west', url: goneUrl, password: 'west-secret' },
          { name: 'north', url: 'http://127.0.0.1:9', password: 'north-secret', enabled: false },
        ],
      }),
    );
    const lines: string[] = [];
    const code = await doctorCommand(
      loadConfig({ DIALSTATE_PBX_FILE: file, AAVA_MEDIA_DIR: dir.path }),
      { print: (line) => lines.push(line), targets: async () => [] },
    );
    const output = lines.join('\n');
    expect(code).toBe(1);
    const east = output.slice(output.indexOf('── PBX east'), output.indexOf('── PBX west'));
    const west = output.slice(output.indexOf('── PBX west'), output.indexOf('── PBX north'));
    expect(east).toContain(`dialstate doctor: ${url} as dialstate, app dialstate`);
    expect(east).toMatch(/✓ Asterisk ARI answers: /);
    expect(west).toMatch(/✗ Asterisk ARI answers: /);
    expect(output).toContain('── PBX north: disabled, not checked');
    expect(output).not.toMatch(/secret/);
  });
});
