import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';

/**
 * The database file cannot be opened or written: its folder is missing or read-only,
 * the file belongs to another user, the disk is full or read-only. The message says
 * which file, as which user, and what to do, rather than SQLite's bare "attempt to
 * write a readonly database".
 */
export class DatabaseAccessError extends Error {
  constructor(
    readonly path: string,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseAccessError';
  }
}

/** SQLite result codes (and their extended forms) and fs errors that mean "cannot write here". */
const ACCESS_CODES =
  /^(SQLITE_(READONLY|CANTOPEN|PERM|FULL|IOERR|AUTH)\w*|EACCES|EPERM|EROFS|ENOTDIR|EEXIST|ENOSPC)$/;

/**
 * `error` from opening or migrating the database at `path`, explained when it is an
 * access problem (a `DatabaseAccessError`); any other error as it is.
 */
export function explainDatabaseFailure(path: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !ACCESS_CODES.test(code) || path === ':memory:') return error;
  const file = resolve(path);
  const folder = dirname(file);
  const user = currentUser();
  const cause = error instanceof Error ? error.message : String(error);
  const full = code === 'SQLITE_FULL' || code === 'ENOSPC';
  const remedy = full
    ? `free space on the disk that holds ${folder}`
    : `make ${folder}, ${file} and its -wal and -shm files writable by ${user.name} (e.g. chown -R ${user.name} ${folder}), or point DIALSTATE_DB_PATH or DIALSTATE_DATA_DIR at a folder ${user.name} can write`;
  return new DatabaseAccessError(
    path,
    `cannot use the database ${file} as user ${user.name} (uid ${user.uid}): ${cause} (${code}${owner(file, folder)}). To fix: ${remedy}.`,
    { cause: error },
  );
}

function currentUser(): { name: string; uid: number | string } {
  try {
    const info = userInfo();
    return { name: info.username, uid: info.uid };
  } catch {
    // A uid without an entry in /etc/passwd (some containers) has no name.
    const uid = process.getuid?.() ?? 'unknown';
    return { name: `uid ${uid}`, uid };
  }
}

/** Who owns the file (or, without one, its folder) and its mode, for the message. */
function owner(file: string, folder: string): string {
  for (const [what, path] of [
    ['file', file],
    ['folder', folder],
  ] as const) {
    try {
      const stat = statSync(path);
      if (what === 'file' && stat.isDirectory()) return `; ${file} is a folder`;
      if (what === 'folder' && !stat.isDirectory()) return `; ${folder} is not a folder`;
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      return `; the ${what} belongs to uid ${stat.uid}, mode ${mode}`;
    } catch {
      // Missing: say something of the folder instead.
    }
  }
  return '';
}
