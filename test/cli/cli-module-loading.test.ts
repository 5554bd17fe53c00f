import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-cli-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `dialstate <args>` in a child process; the modules it resolved, one URL each. */
async function modulesLoadedBy(...args: string[]): Promise<string[]> {
  const log = path.join(dir, `${args.join('-').replace(/\W+/g, '_')}.log`);
  await run(
    process.execPath,
    [
      '--import',
      path.join(repoRoot, 'test/support/record-imports.mjs'),
      '--import',
      'tsx',
      path.join(repoRoot, 'src/cli.ts'),
      ...args,
    ],
    { cwd: repoRoot, env: { ...process.env, DIALSTATE_IMPORT_LOG: log } },
  );
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

/** What a command that neither reads settings nor opens the database must not load. */
const HEAVY = [
  /node_modules\/better-sqlite3\//, // the database driver
  /node_modules\/kysely\//, // ~1,000 modules, ~10 MB of RSS
  /node_modules\/zod\//, // the settings' schema, ~15 MB of RSS
  /\/src\/store\//,
  /\/src\/http\//,
  /\/src\/main\.ts$/,
];

describe('the dialstate command loads only what the command needs', () => {
  it.each(['--help', 'import --sample'])(
    '`dialstate %s` loads no driver, store, settings schema or server',
    async (command) => {
      const loaded = await modulesLoadedBy(...command.split(' '));
      expect(loaded.some((url) => url.endsWith('/src/cli.ts'))).toBe(true);
      for (const heavy of HEAVY) expect(loaded.filter((url) => heavy.test(url))).toEqual([]);
    },
    60_000,
  );
});
