import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { Logger } from 'pino';
import { startThread } from '../../thread-start.js';
import {
  type CheckpointerToMain,
  type CheckpointThresholds,
  type CheckpointWorkerData,
  CONTROL,
  GAP_WAIT_MS,
  PAUSE,
  type SynchronousMode,
  wallClockSlot,
} from './wal-checkpoint-protocol.js';

/**
 * Who copies the write-ahead log into the database file: a thread of its own
 * (`background`), or the main connection itself inside the commit that takes the WAL past
 * SQLite's threshold (`automatic`, SQLite's default), which stalls the event loop for as
 * long as the copy and its fsyncs take.
 */
export type CheckpointMode = 'background' | 'automatic';

/**
 * The thread's thresholds. 1,000 frames is SQLite's own automatic threshold (~4 MB of
 * 4 KiB pages); past 4,000 (~16 MB) the WAL is made to start over, so that its file
 * stays small and is written over in place rather than grown. The thread itself is
 * started only once the WAL file has held 500 frames (~2 MB): short commands (a
 * migration of a fresh file writes ~215, a small import a few dozen) never pay the
 * ~10 MB and 50–100 ms it costs (ADR 036), and a big writer has it running, in most
 * cases, before its WAL reaches SQLite's automatic threshold.
 */
export const DEFAULT_CHECKPOINT_THRESHOLDS: CheckpointThresholds = {
  passiveFrames: 1000,
  restartFrames: 4000,
  idleMs: 2000,
  pollMs: 25,
  busyMs: 50,
  startFrames: 500,
};

/** SQLite's automatic checkpoint threshold (frames), which the main connection falls back to. */
const AUTOMATIC_CHECKPOINT_FRAMES = 1000;
/** How often the WAL file's size is looked at until the thread is started (ms). */
const WATCH_MS = 100;
/** The WAL file's header (bytes); each frame after it is a page and a 24-byte header. */
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
/** How long `stop` waits for the thread's current checkpoint before ending it (ms). */
const STOP_WAIT_MS = 10_000;

/** `Atomics.waitAsync` (V8, every Node this runs on), missing from the TypeScript target's library. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** What the thread has done, for tests and benchmarks. */
export interface CheckpointStats {
  /** Whether the thread was started (the WAL grew to `startFrames`). */
  started: boolean;
  passive: number;
  restart: number;
  truncate: number;
  /** Checkpoints readers or a writer kept from finishing. */
  busy: number;
  /** The longest checkpoint (ms). */
  longestMs: number;
}

export interface WalCheckpointer {
  /**
   * `background` while the thread checkpoints; `automatic` before it is started and
   * ready, and after it ended.
   */
  mode(): CheckpointMode;
  stats(): CheckpointStats;
  /**
   * For long writers (sliced background work), between two transactions: when the thread
   * needs a gap in the writes to let the WAL start over, resolves once it has done so
   * (at most `GAP_WAIT_MS` later; the event loop runs meanwhile); otherwise at once.
   */
  gap(): Promise<void>;
  /**
   * The shared array through which a long writer on another thread gives the gap
   * (`giveCheckpointGap`).
   */
  control(): SharedArrayBuffer;
  /** Ends the thread (after its current checkpoint) and gives the main connection its automatic checkpoint back. */
  stop(): Promise<void>;
  /**
   * The thread once started (null before the WAL has grown to `startFrames`): a test
   * ends it abruptly to see the main connection take over.
   */
  worker(): Worker | null;
}

/**
 * The thread: the compiled `wal-checkpoint-worker.js` beside this file or, when this file
 * runs as TypeScript (tests, `tsx`), the `.ts` one. The `.js` URL is written out whole:
 * the build finds a thread's module by that literal form (scripts/bundle-cli.ts).
 */
function startCheckpointThread(workerData: CheckpointWorkerData): Worker {
  const compiled = new URL('./wal-checkpoint-worker.js', import.meta.url);
  const entry = import.meta.url.endsWith('.ts')
    ? new URL('./wal-checkpoint-worker.ts', import.meta.url)
    : compiled;
  return startThread(entry, { workerData });
}

/**
 * Checkpoints the WAL of the database at `path` from a thread with its own connection,
 * started once the WAL file has grown to `startFrames` frames (at once for 0): its size
 * is looked at every `WATCH_MS` and whenever a long writer passes between two
 * transactions (`gap`). The WAL file is written over in place when the WAL starts over
 * and shrinks only with a TRUNCATE (which only the thread runs) or `journal_size_limit`,
 * so its size is the most the WAL has held, which SQLite's automatic checkpoints (at
 * 1,000 frames) do not hide. Once the thread is ready, `connection`'s automatic
 * checkpoint is turned off, so that no commit on the event loop copies pages into the
 * database file. Until then, and as soon as the thread ends for any reason (an error in
 * it, `stop`), the connection checkpoints automatically: the WAL never goes unchecked.
 */
