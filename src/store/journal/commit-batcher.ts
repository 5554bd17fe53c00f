import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import {
  beginImmediateAsync,
  busyTimeoutOf,
  inWriteTransactionWhenLocked,
} from '../sqlite/begin-immediate-async.js';
import type { Store } from '../sqlite/db.js';
import { fsyncsEachWalCommit, withoutCommitSync } from '../sqlite/wal-commit-sync.js';
import { createWalSync, type WalSync } from '../sqlite/wal-sync.js';

/** The thread pool's sync of the store's WAL file, for `createCommitBatcher` (ADR 037). */
export function walSyncOf(store: Store): WalSync {
  return createWalSync(`${store.path}-wal`);
}

/** Most units of work written in one transaction, bounding how long a batch holds the database. */
const MAX_BATCH = 256;

/** Runs units of work, each atomically, several per SQLite transaction. */
export interface CommitBatcher {
  /**
   * Runs `work` in a transaction shared with other units queued in the same turn of
   * the event loop. Resolves once the transaction is committed; rejects with the unit's
   * own error (its writes rolled back, the others unaffected) or with the commit's error
   * (nothing of the batch written).
   *
   * `work` may run twice: when a unit of the batch fails, the whole transaction is
   * rolled back and the batch runs again with each unit in a savepoint (see
   * `inImmediateTransaction`). So `work` must only act on the database, or do nothing
   * outside it that a second run would get wrong.
   */
  run<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** One unit of work waiting for its batch. */
export interface BatchUnit {
  work: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** How one unit of a batch went, in the batch's order. */
export type Settled = Result<unknown>;

/**
 * The queue of a group commit: units queued in the same turn of the event loop are
 * handed together (at most MAX_BATCH) to `runBatch`, which writes them in one
 * transaction and says how each went; a `runBatch` that throws fails every unit of its
 * batch with that error (nothing of it written). Each dialect brings its `runBatch`.
 */
export function createBatchQueue(
  runBatch: (batch: readonly BatchUnit[]) => Promise<Settled[]>,
  /**
   * When not null, what the next batch waits for before it is taken from the queue;
   * units queued meanwhile join it.
   */
  gate: () => Promise<void> | null = () => null,
): CommitBatcher {
  let queue: BatchUnit[] = [];
  let scheduled = false;

  function take(): void {
    scheduled = false;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    if (queue.length > 0) schedule();
    void flush(batch);
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // setImmediate rather than a microtask: commits from every event handled in this
    // turn of the loop (ARI messages, timers) join the same batch.
    setImmediate(() => {
      const closed = gate();
      if (closed === null) take();
      else void closed.then(take);
    });
  }

  async function flush(batch: BatchUnit[]): Promise<void> {
    let settled: Settled[];
    try {
      settled = await runBatch(batch);
    } catch (error) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    batch.forEach((unit, index) => {
      const result = settled[index];
      if (result?.ok) unit.resolve(result.value);
      else unit.reject(result?.error);
    });
  }

  return {
    run<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
  };
}

/**
 * Creates a batcher over a database (group commit). A write transaction costs SQLite
 * file locks and WAL writes whatever it contains, so many concurrent attempts committing
 * their events together cost little more than one of them alone.
 *
 * By default each batch's COMMIT syncs the WAL as SQLite does (`synchronous=FULL`).
 * Given a `walSync`, under `synchronous=FULL` on a WAL file, a batch's COMMIT is made as
 * under `NORMAL` (WAL frames written, no fsync) and its units resolve only once the WAL
 * file has been fsynced from libuv's thread pool (ADR 037): as durable as FULL when they
 * resolve, but the event loop is not stopped for the fsync, and the next batch can be
 * written while it runs. The connection is back to FULL between batches, so other writes
 * on it keep SQLite's own fsync at commit.
 */
export function createCommitBatcher(
  store: Store,
  /**
   * null (the default, as the journal's `DIALSTATE_DB_WAL_SYNC=commit`): SQLite's own
   * fsync inside COMMIT; a `WalSync` (`walSyncOf`) defers it to libuv's thread pool.
   */
  walSync: WalSync | null = null,
): CommitBatcher {
  /**
   * Whether the WAL file is where `walSync` syncs it: known at the first batch. Whether a
   * batch defers its sync is asked of the connection at each batch (a pragma read, ~1 µs):
   * its `synchronous` may be changed after the batcher was made, and a batch must never
   * leave it at FULL when it was set to NORMAL, nor defer under NORMAL.
   */
  let walFile: boolean | undefined;
  /** The connection's busy timeout, how long a batch waits for the write lock (ms). */
  let busyTimeoutMs: number | undefined;
  // While an fsync runs, a batch written now would wait for the next one all the same:
  // the units queued meanwhile are written together when it ends, in one transaction
  // (fewer, larger batches: the pages they share are written to the WAL once).
  const gate = () => (walFile ? (walSync?.running() ?? null) : null);
  return createBatchQueue(async (batch) => {
    let deferred = false;
    busyTimeoutMs ??= busyTimeoutOf(store);
    const timeoutMs = busyTimeoutMs;
    // The connection is held only for each try at the write lock and, once it is had,
    // for the batch: reads run while the batch waits for a writer on another connection.
    const settled = await inWriteTransactionWhenLocked(
      store,
      timeoutMs,
      (trx) => inImmediateTransaction(store, trx, batch, timeoutMs),
      (attempt) => {
        walFile ??= walSync !== null && walFileExists(store);
        deferred = walFile && fsyncsEachWalCommit(store);
        return deferred ? withoutCommitSync(store, attempt) : attempt();
      },
    );
    if (deferred) await walSync?.afterWrite();
    return settled;
  }, gate);
}

/**
 * Whether the WAL file is where `WalSync` looks for it (`<path>-wal`): else SQLite keeps
 * its own fsync, rather than a sync of the wrong file passing for one.
 */
function walFileExists(store: Store): boolean {
  return store.path !== ':memory:' && existsSync(`${store.path}-wal`);
}

/**
 * Runs the batch in the `BEGIN IMMEDIATE` transaction begun on the connection `trx` holds.
 * Immediate, because units read before they write (a claim reads its candidates): in a
 * deferred transaction, another process committing between that read and the first
 * write makes SQLite refuse the write at once (SQLITE_BUSY, no waiting), whereas an
 * immediate one waits for the write lock up front, within the busy timeout.
 *
 * Units rarely fail (a journal conflict, a claim's own error), so the batch first runs
 * with no savepoints: a savepoint per unit makes SQLite copy every page a unit first
 * touches into a statement journal, about a quarter of the batch's SQLite time
 * (bench:attempt-engine `--variant floor,floor-savepoints`). If a unit throws, its
 * writes cannot be told apart from the others': the transaction is rolled back and the
 * batch runs again, each unit in its own savepoint, so that only the failed one is
 * undone. A lone unit never needs one: its failure rolls back the whole transaction.
 */
async function inImmediateTransaction(
  store: Store,
  trx: Kysely<Database>,
  batch: readonly BatchUnit[],
  busyTimeoutMs: number,
): Promise<Settled[]> {
  const together = await inBegunTransaction(store, async (): Promise<Result<unknown[]>> => {
    const values: unknown[] = [];
    for (const unit of batch) {
      try {
        values.push(await unit.work(trx));
      } catch (error) {
        return { ok: false, error };
      }
    }
    return { ok: true, value: values };
  });
  if (together.ok) return together.value.map((value) => ({ ok: true, value }));
  if (batch.length === 1) return [together];
  const isolated = await inTransaction(
    store,
    busyTimeoutMs,
    async (): Promise<Result<Settled[]>> => {
      const results: Settled[] = [];
      for (const unit of batch) results.push(await runInSavepoint(store, trx, unit));
      return { ok: true, value: results };
    },
  );
  if (!isolated.ok) throw isolated.error;
  return isolated.value;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` between `begin immediate` and `commit`; rolls back instead when it throws
 * or answers a failure (a unit failed: nothing of the batch may be kept as it is). The
 * BEGIN waits for the write lock from later turns of the event loop, not asleep in it
 * (`beginImmediateAsync`, ADR 038).
 */
async function inTransaction<T>(
  store: Store,
  busyTimeoutMs: number,
  work: () => Promise<Result<T>>,
): Promise<Result<T>> {
  // The batch run again, unit by unit (rare): the connection stays held while it waits.
  await beginImmediateAsync(store, busyTimeoutMs);
  return inBegunTransaction(store, work);
}

/** Runs `work` in the transaction begun, then commits it, or rolls it back on a failure. */
async function inBegunTransaction<T>(
  store: Store,
  work: () => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    const result = await work();
    if (result.ok) store.prepare('commit').run([]);
    else rollback(store);
    return result;
  } catch (error) {
    rollback(store);
    throw error;
  }
}

function rollback(store: Store): void {
  // Nothing to roll back when SQLite already did (I/O error, disk full).
  if (store.inTransaction()) store.prepare('rollback').run([]);
}

// Run on the connection the transaction holds, as prepared statements: they surround
// every unit, so building them as queries each time would cost more than running them.
async function runInSavepoint(
  store: Store,
  trx: Kysely<Database>,
  unit: BatchUnit,
): Promise<Settled> {
  store.prepare('savepoint batched_unit').run([]);
  try {
    const value = await unit.work(trx);
    store.prepare('release batched_unit').run([]);
    return { ok: true, value };
  } catch (error) {
    // If SQLite already rolled the whole transaction back (I/O error, disk full), this
    // throws too, failing the batch instead of writing the rest outside a transaction.
    store.prepare('rollback to batched_unit').run([]);
    store.prepare('release batched_unit').run([]);
    return { ok: false, error };
  }
}
