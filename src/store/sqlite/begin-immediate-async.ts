import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
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
export function beginImmediateAsync(store: Store, busyTimeoutMs: number): Promise<void> {
  return untilWriteLocked(store, busyTimeoutMs, async () => {
    const busy = tryBegin(store, busyTimeoutMs);
    return busy === null ? { begun: true, value: undefined } : { begun: false, busy };
  });
}

/** One try at the write lock: begun (with what came of it), or SQLite's SQLITE_BUSY. */
export type Try<T> = { begun: true; value: T } | { begun: false; busy: unknown };

/**
 * Runs `work` on the store's connection in a `begin immediate` transaction it begins,
 * waiting for the write lock as `beginImmediateAsync` does, but holding nothing between
 * two tries: neither a lock nor Kysely's hold on the connection. While another
 * connection holds the write lock for long — an import's merge on its own thread
 * (ADR 039) — the reads of this connection (the health check's ping, the API's pages)
 * run between the tries instead of queueing behind the writer that waits: in WAL mode a
 * read needs no lock a writer holds.
 *
 * `work` finds the transaction begun and must end it (commit or roll back). Each try is
 * made inside `around` with the connection held: a setting that must be made outside a
 * transaction (`withoutCommitSync`) is made and undone there, around the try and, once
 * begun, around `work`.
 */
export function inWriteTransactionWhenLocked<T>(
  store: Store,
  busyTimeoutMs: number,
  work: (trx: Kysely<Database>) => Promise<T>,
  around: (attempt: () => Promise<Try<T>>) => Promise<Try<T>> = (attempt) => attempt(),
): Promise<T> {
  return untilWriteLocked(store, busyTimeoutMs, () =>
    store.db.connection().execute((trx) =>
      around(async (): Promise<Try<T>> => {
        const busy = tryBegin(store, busyTimeoutMs);
        if (busy !== null) return { begun: false, busy };
        return { begun: true, value: await work(trx) };
      }),
    ),
  );
}

/**
 * Makes `attempt` (one try at the write lock) again from later turns of the event loop,
 * after 1, 2, 4, 8, 8… ms, until it has begun or `busyTimeoutMs` has gone by (then its
 * last SQLITE_BUSY is thrown). While it waits, the store says a writer is waiting, for an
 * import's merge on its own thread, which commits back to back, to let the next try have
 * the lock (ADR 039).
 */
async function untilWriteLocked<T>(
  store: Store,
  busyTimeoutMs: number,
  attempt: () => Promise<Try<T>>,
): Promise<T> {
  const giveUpAt = performance.now() + busyTimeoutMs;
  try {
    for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS)) {
      const tried = await attempt();
      if (tried.begun) return tried.value;
      if (performance.now() >= giveUpAt) throw tried.busy;
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
