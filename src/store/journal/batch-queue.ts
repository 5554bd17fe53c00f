import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * The group commit's queue, shared by both dialects: units of work queued in one turn of
 * the event loop are handed together to a dialect's `runBatch` (SQLite's in
 * commit-batcher.ts, PostgreSQL's in postgres-commit-batcher.ts).
 */

/** Most units of work written in one transaction, bounding how long a batch holds the database. */
const MAX_BATCH = 256;

/** Runs units of work, each atomically, several per transaction. */
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
  run<T>(work: (trx: Kysely<Database>) => Promise<T>, options?: UnitOptions): Promise<T>;
}

/** How a unit may be committed; a batcher may ignore what it cannot do. */
export interface UnitOptions {
  /**
   * The unit lends its sync to a commit that follows (ADR 050): when every unit of its
   * batch lends, the batch is committed without its own fsync (its writes visible, not
   * yet durable), this is called, and the fsync waits (a bounded while) for what it
   * returns: a synced commit made meanwhile on the connection, which writes after this
   * one in the WAL, makes it durable too, and then no fsync of its own is made. The unit
   * still resolves only once durable. Not called when the batch was synced at its commit.
   */
  whileUnsynced?: () => Promise<unknown>;
}

/** One unit of work waiting for its batch, with how it asked to be committed. */
export interface BatchUnit<O extends UnitOptions = UnitOptions> {
  work: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  options?: O;
}

/** How one unit of a batch went, in the batch's order. */
export type Settled = Result<unknown>;

/**
 * The queue of a group commit: units queued in the same turn of the event loop are
 * handed together (at most MAX_BATCH) to `runBatch`, which writes them in one
 * transaction and says how each went; a `runBatch` that throws fails every unit of its
 * batch with that error (nothing of it written). `runBatch` may settle only the first
 * units of its batch (SQLite's, after a wait for the write lock: `BATCH_WORK_MS`): the
 * others go back to the head of the queue, for the next batch in a later turn. Each
 * dialect brings its `runBatch`.
 */
export function createBatchQueue<O extends UnitOptions = UnitOptions>(
  runBatch: (batch: readonly BatchUnit<O>[]) => Promise<Settled[]>,
  /**
   * When not null, what the next batch waits for before it is taken from the queue;
   * units queued meanwhile join it.
   */
  gate: () => Promise<void> | null = () => null,
): CommitBatcher & {
  run<T>(work: (trx: Kysely<Database>) => Promise<T>, options?: O): Promise<T>;
} {
  let queue: BatchUnit<O>[] = [];
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

  async function flush(batch: BatchUnit<O>[]): Promise<void> {
    let settled: Settled[];
    try {
      settled = await runBatch(batch);
    } catch (error) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    // Units the batch did not reach are written first by the next one: ahead of units
    // queued meanwhile, and of those the units acknowledged below queue.
    const unreached = batch.slice(settled.length);
    if (unreached.length > 0) {
      queue = [...unreached, ...queue];
      schedule();
    }
    for (const [index, result] of settled.entries()) {
      const unit = batch[index] as BatchUnit<O>;
      if (result.ok) unit.resolve(result.value);
      else unit.reject(result.error);
    }
  }

  return {
    run<T>(work: (trx: Kysely<Database>) => Promise<T>, options?: O): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const unit: BatchUnit<O> = { work, resolve: resolve as (value: unknown) => void, reject };
        if (options !== undefined) unit.options = options;
        queue.push(unit);
        schedule();
      });
    },
  };
}

/** How a unit (or a batch) went: its value, or the error it failed with. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };
