import SQLite from 'better-sqlite3';

/**
 * The lock that says a process owns a database: for serving it, restoring it, or
 * importing a lead file into it from the command line in big transactions (ADR 035).
 */
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
      `a dialstate server (or a restore, or an import from the command line) is using this database: ${lockPath} is locked; stop it first, or wait for it to end`,
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
  const lock = tryServerLock(dbPath);
  if (lock === null) throw new ServerLockHeldError(serverLockPath(dbPath));
  return lock;
}

/**
 * Takes the server lock of the database at `dbPath` if no other process holds it;
 * null when one does (a server runs, a restore, another import holds it).
 */
export function tryServerLock(dbPath: string): ServerLock | null {
  const path = serverLockPath(dbPath);
  const lock = new SQLite(path, { timeout: 0 });
  try {
    lock.pragma('journal_mode = DELETE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  return {
    path,
    release() {
      if (lock.open) lock.close();
    },
  };
}
