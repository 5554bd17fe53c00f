import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import {
  beginImmediateAsync,
  busyTimeoutOf,
  inWriteTransactionWhenLocked,
} from '../sqlite/begin-immediate-async.js';
import type { Store } from '../sqlite/db.js';
import type { SlowDiskSync } from '../sqlite/slow-disk-sync.js';
import { fsyncsEachWalCommit, withoutCommitSync } from '../sqlite/wal-commit-sync.js';
import {
  createFileSyncer,
  createWalSync,
  type FileSyncer,
  type WalSync,
} from '../sqlite/wal-sync.js';
import {
  type BatchUnit,
  type CommitBatcher,
  createBatchQueue,
  type Result,
  type Settled,
} from './batch-queue.js';

/** The thread pool's sync of the store's WAL file, for `createCommitBatcher` (ADR 037). */
export function walSyncOf(store: Store): WalSync {
  return createWalSync(`${store.path}-wal`);
}

/**
 * The longest a batch that lends its sync (`UnitOptions.whileUnsynced`) waits for the
 * commit it lends it to before it syncs itself (ms): the scheduler's pass and its claim
 * take well under a millisecond on a quiet machine; a pass held up (a lock held by an
 * import's merge) must not hold up the end it follows for long.
 */
export const LENT_SYNC_WAIT_MS = 20;

/**
 * How long the units of a batch that had to wait for the write lock may run before the
 * rest wait for the next batch (ms). A batch is written, committed and acknowledged in
 * one turn of the event loop, and every unit acknowledged goes on in that turn too (its
 * attempt's commands, listeners, the next claim). While another connection holds the
 * write lock (an import's merge, ADR 039) every call's events queue, and the batches that
 * waited ran 60–180 ms on a core in one turn on a slow host (ADR 052). Measured, not
 * counted: a slower or busier core runs fewer units a turn rather than holding the loop
 * longer. The batches after it are bounded too until one finds the lock free and runs
 * all its units. Otherwise a batch is not bounded: at a thousand live calls a batch runs
 * longer than this, and cutting it in two costs a second synced commit (0.80× the
 * attempts/s of `bench:sim-throughput` at L=1,000 when every batch was bounded).
 */
export const BATCH_WORK_MS = 20;

