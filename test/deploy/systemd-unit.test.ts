import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const UNIT = join(import.meta.dirname, '../../deploy/dialstate.service');
const ANALYZE = '/usr/bin/systemd-analyze';
const dir = mkdtempSync(join(tmpdir(), 'dialstate-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The unit's `Key=value` lines of one section, in order. */
function section(text: string, name: string): string[] {
  const body = text.split(/^\[/m).find((part) => part.startsWith(`${name}]`)) ?? '';
  return body
    .split('\n')
    .slice(1)
    .filter((line) => /^\w+=/.test(line));
}

describe('deploy/dialstate.service', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    if (!existsSync(ANALYZE)) {
      throw new Error(
        `${ANALYZE} is missing: apt-get install -y systemd (.ci/run installs it) to verify the unit`,
      );
    }
    // verify checks that ExecStart's program exists: point it at a stand-in here.
    const program = join(dir, 'dialstate');
    writeFileSync(program, '#!/bin/sh\nexit 0\n');
    chmodSync(program, 0o755);
    const unit = readFileSync(UNIT, 'utf8').replace(
      /^ExecStart=\/usr\/local\/bin\/dialstate /m,
      `ExecStart=${program} `,
    );
    expect(unit).toContain(`ExecStart=${program} serve`);
    const copy = join(dir, 'dialstate.service');
    writeFileSync(copy, unit);
    const { stderr } = await run(ANALYZE, ['verify', copy]).catch((error) => {
      throw new Error(`systemd-analyze verify failed:\n${error.stderr}`, { cause: error });
    });
    // Unknown or misspelt keys are only warned about, with exit code 0.
    expect(stderr).toBe('');
  });

  it('runs serve as its own user, stops it with SIGTERM and keeps it hardened', () => {
    const service = section(readFileSync(UNIT, 'utf8'), 'Service');
    expect(service).toEqual(
      expect.arrayContaining([
        'User=dialstate',
        'EnvironmentFile=-/etc/dialstate/dialstate.env',
        'StateDirectory=dialstate',
        'Environment=DIALSTATE_DATA_DIR=/var/lib/dialstate',
        'ExecStart=/usr/local/bin/dialstate serve',
        'KillSignal=SIGTERM',
        'Restart=on-failure',
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        'ReadWritePaths=-/mnt/asterisk_media',
        'CapabilityBoundingSet=',
      ]),
    );
    expect(service.some((line) => line.startsWith('MemoryDenyWriteExecute='))).toBe(false);
  });
});
