import type { Store } from './db.js';
import { syncTransaction } from './sync-transaction.js';

/** How long one slice of background work may hold the event loop and the write lock (ms). */
export const DEFAULT_SLICE_MS = 20;

export interface SlicedWorkOptions {
  /** Time budget of one transaction (ms); a chunk started before it ran out still ends. */
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
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  for (;;) {
    if (options.shouldStop?.()) return 'stopped';
    const finished = await syncTransaction(
      store,
      () => {
        const until = performance.now() + sliceMs;
        for (;;) {
          if (chunk()) return true;
          if (performance.now() >= until) return false;
        }
      },
      { immediate: true, onHeld: options.onSlice, commitUnsynced: options.commitUnsynced },
    );
    if (finished) return 'done';
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Back-to-back slices never let the WAL start over: the checkpoint thread may ask for a gap.
    await store.checkpointGap();
  }
}