/** Settings and test seams of `createCommitBatcher`. */
export interface CommitBatcherOptions {
  /** How long a batch lending its sync waits for its hooks (ms); LENT_SYNC_WAIT_MS by default. */
  lentSyncWaitMs?: number;
  /**
   * fsyncs of the WAL file, for a batch that lent its sync and saw no synced commit
   * follow it; `createFileSyncer(<path>-wal)` by default.
   */
  syncer?: FileSyncer;
  /**
   * How long the units of a batch that waited for the write lock may run before the rest
   * wait for the next batch (ms); BATCH_WORK_MS by default.
   */
  batchWorkMs?: number;
  /**
   * With no `walSync`: batches are synced from libuv's thread pool, as with one, while
   * this says the disk is busy or slow (`createSlowDiskSync`, ADR 052, 055), and by
   * SQLite inside COMMIT otherwise.
   */
  syncWhenSlow?: SlowDiskSync;
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
 *
 * Without a `walSync`, `options.syncWhenSlow` decides batch by batch between the two
 * (ADR 055). A batch synced inside COMMIT whose every unit lends its sync (`UnitOptions`, an
 * attempt's end: ADR 050) is committed as under NORMAL too; its units' hooks run (the
 * next claim), and the batch is durable once a synced commit that wrote has followed it
 * on this connection (its fsync covers every frame before its own), or else once its own
 * fsync of the WAL file has completed.
 */
export function createCommitBatcher(
  store: Store,
  /**
   * null (the default, as the journal's `DIALSTATE_DB_WAL_SYNC=commit`): SQLite's own
   * fsync inside COMMIT; a `WalSync` (`walSyncOf`) defers it to libuv's thread pool.
   */
  walSync: WalSync | null = null,
  options: CommitBatcherOptions = {},
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
  /** Synced commits that wrote, while a batch that lent its sync waits (ADR 050). */
  const synced: SyncedCommits = { waiting: 0, count: 0 };
  /** Whether the batches are behind after a wait for the write lock (BATCH_WORK_MS). */
  let catchingUp = false;
  const syncer = options.syncer ?? createFileSyncer(`${store.path}-wal`);
  // While an fsync runs, a batch written now would wait for the next one all the same:
  // the units queued meanwhile are written together when it ends, in one transaction
  // (fewer, larger batches: the pages they share are written to the WAL once).
  const slowDisk = walSync === null ? (options.syncWhenSlow ?? null) : null;
  const gate = () => (walFile ? ((walSync ?? slowDisk?.walSync)?.running() ?? null) : null);
  return createBatchQueue(async (batch) => {
    const offLoop = walSync ?? (slowDisk?.offLoop === true ? slowDisk.walSync : null);
    let deferred = false;
    let lends = false;
    busyTimeoutMs ??= busyTimeoutOf(store);
    const timeoutMs = busyTimeoutMs;
    const commit: CommitMark = { lends: false, countAtCommit: 0, commitMs: null };
    /** Tries at the write lock: more than one, and the batch waited for another writer. */
    let tries = 0;
    // The connection is held only for each try at the write lock and, once it is had,
    // for the batch: reads run while the batch waits for a writer on another connection.
    const settled = await inWriteTransactionWhenLocked(
      store,
      timeoutMs,
      (trx) =>
        inImmediateTransaction(store, trx, batch, timeoutMs, {
          counting: { synced, commit },
          workMs:
            tries > 1 || catchingUp
              ? (options.batchWorkMs ?? BATCH_WORK_MS)
              : Number.POSITIVE_INFINITY,
        }),
      (attempt) => {
        tries += 1;
        if (offLoop === null) {
          // The pragma is read only for a batch that could lend (an end's, mostly alone).
          lends = batch.every((unit) => unit.options?.whileUnsynced !== undefined);
          lends &&= fsyncsEachWalCommit(store);
          if (lends) {
            walFile ??= walFileExists(store);
            lends = walFile;
          }
          commit.lends = lends;
          return lends ? withoutCommitSync(store, attempt) : attempt();
        }
        walFile ??= walFileExists(store);
        deferred = walFile && fsyncsEachWalCommit(store);
        return deferred ? withoutCommitSync(store, attempt) : attempt();
      },
    );
    // Bounded from a wait for the lock until a batch finds it free and runs all its units:
    // the units a bounded batch left go to the batches after it, which are bounded too.
    catchingUp = tries > 1 || settled.length < batch.length;
    if (deferred) await offLoop?.afterWrite();
    else if (lends) await syncLent(batch, settled, commit.countAtCommit);
    else if (commit.commitMs !== null) slowDisk?.committed(commit.commitMs);
    return settled;
  }, gate);

  /**
   * The rest of a batch committed unsynced because its units lend their sync: their
   * hooks (what they return, within LENT_SYNC_WAIT_MS), then its own fsync unless a
   * synced commit that wrote followed it meanwhile.
   */
  async function syncLent(
    batch: readonly BatchUnit[],
    settled: Settled[],
    countAtCommit: number,
  ): Promise<void> {
    try {
      const hooks = batch.flatMap(({ options }, index) => {
        const hook = options?.whileUnsynced;
        return settled[index]?.ok && hook ? [Promise.resolve().then(hook)] : [];
      });
      await withinMs(Promise.allSettled(hooks), options.lentSyncWaitMs ?? LENT_SYNC_WAIT_MS);
      if (synced.count > countAtCommit) return;
      try {
        await syncer.sync();
      } finally {
        syncer.release();
      }
    } finally {
      synced.waiting -= 1;
    }
  }
}

/** Settles when `promise` settles or `ms` have gone by, whichever is first; never rejects. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise.catch(() => {}), elapsed]);
  } finally {
    clearTimeout(timer);
  }
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
 * Units run one after the other until `workMs` has passed (the first at least): the
 * transaction holds those, and the settled results say how each went; the units after
 * them are left for the next batch (`createBatchQueue`).
 *
 * Units rarely fail (a journal conflict, a claim's own error), so the batch first runs
 * with no savepoints: a savepoint per unit makes SQLite copy every page a unit first
 * touches into a statement journal, about a quarter of the batch's SQLite time
 * (bench:attempt-engine `--variant floor,floor-savepoints`). If a unit throws, its
 * writes cannot be told apart from the others': the transaction is rolled back and the
 * batch runs again (as far as its time allows, and at least up to the failed unit), each
 * unit in its own savepoint, so that only the failed one is undone. A lone unit never
 * needs one: its failure rolls back the whole transaction.
 */
async function inImmediateTransaction(
  store: Store,
  trx: Kysely<Database>,
  batch: readonly BatchUnit[],
  busyTimeoutMs: number,
  options: { counting?: Counting | null; workMs?: number } = {},
): Promise<Settled[]> {
  const counting = options.counting ?? null;
  const workMs = options.workMs ?? Number.POSITIVE_INFINITY;
  let ran = 0;
  const together = await inBegunTransaction(
    store,
    counting,
    async (): Promise<Result<unknown[]>> => {
      const values: unknown[] = [];
      const until = performance.now() + workMs;
      for (const unit of batch) {
        ran += 1;
        try {
          values.push(await unit.work(trx));
        } catch (error) {
          return { ok: false, error };
        }
        if (performance.now() >= until) break;
      }
      return { ok: true, value: values };
    },
  );
  if (together.ok) return together.value.map((value) => ({ ok: true, value }));
  if (batch.length === 1) return [together];
  const isolated = await inTransaction(
    store,
    busyTimeoutMs,
    counting,
    async (): Promise<Result<Settled[]>> => {
      const results: Settled[] = [];
      // At least as far as the first run went: the failed unit is settled here.
      const until = performance.now() + workMs;
      for (const unit of batch) {
        results.push(await runInSavepoint(store, trx, unit));
        if (results.length >= ran && performance.now() >= until) break;
      }
      return { ok: true, value: results };
    },
  );
  if (!isolated.ok) throw isolated.error;
  return isolated.value;
}

/**
 * Synced commits that wrote, counted at their COMMIT while a batch that lent its sync
 * waits for one (ADR 050): a transaction that changed no row writes no WAL frame, so its
 * COMMIT syncs nothing. Counted in the same synchronous run as the COMMIT statement, so
 * that the order of the counts is the order of the commits in the WAL.
 */
interface SyncedCommits {
  /** Batches committed without their fsync, waiting for a synced commit to follow them. */
  waiting: number;
  count: number;
}

/**
 * What a batch's COMMIT notes: whether it lends its sync, the count it was made at, and
 * how long the COMMIT statement took (ms; null until it is made).
 */
interface CommitMark {
  lends: boolean;
  countAtCommit: number;
  commitMs: number | null;
}

/** How a batch takes part in the count of synced commits. */
interface Counting {
  synced: SyncedCommits;
  commit: CommitMark;
}

/**
 * Notes a COMMIT just made, before anything else can run on the connection: a synced one
 * that wrote is counted; one that lent its sync takes the count it was made at, and is
 * waiting from now on (so that a batch begun after it counts its changes).
 */
function noteCommit(store: Store, { synced, commit }: Counting, changed: boolean): void {
  if (commit.lends) {
    commit.countAtCommit = synced.count;
    synced.waiting += 1;
  } else if (changed && fsyncsEachWalCommit(store)) synced.count += 1;
}

function totalChanges(store: Store): number {
  const [row] = store.prepare('select total_changes() as n').all([]) as { n: number }[];
  return row?.n ?? 0;
}

/**
 * Runs `work` between `begin immediate` and `commit`; rolls back instead when it throws
 * or answers a failure (a unit failed: nothing of the batch may be kept as it is). The
 * BEGIN waits for the write lock from later turns of the event loop, not asleep in it
 * (`beginImmediateAsync`, ADR 038).
 */
async function inTransaction<T>(
  store: Store,
  busyTimeoutMs: number,
  counting: Counting | null,
  work: () => Promise<Result<T>>,
): Promise<Result<T>> {
  // The batch run again, unit by unit (rare): the connection stays held while it waits.
  await beginImmediateAsync(store, busyTimeoutMs);
  return inBegunTransaction(store, counting, work);
}

/** Runs `work` in the transaction begun, then commits it, or rolls it back on a failure. */
async function inBegunTransaction<T>(
  store: Store,
  counting: Counting | null,
  work: () => Promise<Result<T>>,
): Promise<Result<T>> {
  // Read only while a batch waits: two statements a batch otherwise saved.
  const before = counting !== null && counting.synced.waiting > 0 ? totalChanges(store) : null;
  try {
    const result = await work();
    if (result.ok) {
      const changed = before !== null && totalChanges(store) > before;
      const committing = performance.now();
      store.prepare('commit').run([]);
      if (counting !== null) {
        counting.commit.commitMs = performance.now() - committing;
        noteCommit(store, counting, changed);
      }
    } else rollback(store);
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
