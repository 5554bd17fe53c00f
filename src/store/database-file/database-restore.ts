import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { knownMigrationNames } from '../migrate.js';
import { type BackupSummary, checkCopy } from './database-backup.js';
import { acquireServerLock } from './server-lock.js';

/** What a restore did. */
export interface RestoreSummary {
  /** Where the database that was replaced now is; null when there was none. */
  previous: string | null;
  counts: BackupSummary['counts'];
}

/**
 * Puts the backup `backupFile` in place of the database at `dbPath`. Refuses while a
 * server runs on it (it takes the server lock, see `acquireServerLock`, for the whole
 * swap), when the backup is damaged or not a dialstate database, and when it comes from
 * a newer dialstate (it has migrations this build does not know).
 *
 * The backup file itself is only read. The database it replaces is kept, renamed with its
 * `-wal` and `-shm` files to `<dbPath>.before-restore-<time>`, so a restore can be undone;
 * its `-wal` must not stay beside the restored file, where SQLite would apply it.
 *
 * @throws ServerLockHeldError while a server (or another restore) holds the lock.
 */
export function restoreDatabase(
  backupFile: string,
  dbPath: string,
  now = new Date(),
): RestoreSummary {
  if (!existsSync(backupFile)) throw new Error(`no backup at ${backupFile}`);
  const lock = acquireServerLock(dbPath);
  const incoming = `${dbPath}.restoring-${process.pid}`;
  try {
    copyFileSync(backupFile, incoming);
    const counts = checkCopy(incoming, backupFile);
    const unknown = migrationsOf(incoming, backupFile).filter(
      (name) => !knownMigrationNames().includes(name),
    );
    if (unknown.length > 0) {
      throw new Error(
        `${backupFile} comes from a newer dialstate (migrations ${unknown.join(', ')}); upgrade dialstate first`,
      );
    }
    let previous: string | null = null;
    if (existsSync(dbPath)) {
      previous = `${dbPath}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
      renameSync(dbPath, previous);
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, previous + suffix);
      }
    }
    renameSync(incoming, dbPath);
    return { previous, counts };
  } finally {
    rmSync(incoming, { force: true });
    lock.release();
  }
}

function migrationsOf(path: string, name: string): string[] {
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT name FROM kysely_migration').all() as { name: string }[]).map(
      (row) => row.name,
    );
  } catch (error) {
    throw new Error(`${name} is not a dialstate database (no migration table)`, { cause: error });
  } finally {
    db.close();
  }
}
