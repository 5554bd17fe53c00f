import type { Store } from './db.js';

/** `PRAGMA synchronous` of FULL: an fsync of the WAL at each commit (ADR 004). */
const FULL = 2;

/** Whether each store's connection is in WAL mode: set when it is opened, never changed. */
const WAL_MODE = new WeakMap<Store, boolean>();

/**
 * Whether the store's connection fsyncs the WAL at each commit: WAL mode and
 * `synchronous = FULL`. The journal mode is read once; the synchronous level at each
 * call (a pragma read, ~1 µs), since it may be changed after the store was opened and a
 * commit must never be put back to FULL, nor made without its sync, on a stale answer.
 */
export function fsyncsEachWalCommit(store: Store): boolean {
  let wal = WAL_MODE.get(store);
  if (wal === undefined) {
    const [mode] = store.prepare('pragma journal_mode').all([]) as { journal_mode: string }[];
    wal = mode?.journal_mode === 'wal';
    WAL_MODE.set(store, wal);
  }
  if (!wal) return false;
  const [level] = store.prepare('pragma synchronous').all([]) as { synchronous: number }[];
  return level?.synchronous === FULL;
}

/**
 * Runs `work` (one transaction, with Kysely's lock on the connection held by the caller)
 * with its commit made without SQLite's fsync (`synchronous = NORMAL`), and the
 * connection back at FULL afterwards, whatever happens: the next FULL commit's fsync of
 * the WAL file makes this one durable too (ADR 035, 037).
 */
export async function withoutCommitSync<T>(store: Store, work: () => T | Promise<T>): Promise<T> {
  store.prepare('pragma synchronous = NORMAL').run([]);
  try {
    return await work();
  } finally {
    store.prepare('pragma synchronous = FULL').run([]);
  }
}
