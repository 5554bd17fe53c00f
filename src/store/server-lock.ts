import SQLite from 'better-sqlite3';

/** The lock that says a process owns a database for serving or restoring it. */
export interface ServerLock {
  /** The lock file, beside the database. */
  readonly path: string;
  /** Lets it go; safe to call more than once. The lock also goes when the process dies. */
  release(): void;
}

/** Another process holds the database's server lock. */
export class ServerLockHeldError extends Error {
  constructor(readonly lockPath: string) {
    super(
      `a dialstate server (or a restore) is using this database: ${lockPath} is locked; stop it first`,
    );
    this.name = 'ServerLockHeldError';
  }
}

/** The lock file of the database at `dbPath`. */
export function serverLockPath(dbPath: string): string {
  return `${dbPath}.serve-lock`;
}

/**
 * Takes the server lock of the database at `dbPath`: `dialstate serve` holds it while it
 * runs and `dialstate restore` while it swaps the file, so neither can happen under the
 * other. The lock is an exclusive transaction kept open on a tiny SQLite file beside the
 * database, i.e. the operating system's file lock that SQLite takes: it goes away with
 * the process however that ends (SIGKILL, a crash, a container stopped), so there is no
 * stale pid file to clean up, and it holds across containers sharing the volume.
 *
 * @throws ServerLockHeldError when another process (or connection) holds it.
 */
export function acquireServerLock(dbPath: string): ServerLock {
  const path = serverLockPath(dbPath);
  const lock = new SQLite(path, { timeout: 0 });
  try {
    lock.pragma('journal_mode = DELETE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new ServerLockHeldError(path);
    throw error;
  }
  return {
    path,
    release() {
      if (lock.open) lock.close();
    },
  };
}
