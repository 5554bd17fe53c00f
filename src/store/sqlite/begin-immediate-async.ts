import type { Store } from './db.js';

/** The longest pause between two tries of the write lock (ms). */
const MAX_PAUSE_MS = 8;

/**
 * `begin immediate` on the store's connection, waiting for the write lock without
 * holding the event loop. With its busy timeout, SQLite waits for a lock held elsewhere
 * by sleeping in the calling thread: while the checkpoint thread's RESTART holds the
 * write lock (copying the WAL and syncing, 20–160 ms beside a merge; ADR 038), a
 * `begin immediate` from the event loop would stop every call for that long. Here the
 * connection's busy timeout is 0 for the BEGIN alone, and an SQLITE_BUSY is tried again
 * from a later turn of the loop (after 1, 2, 4, 8, 8… ms), until `busyTimeoutMs` has
 * gone by: then the last SQLITE_BUSY is thrown, as when SQLite's busy handler gives up.
 * Nothing is held between tries, so no lock or transaction is left behind on a failure.
 *
 * The caller holds the connection (Kysely's lock on it) throughout, so nothing else
 * runs on it between the tries.
 */
export async function beginImmediateAsync(store: Store, busyTimeoutMs: number): Promise<void> {
  const giveUpAt = performance.now() + busyTimeoutMs;
  try {
    for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS)) {
      const busy = tryBegin(store, busyTimeoutMs);
      if (busy === null) return;
      if (performance.now() >= giveUpAt) throw busy;
      // An import's merge on its own thread, which commits back to back, lets the next
      // try have the lock (ADR 039).
      store.waitingForWriteLock(true);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  } finally {
    store.waitingForWriteLock(false);
  }
}

/**
 * One try with no waiting: null once begun, SQLite's SQLITE_BUSY error when another
 * connection holds the write lock; any other error is thrown.
 */
function tryBegin(store: Store, busyTimeoutMs: number): unknown {
  store.prepare('pragma busy_timeout = 0').all([]);
  try {
    store.prepare('begin immediate').run([]);
    return null;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return error;
    throw error;
  } finally {
    store.prepare(`pragma busy_timeout = ${busyTimeoutMs}`).all([]);
  }
}

/** The connection's busy timeout (ms), as `openDatabase` set it. */
export function busyTimeoutOf(store: Store): number {
  const [row] = store.prepare('pragma busy_timeout').all([]) as { timeout: number }[];
  return row?.timeout ?? 0;
}
