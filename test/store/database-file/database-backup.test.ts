import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BackupTargetExistsError,
  backupDatabase,
} from '../../../src/store/database-file/database-backup.js';
import { restoreDatabase } from '../../../src/store/database-file/database-restore.js';
import {
  acquireServerLock,
  ServerLockHeldError,
  serverLockPath,
} from '../../../src/store/database-file/server-lock.js';
import { createTempDir, openMigratedStore, type TempDir } from '../../support/store-fixtures.js';

const dirs: TempDir[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

/** A migrated database with ~2 MB of journal rows, so that a backup takes many steps. */
async function bigDatabase(): Promise<{ dir: TempDir; path: string }> {
  const dir = createTempDir();
  dirs.push(dir);
  const store = await openMigratedStore(dir);
  await store.close();
  const path = join(dir.path, 'dialstate.db');
  const db = new SQLite(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(1_000));
  })();
  db.close();
  return { dir, path };
}

describe('backupDatabase', () => {
  it('takes a consistent copy while another connection keeps writing, starting over once', async () => {
    const { dir, path } = await bigDatabase();
    const writer = new SQLite(path);
    const insert = writer.prepare('INSERT INTO filler (body) VALUES (?)');
    let written = 0;
    const steps: number[] = [];
    const target = join(dir.path, 'copy.db');
    const summary = await backupDatabase(path, target, {
      onProgress: ({ remainingPages, restarts }) => {
        steps.push(remainingPages);
        // A write between two steps, as a running server does: SQLite restarts the copy.
        if (restarts === 0 && remainingPages > 0) {
          insert.run('written during the backup');
          written += 1;
        }
      },
    });
    writer.close();
    expect(steps.length).toBeGreaterThan(3);
    expect(summary.restarts).toBe(1);
    expect(summary.counts.campaigns).toBe(0);
    // The copy is one moment of the source: every row written before its last start.
    const copy = new SQLite(target, { readonly: true });
    const rows = (copy.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n;
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    copy.close();
    expect(rows).toBe(2_000 + written);
    expect(existsSync(`${target}-wal`)).toBe(false);
  });

  it('refuses to replace a file without force, and leaves it as it was', async () => {
    const { dir, path } = await bigDatabase();
    const target = join(dir.path, 'existing.db');
    writeFileSync(target, 'keep me');
    await expect(backupDatabase(path, target)).rejects.toBeInstanceOf(BackupTargetExistsError);
    expect((await backupDatabase(path, target, { force: true })).pages).toBeGreaterThan(400);
  });
});

describe('the server lock', () => {
  it('is held by one holder at a time and freed on release', async () => {
    const { path } = await bigDatabase();
    const lock = acquireServerLock(path);
    expect(() => acquireServerLock(path)).toThrow(ServerLockHeldError);
    expect(() => restoreDatabase(path, path)).toThrow(ServerLockHeldError);
    lock.release();
    acquireServerLock(path).release();
    expect(existsSync(serverLockPath(path))).toBe(true);
  });
});
