import { beginBulkWrite } from './bulk-writes.js';
import type { Store } from './db.js';
import { syncTransaction } from './sync-transaction.js';

/** How long one slice of background work may hold the event loop and the write lock (ms). */
export const DEFAULT_SLICE_MS = 20;
/**
 * The least share of `sliceMs` a transaction's chunks get, however long its commit took.
 * Most of a slow commit is its fsync, which costs the same for fewer rows: below this,
 * fewer rows a commit would make the work slower (more commits, the same pages written
 * again) and the commit hardly shorter. Even so, a 100,000-row merge at load 9–14 made
 * 1.5–2.2× the commits it made when only the chunks counted, for a fifth to a quarter
 * more CPU (docs/BENCHMARKS.md, ADR 034).
 */
const MIN_CHUNK_SHARE = 0.5;

/**
 * How long sliced work keeps trying for the write lock, from the first try that found it
 * held past the connection's busy timeout, before it fails (ms). Background work takes
 * its turn: a merge thread whose every BEGIN meets the calls' commits (SQLite's busy
 * handler polls, and on a loaded machine it can miss each gap for seconds) waits for the
 * lock rather than failing an import; a lock held this long is something else's (another
 * process), and the error says so.
 */
export const LOCK_PATIENCE_MS = 300_000;
/** Longest pause between two tries for the write lock after SQLite gave up (ms). */
const MAX_LOCK_PAUSE_MS = 100;

export interface SlicedWorkOptions {
  /**
   * Time budget of one transaction, BEGIN to COMMIT (ms): its chunks get what the last
   * transaction's BEGIN and COMMIT left of it (at least half); a chunk started
   * before that ran out still ends.
   */
  sliceMs?: number;
  /** Asked between slices: true ends the work early, with what is committed so far. */
  shouldStop?: () => boolean;
  /**
   * How long each slice held the event loop, BEGIN to COMMIT (ms), and the CPU time it
   * took (ms; see `syncTransaction`).
   */
  onSlice?: (heldMs: number, cpuMs: number) => void;
  /**
   * Commit each slice without its own fsync (`syncTransaction`'s `commitUnsynced`): for
   * work whose slices commit their own progress, so that one lost to a power cut is
   * redone at the next start.
   */
  commitUnsynced?: boolean;
  /** How long to keep trying for a held write lock (ms); LOCK_PATIENCE_MS by default. */
  lockPatienceMs?: number;
}

/**
 * Runs `chunk` over and over, in transactions of about `sliceMs` each, until it reports
 * that nothing is left (`true`). Between two transactions the event loop is yielded
 * (`setImmediate`), so calls, timers and HTTP requests run between slices and the
 * dialer's group commits get the write lock in turn, and the WAL checkpoint thread gets
 * the gap it asks for, if any (`Store.checkpointGap`).
 *
 * A chunk must be small (a few ms) and leave the database consistent on its own: a
 * slice commits whatever whole chunks fit in its budget. Returns `done` when a chunk
 * reported the end, `stopped` when `shouldStop` ended it first.
 */
export async function runSliced(
  store: Store,
  chunk: () => boolean,
  options: SlicedWorkOptions = {},
): Promise<'done' | 'stopped'> {
  // Background writes back to back keep the disk busy: the journal syncs off the event
  // loop while they run (ADR 055).
  const endBulkWrite = beginBulkWrite(store);
  try {
    return await inSlices(store, chunk, options);
  } finally {
    endBulkWrite();
  }
}

async function inSlices(
  store: Store,
  chunk: () => boolean,
  options: SlicedWorkOptions,
): Promise<'done' | 'stopped'> {
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  // The last transaction's time outside its chunks: BEGIN and above all COMMIT, which
  // writes every page the chunks touched to the WAL (and, under synchronous=FULL, waits
  // for their fsync). The next one's chunks get the budget less that, so that the whole
  // transaction, not only its chunks, holds the loop for about `sliceMs`.
  let outsideMs = 0;
  /** When the write lock was first found held, while trying for the next slice. */
  let heldSince: number | null = null;
  for (let pauseMs = 1; ; ) {
    if (options.shouldStop?.()) return 'stopped';
    let chunksMs = 0;
    let begun = false;
    let finished: boolean;
    try {
      finished = await syncTransaction(
        store,
        () => {
          begun = true;
          const began = performance.now();
          const until = began + Math.max(sliceMs * MIN_CHUNK_SHARE, sliceMs - outsideMs);
          for (;;) {
            const done = chunk();
            chunksMs = performance.now() - began;
            if (done) return true;
            if (began + chunksMs >= until) return false;
          }
        },
        {
          immediate: true,
          commitUnsynced: options.commitUnsynced,
          onHeld: (heldMs, cpuMs) => {
            outsideMs = heldMs - chunksMs;
            options.onSlice?.(heldMs, cpuMs);
          },
        },
      );
    } catch (error) {
      // Only a BEGIN that found the lock held is tried again: nothing of the slice ran.
      if (begun || (error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      heldSince ??= performance.now();
      const patienceMs = options.lockPatienceMs ?? LOCK_PATIENCE_MS;
      if (performance.now() - heldSince >= patienceMs) {
        throw new Error(
          `the database's write lock stayed held for ${patienceMs >= 1_000 ? `${Math.round(patienceMs / 1_000)} s` : `${patienceMs} ms`}: another process may be holding it`,
          { cause: error },
        );
      }
      await new Promise<void>((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, MAX_LOCK_PAUSE_MS);
      continue;
    }
    heldSince = null;
    pauseMs = 1;
    if (finished) return 'done';
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Back-to-back slices never let the WAL start over: the checkpoint thread may ask for a gap.
    await store.checkpointGap();
  }
}