export function startWalCheckpointer(
  connection: SQLite.Database,
  options: {
    path: string;
    synchronous: SynchronousMode;
    thresholds?: Partial<CheckpointThresholds>;
    log?: Pick<Logger, 'warn'>;
  },
): WalCheckpointer {
  const control = new Int32Array(
    new SharedArrayBuffer(CONTROL.LENGTH * Int32Array.BYTES_PER_ELEMENT),
  );
  const data: CheckpointWorkerData = {
    ...DEFAULT_CHECKPOINT_THRESHOLDS,
    ...options.thresholds,
    path: options.path,
    synchronous: options.synchronous,
    control: control.buffer as SharedArrayBuffer,
  };

  let worker: Worker | null = null;
  let mode: CheckpointMode = 'automatic';
  let stopping = false;
  let failure: Error | null = null;
  // Nothing to wait for until the thread is started.
  let exited: Promise<void> = Promise.resolve();
  const stats: Omit<CheckpointStats, 'started'> = {
    passive: 0,
    restart: 0,
    truncate: 0,
    busy: 0,
    longestMs: 0,
  };
  let watch: NodeJS.Timeout | null = null;
  const setAutomatic = (frames: number) => {
    if (connection.open) connection.pragma(`wal_autocheckpoint = ${frames}`);
  };

  function start(): void {
    if (worker !== null || stopping) return;
    if (watch !== null) clearInterval(watch);
    const thread = startCheckpointThread(data);
    worker = thread;
    // A process that ends without closing its database must not wait for the thread.
    thread.unref();
    thread.on('message', (message: CheckpointerToMain) => {
      if (message.type === 'ready') {
        if (stopping) return;
        setAutomatic(0);
        mode = 'background';
        return;
      }
      if (message.kind === 'PASSIVE') stats.passive += 1;
      else if (message.kind === 'RESTART') stats.restart += 1;
      else stats.truncate += 1;
      if (message.busy) stats.busy += 1;
      stats.longestMs = Math.max(stats.longestMs, message.ms);
    });
    thread.on('error', (error) => {
      failure = error;
    });
    exited = new Promise<void>((resolve) => {
      thread.on('exit', (code) => {
        setAutomatic(AUTOMATIC_CHECKPOINT_FRAMES);
        mode = 'automatic';
        // No writer waits for a thread that is gone.
        Atomics.store(control, CONTROL.PAUSE, PAUSE.NONE);
        Atomics.notify(control, CONTROL.PAUSE);
        if (!stopping) {
          options.log?.warn(
            { err: failure ?? undefined, exitCode: code },
            'the WAL checkpoint thread ended: the database connection checkpoints by itself again',
          );
        }
        resolve();
      });
    });
  }

  const walPath = `${options.path}-wal`;
  const pageSize = Number(connection.pragma('page_size', { simple: true }));
  const startBytes = WAL_HEADER_BYTES + data.startFrames * (pageSize + FRAME_HEADER_BYTES);
  /** Starts the thread once the WAL file has grown to `startFrames`. */
  const startIfGrown = () => {
    if (worker !== null || stopping) return;
    let bytes: number;
    try {
      bytes = statSync(walPath, { throwIfNoEntry: false })?.size ?? 0;
    } catch {
      // Unreadable for a reason of its own: the thread's own checks will say which.
      bytes = startBytes;
    }
    if (bytes >= startBytes) start();
  };
  if (data.startFrames <= 0) start();
  else {
    watch = setInterval(startIfGrown, WATCH_MS);
    // Looking costs a process with nothing else to do no wait at its end.
    watch.unref();
  }

  return {
    worker: () => worker,
    mode: () => mode,
    stats: () => ({ started: worker !== null, ...stats }),
    control: () => data.control,
    async gap() {
      startIfGrown();
      Atomics.store(control, CONTROL.WRITER_SEEN, wallClockSlot());
      if (
        Atomics.compareExchange(control, CONTROL.PAUSE, PAUSE.WANTED, PAUSE.GIVEN) !== PAUSE.WANTED
      ) {
        return;
      }
      Atomics.notify(control, CONTROL.PAUSE);
      const waited = waitAsync(control, CONTROL.PAUSE, PAUSE.GIVEN, GAP_WAIT_MS);
      if (waited.async) await waited.value;
      // Timed out: the writes go on; the thread asks again later.
      Atomics.compareExchange(control, CONTROL.PAUSE, PAUSE.GIVEN, PAUSE.NONE);
    },
    async stop() {
      if (!stopping) {
        stopping = true;
        if (watch !== null) clearInterval(watch);
        const thread = worker;
        if (thread !== null) {
          // Held until it has ended, or a process with nothing else to do would not wait.
          thread.ref();
          Atomics.store(control, CONTROL.STOP, 1);
          Atomics.notify(control, CONTROL.PAUSE);
          const slow = setTimeout(() => void thread.terminate(), STOP_WAIT_MS);
          slow.unref();
          void exited.then(() => clearTimeout(slow));
        }
      }
      await exited;
    },
  };
}
