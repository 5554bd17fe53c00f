import { createFileSyncer, createWalSync, type FileSyncer, type WalSync } from './wal-sync.js';

/**
 * A COMMIT that took this long (ms) with SQLite's fsync inside it says the disk is slow
 * or busy: the event loop stood still for it. ~0.1–5 ms on an idle disk; 40–140 ms while
 * an import's staging and merge keep the disk busy (ADR 052).
 */
export const SLOW_COMMIT_MS = 10;
/** A WAL fsync from the thread pool this quick (ms) says the disk keeps up again. */
export const QUICK_SYNC_MS = 3;

/**
 * Where a batch's sync goes: inside COMMIT while the disk keeps up (no thread pool hop,
 * ADR 037's revision); from libuv's thread pool while `busy()` says bulk writes run (an
 * import: `bulkWriteRunning`), whose write-back makes any sync slow at any moment, and
 * after a COMMIT took `SLOW_COMMIT_MS` or more (a disk busy with something else), until
 * one of those fsyncs takes under `QUICK_SYNC_MS`. As durable either way: a unit
 * resolves once its frames are synced (ADR 052, 055).
 */
export interface SlowDiskSync {
  /** Whether the next batch is synced from the thread pool (`walSync`). */
  readonly offLoop: boolean;
  /** The thread pool's sync of the WAL file. */
  readonly walSync: WalSync;
  /** A batch's COMMIT, with SQLite's fsync inside it, took `ms`. */
  committed(ms: number): void;
}

export function createSlowDiskSync(
  walPath: string,
  options: {
    syncer?: FileSyncer;
    slowMs?: number;
    quickMs?: number;
    /** Whether bulk writes run now, keeping the sync off the loop; never by default. */
    busy?: () => boolean;
  } = {},
): SlowDiskSync {
  const busy = options.busy ?? (() => false);
  const slowMs = options.slowMs ?? SLOW_COMMIT_MS;
  const quickMs = options.quickMs ?? QUICK_SYNC_MS;
  const syncer = options.syncer ?? createFileSyncer(walPath);
  let offLoop = false;
  // Each fsync of the thread pool is timed: a quick one brings the sync back into COMMIT.
  const timed: FileSyncer = {
    async sync() {
      const began = performance.now();
      await syncer.sync();
      if (performance.now() - began < quickMs) offLoop = false;
    },
    release: () => syncer.release(),
  };
  return {
    get offLoop() {
      return offLoop || busy();
    },
    walSync: createWalSync(walPath, timed),
    committed(ms) {
      if (ms >= slowMs) offLoop = true;
    },
  };
}
