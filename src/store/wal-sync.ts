import { open } from 'node:fs/promises';

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
}

/**
 * fsync(2) of a WAL file by its path: on Linux, every dirty page of the file, whichever
 * fd wrote it. A WAL file that is gone was removed by SQLite when its last connection
 * closed, after checkpointing every frame into the database file and syncing that:
 * nothing of it is left to sync.
 */
export async function fsyncFile(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A `WalSync` over the file at `path`; `sync` is `fsyncFile` but for tests. */
export function createWalSync(
  path: string,
  sync: (path: string) => Promise<void> = fsyncFile,
): WalSync {
  /** The fsync running now, if any. */
  let running: Promise<void> | null = null;
  /** The fsync that starts when the running one ends, shared by every write meanwhile. */
  let next: Promise<void> | null = null;

  function start(): Promise<void> {
    const round = sync(path).finally(() => {
      if (running === round) running = null;
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
  };
}
