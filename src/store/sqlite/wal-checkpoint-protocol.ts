/**
 * How the checkpointer (wal-checkpointer.ts) and its thread (wal-checkpoint-worker.ts)
 * talk: messages from the thread, and a small shared array both read and write without
 * waiting on each other's event loop.
 */

/**
 * SQLite's durability level. With WAL, `NORMAL` may lose the last commits on power loss
 * (never on a process crash) but does not fsync each commit; `FULL` fsyncs every commit.
 */
export type SynchronousMode = 'NORMAL' | 'FULL';

/** The checkpoints the thread runs (`PRAGMA wal_checkpoint(…)`). */
export type CheckpointKind = 'PASSIVE' | 'RESTART' | 'TRUNCATE';

/** When the thread checkpoints (see wal-checkpoint-worker.ts). */
export interface CheckpointThresholds {
  /** Frames waiting in the WAL that start a PASSIVE checkpoint. */
  passiveFrames: number;
  /** Frames in the WAL past which it must start over: a RESTART, writers paused for it. */
  restartFrames: number;
  /** How long without a commit before a TRUNCATE empties the WAL file (ms). */
  idleMs: number;
  /** How often the thread reads the WAL-index (ms). */
  pollMs: number;
  /** Longest a RESTART or TRUNCATE waits for readers and writers, holding new writers off (ms). */
  busyMs: number;
  /**
   * Read by the main thread, not by the checkpointing one: the thread is started only
   * once the WAL file has grown to this many frames (0: at once). Until then the main
   * connection checkpoints automatically, as SQLite does by default.
   */
  startFrames: number;
}

/**
 * The shared array's slots (`Int32Array` over a `SharedArrayBuffer`):
 * - `PAUSE`: the thread asks the process's long writers (sliced background work) to
 *   leave a gap between two transactions for a RESTART: a writer that commits
 *   back to back never lets a checkpoint take the write lock, nor the WAL start over;
 * - `STOP`: set by the main thread to end the thread after its current checkpoint;
 * - `WRITER_SEEN`: see `LONG_WRITER_MS`.
 */
export const CONTROL = { PAUSE: 0, STOP: 1, WRITER_SEEN: 2, LENGTH: 3 } as const;

/**
 * `CONTROL.WRITER_SEEN`: when a long writer last passed between two of its transactions,
 * as `wallClockSlot()`; the thread counts it as running for `LONG_WRITER_MS` after.
 */
export const LONG_WRITER_MS = 500;

/** The wall clock in ms, folded into an Int32 slot (both threads read the same clock). */
export function wallClockSlot(): number {
  return Date.now() % 2 ** 31;
}

/** The longest a long writer waits for the thread's RESTART in the gap it gives (ms). */
export const GAP_WAIT_MS = 1000;

/**
 * `WalCheckpointer.gap` for a long writer on a thread of its own (an import's merge,
 * ADR 039), which may wait by blocking its thread: notes the writer as running and,
 * when the checkpoint thread wants a gap, waits (at most `GAP_WAIT_MS`) until it has
 * restarted the WAL.
 */
export function giveCheckpointGap(control: Int32Array): void {
  Atomics.store(control, CONTROL.WRITER_SEEN, wallClockSlot());
  if (Atomics.compareExchange(control, CONTROL.PAUSE, PAUSE.WANTED, PAUSE.GIVEN) !== PAUSE.WANTED) {
    return;
  }
  Atomics.notify(control, CONTROL.PAUSE);
  Atomics.wait(control, CONTROL.PAUSE, PAUSE.GIVEN, GAP_WAIT_MS);
  // Timed out: the writes go on; the thread asks again later.
  Atomics.compareExchange(control, CONTROL.PAUSE, PAUSE.GIVEN, PAUSE.NONE);
}

/** The values of `CONTROL.PAUSE`. */
export const PAUSE = {
  /** Nothing asked. */
  NONE: 0,
  /** The thread waits for a gap between two of a long writer's transactions. */
  WANTED: 1,
  /** A long writer waits until the thread has restarted the WAL (it sets NONE then). */
  GIVEN: 2,
} as const;

export interface CheckpointWorkerData extends CheckpointThresholds {
  path: string;
  synchronous: SynchronousMode;
  /** The shared array, `CONTROL.LENGTH` slots. */
  control: SharedArrayBuffer;
}

export type CheckpointerToMain =
  /** The thread's connection is open and it reads the WAL-index: it checkpoints from now on. */
  | { type: 'ready' }
  /** One checkpoint: `busy` when readers or a writer kept it from finishing. */
  | {
      type: 'checkpointed';
      kind: CheckpointKind;
      busy: boolean;
      /** Frames in the WAL, and of them copied into the database, as it left them. */
      frames: number;
      backfilled: number;
      ms: number;
    };
