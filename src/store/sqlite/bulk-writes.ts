import type { Store } from './db.js';

/**
 * Bulk writes running on each database file (an import's staging and merge, a campaign's
 * purge: ADR 055), by its path: every connection to the file shares its disk, and
 * wrappers of a `Store` (tests, other dialects' views) are other objects over the file.
 */
const running = new Map<string, number>();

/**
 * Notes that a bulk write has begun on `store` (an import staging its rows or merging
 * them from a thread of its own, any work in slices: `runSliced`) until the function it returns is called (once; later
 * calls do nothing). While one runs the disk is busy with its pages and their
 * write-back, and a sync of the journal's WAL can take 60–140 ms at any moment, without
 * the commits before it having been slow (ADR 055): the journal syncs from libuv's
 * thread pool meanwhile (`createSlowDiskSync`).
 */
export function beginBulkWrite(store: Pick<Store, 'path'>): () => void {
  const { path } = store;
  running.set(path, (running.get(path) ?? 0) + 1);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    const left = (running.get(path) ?? 1) - 1;
    if (left > 0) running.set(path, left);
    else running.delete(path);
  };
}

/** Whether a bulk write is running on `store` (`beginBulkWrite`). */
export function bulkWriteRunning(store: Pick<Store, 'path'>): boolean {
  return running.has(store.path);
}
