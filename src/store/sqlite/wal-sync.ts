import { type FileHandle, open } from 'node:fs/promises';

/**
 * Makes what was written to a WAL file durable, off the event loop (ADR 037): the fsync
 * runs in libuv's thread pool, so the loop goes on taking ARI events and sending
 * commands meanwhile, where an fsync inside SQLite's COMMIT stops the whole process.
 */
export interface WalSync {
  /**
   * Resolves once an fsync of the file that began after this call has completed: what
   * was written before the call is then on disk. Writes made while one fsync runs share
   * the next, so a stream of commits costs at most one fsync in flight and one waiting.
   * Rejects with the fsync's error (its writes may be lost on power loss).
   */
  afterWrite(): Promise<void>;
  /** Settles (never rejects) once no fsync runs any more; null when none runs now. */
  running(): Promise<void> | null;
}

/** fsyncs of one file. */
export interface FileSyncer {
  /** One fsync of the file. */
  sync(): Promise<void>;
  /** Lets go of what `sync` holds between two fsyncs (the file's descriptor). */
  release(): void;
}

/**
 * fsync(2) of a WAL file through one descriptor, opened at the first fsync and kept
 * while they follow each other (on Linux an fsync flushes every dirty page of the file,
 * whichever descriptor wrote it). A WAL file that is gone was removed by SQLite when its
 * last connection closed, after checkpointing every frame into the database file and
 * syncing that: nothing of it is left to sync.
 */
export function createFileSyncer(path: string): FileSyncer {
  let handle: Promise<FileHandle | null> | null = null;

  async function openUnlessGone(): Promise<FileHandle | null> {
    try {
      return await open(path, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  function release(): void {
    const held = handle;
    handle = null;
    // Closing a descriptor that only served fsyncs loses nothing if it fails.
    held?.then((opened) => opened?.close()).catch(() => {});
  }

  return {
    async sync() {
      handle ??= openUnlessGone();
      try {
        const opened = await handle;
        if (opened === null) handle = null;
        // fdatasync(2), as SQLite's own sync of the WAL on Linux (os_unix.c `full_fsync`):
        // the frames and the file's size, without the timestamps fsync(2) also writes,
        // which cost a journal commit of the file system each time (ADR 037).
        else await opened.datasync();
      } catch (error) {
        // The next fsync opens the file afresh.
        release();
        throw error;
      }
    },
    release,
  };
}

function settle(): void {}

/**
 * A `WalSync` over the file at `path`; `syncer` is `createFileSyncer(path)` but for
 * tests. The file stays open while fsyncs follow each other, and is closed once none waits.
 */
export function createWalSync(path: string, syncer: FileSyncer = createFileSyncer(path)): WalSync {
  /** The fsync running now, if any. */
  let running: Promise<void> | null = null;
  /** The fsync that starts when the running one ends, shared by every write meanwhile. */
  let next: Promise<void> | null = null;

  function start(): Promise<void> {
    const round = syncer.sync().finally(() => {
      if (running !== round) return;
      running = null;
      // Batches held back while it ran are written now and fsynced next: keep the file
      // for them unless none came by the next turn of the loop.
      if (next === null) {
        setImmediate(() => {
          if (running === null) syncer.release();
        });
      }
    });
    running = round;
    return round;
  }

  return {
    afterWrite() {
      if (running === null) return start();
      // The running fsync may have begun before this write reached the file.
      next ??= running
        .catch(() => {})
        .then(() => {
          next = null;
          return start();
        });
      return next;
    },
    running() {
      const current = next ?? running;
      return current === null ? null : current.then(settle, settle);
    },
  };
}
