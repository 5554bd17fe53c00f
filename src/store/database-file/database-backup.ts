import { existsSync, renameSync, rmSync } from 'node:fs';
import SQLite from 'better-sqlite3';

/** How far a backup is. */
export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
  /** Times the copy started over because the server wrote to the database meanwhile. */
  restarts: number;
}

/** What a finished backup holds. */
export interface BackupSummary {
  bytes: number;
  pages: number;
  restarts: number;
  /** Rows of the main tables in the copy. */
  counts: { campaigns: number; leads: number; attempts: number; journalEntries: number };
}

/** The destination exists and `force` was not given. */
export class BackupTargetExistsError extends Error {
  constructor(readonly target: string) {
    super(`${target} already exists; pass --force to replace it`);
    this.name = 'BackupTargetExistsError';
  }
}

/** Pages per step: about 20 steps for progress, none so long that writers wait on it. */
const STEPS = 20;

/**
 * Copies the database at `source` into `target` with SQLite's online backup API, while
 * other processes (a running `dialstate serve`) keep writing: the copy is consistent, a
 * snapshot of one moment. It is written beside the target first and renamed into place
 * only once complete and checked (`PRAGMA quick_check`), so a failed backup leaves
 * nothing half written, and it is a single self-contained file (rollback journal, no
 * `-wal` beside it).
 *
 * SQLite starts a copy over when another connection writes to the source between two
 * steps; after the first such restart the rest is copied in one step.
 *
 * @throws BackupTargetExistsError when `target` exists and `force` is not set.
 */
export async function backupDatabase(
  source: string,
  target: string,
  options: { force?: boolean; onProgress?: (progress: BackupProgress) => void } = {},
): Promise<BackupSummary> {
  if (!existsSync(source)) throw new Error(`no database at ${source}`);
  if (existsSync(target) && !options.force) throw new BackupTargetExistsError(target);
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const db = new SQLite(source, { fileMustExist: true });
  let restarts = 0;
  let lastRemaining = Number.POSITIVE_INFINITY;
  try {
    db.pragma('busy_timeout = 5000');
    const result = await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        if (remainingPages > lastRemaining) restarts += 1;
        lastRemaining = remainingPages;
        options.onProgress?.({ totalPages, remainingPages, restarts });
        return restarts > 0 ? totalPages : Math.max(100, Math.ceil(totalPages / STEPS));
      },
    });
    options.onProgress?.({ totalPages: result.totalPages, remainingPages: 0, restarts });
    const counts = checkCopy(partial);
    renameSync(partial, target);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return { bytes: result.totalPages * pageSize, pages: result.totalPages, restarts, counts };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

/**
 * Opens a copy (`name` in messages), makes it a single file (rollback journal) and checks it; returns its
 * main tables' row counts.
 *
 * @throws Error when SQLite finds it damaged or it is not a dialstate database.
 */
export function checkCopy(path: string, name = path): BackupSummary['counts'] {
  const copy = new SQLite(path, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`${name} is damaged: ${String(check)}`);
    const count = (table: string): number => {
      try {
        return (copy.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      } catch (error) {
        throw new Error(`${name} is not a dialstate database (no ${table} table)`, {
          cause: error,
        });
      }
    };
    return {
      campaigns: count('campaign'),
      leads: count('lead'),
      attempts: count('attempt'),
      journalEntries: count('attempt_event'),
    };
  } finally {
    copy.close();
  }
}
