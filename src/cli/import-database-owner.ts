import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config.js';
import { tryServerLock } from '../store/database-file/server-lock.js';
import { type MergePace, OWNED_MERGE_PACE } from '../store/lead-import/lead-import-merge.js';

/** How `dialstate import` merges, and the lock it holds meanwhile. */
export interface ImportDatabaseOwner {
  /** The merge's pace: big transactions when the import owns the file, else a server's slices. */
  readonly mergePace: MergePace;
  /** True when this import holds the database's server lock. */
  readonly owned: boolean;
  /** Lets the lock go (if held); safe to call more than once. */
  release(): void;
}

/**
 * Decides how a command-line import merges (ADR 035). When no server, restore or other
 * import holds the SQLite file's server lock, the import takes it and keeps it until it
 * ends: no live call can be waiting for the write lock, and none can start (`serve`
 * refuses while it is held), so the merge commits in big transactions
 * (`OWNED_MERGE_PACE`). When the lock is held elsewhere — a server runs on the file —
 * the import merges in the server's short slices, so the server's calls never wait for
 * more than a slice. PostgreSQL has no such lock and keeps its own merge.
 */
export function ownDatabaseForImport(db: Config['db']): ImportDatabaseOwner {
  const shared: ImportDatabaseOwner = { mergePace: {}, owned: false, release() {} };
  if (db.url !== null) return shared;
  mkdirSync(dirname(db.path), { recursive: true });
  const lock = tryServerLock(db.path);
  if (lock === null) return shared;
  return { mergePace: OWNED_MERGE_PACE, owned: true, release: () => lock.release() };
}
