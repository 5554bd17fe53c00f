import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from '../../src/config-schema.js';
import { dialstateWithEnv } from '../support/dialstate-cli.js';

/** Every setting unset in the child, so that the machine's own environment cannot leak in. */
const CLEAN = Object.fromEntries(Object.keys(CONFIG_SCHEMA.shape).map((name) => [name, undefined]));

function lineOf(stdout: string, name: string): string {
  return stdout.split('\n').find((line) => line.trim().startsWith(`${name} `)) ?? '';
}

describe('dialstate config check', () => {
  it('prints every setting with its source, masks secrets and reports every problem at once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dialstate-config-'));
    const envFile = path.join(dir, 'dialstate.env');
    writeFileSync(
      envFile,
      '# as systemd reads it\nDIALSTATE_ARI_URL=http://pbx.example:8088\nDIALSTATE_HTTP_PORT=99999\nDIALSTATE_MAX_CHANNELS=25\n',
    );
    const result = await dialstateWithEnv(
      {
        ...CLEAN,
        DIALSTATE_API_TOKEN: 'a-very-secret-token-value',
        DIALSTATE_HTTP_HOST: '0.0.0.0',
        DIALSTATE_MAX_CHANNELS: '40',
        DIALSTATE_LOG_LEVEL: 'loud',
      },
      'config',
      'check',
      '--config',
      envFile,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('a-very-secret-token-value');
    expect(lineOf(result.stdout, 'DIALSTATE_API_TOKEN')).toMatch(/•+ \(set\)\s+environment$/);
    expect(lineOf(result.stdout, 'DIALSTATE_ARI_URL')).toMatch(
      /http:\/\/pbx\.example:8088\s+file$/,
    );
    // The environment wins over the file.
    expect(lineOf(result.stdout, 'DIALSTATE_MAX_CHANNELS')).toMatch(/\b40\s+environment$/);
    expect(lineOf(result.stdout, 'DIALSTATE_ARI_APP')).toMatch(/dialstate\s+default$/);
    expect(lineOf(result.stdout, 'DIALSTATE_HTTP_PORT')).toContain('"99999" (invalid)');
    // Problems of single settings and between settings, together.
    expect(result.stdout).toContain('3 problems:');
    expect(result.stdout).toContain('✗ DIALSTATE_HTTP_PORT:');
    expect(result.stdout).toContain('✗ DIALSTATE_LOG_LEVEL:');
    expect(result.stdout).toContain(
      '✗ DIALSTATE_ARI_PASSWORD: required when DIALSTATE_ARI_URL is set',
    );
  });

  it('exits 0 and shows the resolved paths when the configuration is usable', async () => {
    const result = await dialstateWithEnv(
      { ...CLEAN, DIALSTATE_DATA_DIR: '/var/lib/dialstate', DIALSTATE_ARI_PASSWORD: 'pw' },
      'config',
      'check',
    );
    expect(result.code).toBe(0);
    expect(lineOf(result.stdout, 'DIALSTATE_DB_PATH')).toContain('/var/lib/dialstate/dialstate.db');
    expect(lineOf(result.stdout, 'DIALSTATE_ARI_PASSWORD')).toMatch(/•+ \(set\)/);
    expect(result.stdout).toContain('No problem found.');
  });

  it('shows the PostgreSQL URL with its password masked, valid or not', async () => {
    const valid = await dialstateWithEnv(
      { ...CLEAN, DIALSTATE_DATABASE_URL: 'postgres://dialstate:s3cret@db.example:5432/calls' },
      'config',
      'check',
    );
    expect(valid.code).toBe(0);
    expect(valid.stdout).not.toContain('s3cret');
    expect(lineOf(valid.stdout, 'DIALSTATE_DATABASE_URL')).toMatch(
      /postgres:\/\/dialstate:\*\*\*@db\.example:5432\/calls\s+environment$/,
    );
    const invalid = await dialstateWithEnv(
      { ...CLEAN, DIALSTATE_DATABASE_URL: 'mysql://root:s3cret@db.example/calls' },
      'config',
      'check',
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).not.toContain('s3cret');
    expect(lineOf(invalid.stdout, 'DIALSTATE_DATABASE_URL')).toContain(
      '"mysql://root:***@db.example/calls" (invalid)',
    );
  });

  it('names a missing env file instead of running without it', async () => {
    const result = await dialstateWithEnv(CLEAN, 'serve', '--config', '/nonexistent/dialstate.env');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--config: cannot read /nonexistent/dialstate.env');
  });

  it('lists the PBXs of the PBX file with their passwords masked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dialstate-config-'));
    const file = path.join(dir, 'pbxs.yaml');
    writeFileSync(
      file,
      [
        'pbxs:',
        '  - { name: east, url: "http://10.0.0.11:8088", password: east-secret, maxChannels: 30 }',
        '  - { name: west, url: "http://10.0.0.12:8088", password: west-secret, enabled: false }',
      ].join('\n'),
    );
    const result = await dialstateWithEnv(
      { ...CLEAN, DIALSTATE_PBX_FILE: file },
      'config',
      'check',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/east-secret|west-secret/);
    expect(result.stdout).toContain(`PBXs (${file}):`);
    expect(result.stdout).toMatch(
      /east {2}http:\/\/10\.0\.0\.11:8088 .* password •+ .*maxChannels 30/,
    );
    expect(result.stdout).toMatch(/west .*maxChannels 10 .*\(disabled\)$/m);
  });
});
