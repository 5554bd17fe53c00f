import { execFile } from 'node:child_process';
import { chmodSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openMigratedStore } from '../../../src/store/open-migrated-store.js';
import { createTempDir, type TempDir } from '../../support/store-fixtures.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
/** An unprivileged user: root writes through any file mode, so the check runs as this one. */
const NOBODY = 65534;

let dir: TempDir | undefined;
afterEach(() => {
  if (dir === undefined) return;
  chmodSync(dir.path, 0o755);
  dir.remove();
  dir = undefined;
});

/** Runs `dialstate migrate` on `dbPath`, as `nobody` when the tests run as root. */
function migrateAsUnprivileged(dbPath: string) {
  const asRoot = process.getuid?.() === 0;
  return new Promise<{ code: number | null; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [inject('dialstateCliBundle'), 'migrate'],
      {
        cwd: repoRoot,
        env: { ...process.env, DIALSTATE_DB_PATH: dbPath, DIALSTATE_LOG_LEVEL: 'silent' },
        ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      },
      (error, _stdout, stderr) =>
        done({ code: error === null ? 0 : (error.code as number), stderr }),
    );
  });
}

describe('an unwritable database at start', () => {
  it("says which file, as which user, and what to do, instead of SQLite's bare message", async () => {
    dir = createTempDir();
    const path = join(dir.path, 'dialstate.db');
    const { store } = await openMigratedStore({ path });
    await store.close();
    // The file, its -wal/-shm and the folder read-only: as after a restore by another user.
    for (const name of readdirSync(dir.path)) chmodSync(join(dir.path, name), 0o444);
    chmodSync(dir.path, 0o555);

    const result = await migrateAsUnprivileged(path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^cannot use the database ${path} as user \\S+ \\(uid \\d+\\): .*\\(SQLITE_`),
    );
    expect(result.stderr).toMatch(/the (file|folder) belongs to uid \d+, mode 0[45]\d\d/);
    expect(result.stderr).toMatch(
      new RegExp(`To fix: make ${dir.path}, ${path} and its -wal and -shm files writable by \\S+`),
    );
  }, 60_000);
});
