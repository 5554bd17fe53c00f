import type { LeadImportMerge } from '../../intake/lead-intake-ports.js';
import { startThread } from '../../thread-start.js';
import { beginBulkWrite } from '../sqlite/bulk-writes.js';
import type { Store, SynchronousMode } from '../sqlite/db.js';
import { withConnection } from '../sqlite/sync-transaction.js';
import { type MergePace, mergeImportInSlices } from './lead-import-merge.js';
import type {
  FromMergeThread,
  MergeWorkerData,
  ToMergeThread,
} from './lead-import-merge-protocol.js';

/** `pragma synchronous`'s levels as SQLite reports them; EXTRA syncs at least as FULL does. */
const SYNCHRONOUS_LEVELS: Record<number, SynchronousMode> = { 1: 'NORMAL', 2: 'FULL', 3: 'FULL' };

function startMergeThread(workerData: MergeWorkerData) {
  const compiled = new URL('./lead-import-merge-worker.js', import.meta.url);
  const entry = import.meta.url.endsWith('.ts')
    ? new URL('./lead-import-merge-worker.ts', import.meta.url)
    : compiled;
  return startThread(entry, { workerData });
}

/** A numeric setting of the connection (`pragma <name>`'s one value). */
function pragmaValue(store: Store, pragma: string): number {
  const [row] = store.prepare(`pragma ${pragma}`).all([]) as Record<string, number>[];
  return Object.values(row ?? {})[0] ?? 0;
}

/** The main connection's settings the merging thread's connection copies. */
function connectionSettings(store: Store) {
  const read = (pragma: string) => pragmaValue(store, pragma);
  const level = read('synchronous');
  const synchronous = SYNCHRONOUS_LEVELS[level];
  if (synchronous === undefined) {
    throw new Error(`an import cannot be merged on a connection with synchronous = ${level}`);
  }
  return {
    synchronous,
    busyTimeoutMs: read('busy_timeout'),
    walAutocheckpoint: read('wal_autocheckpoint'),
  };
}

/**
 * Merges an import's staged rows (its staging file, `stagingFile`) into its campaign on
 * a thread of its own, with a connection of its own to the database: the same sliced
 * merge as `mergeImportInSlices` (the same transactions, the same progress committed
 * with each, the same answer), but its transactions never hold the event loop, only
 * SQLite's write lock, which the journal's group commit waits for without holding the
 * loop either (ADR 039, ADR 038).
 *
 * The thread never waits for this side: between two slices it gives the WAL checkpoint
 * thread its gap itself (`Store.checkpointControl`). Each slice it reports is answered
 * here, when the loop gets to it: `pace.onSlice` learns of it, and the thread is told to
 * stop (after the slice it is in) when `pace.shouldStop` says so, when `onSlice` threw,
 * or when the store has closed under the merge (a server stopping): the merge then fails
 * as it fails on the event loop, and resumes at the next start. Resolves (or rejects)
 * once the thread has closed its connection.
 */
export async function mergeImportInThread(
  store: Store,
  staged: { importId: string; stagingFile: string },
  at: number,
  pace: MergePace = {},
): Promise<LeadImportMerge> {
  const settings = await withConnection(store, () => connectionSettings(store));
  const thread = startMergeThread({
    path: store.path,
    stagingFile: staged.stagingFile,
    importId: staged.importId,
    at,
    ...settings,
    checkpointControl: store.checkpointControl(),
    writerWaiting: store.writerWaiting(),
    pace: { sliceMs: pace.sliceMs, chunkMs: pace.chunkMs, maxRowsPerChunk: pace.maxRowsPerChunk },
  });
  let failure: { error: unknown } | null = null;
  let merged: LeadImportMerge | null = null;
  const tell = (message: ToMergeThread) => thread.postMessage(message);
  let stopSent = false;
  const stop = () => {
    if (stopSent) return;
    stopSent = true;
    tell({ kind: 'stop' });
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    stop();
  };

  let autocheckpoint = settings.walAutocheckpoint;
  let looking = false;
  /** After a slice: whether to stop, and the main connection's automatic checkpoint. */
  async function look(): Promise<void> {
    if (looking || stopSent) return;
    looking = true;
    try {
      if (pace.shouldStop?.()) return stop();
      // Also how a closed store shows: Kysely refuses the connection.
      const frames = await withConnection(store, () => pragmaValue(store, 'wal_autocheckpoint'));
      if (frames !== autocheckpoint) {
        autocheckpoint = frames;
        tell({ kind: 'autocheckpoint', frames });
      }
    } catch (error) {
      fail(error);
    } finally {
      looking = false;
    }
  }

  return new Promise<LeadImportMerge>((resolve, reject) => {
    thread.on('message', (message: FromMergeThread) => {
      if (message.kind === 'slice') {
        try {
          pace.onSlice?.(message.heldMs, message.cpuMs);
        } catch (error) {
          fail(error);
        }
        void look();
      } else if (message.kind === 'done') {
        merged = message.merge;
      } else {
        const error = new Error(message.message);
        if (message.code !== undefined) Object.assign(error, { code: message.code });
        if (message.stack !== undefined) error.stack = message.stack;
        fail(error);
      }
    });
    thread.on('error', fail);
    thread.on('exit', (code) => {
      if (failure !== null) reject(failure.error);
      else if (merged !== null) resolve(merged);
      else
        reject(new Error(`the import's merge thread ended (exit code ${code}) before the merge`));
    });
  });
}

/**
 * Merges an import's staged rows where its pace says: on a thread of its own when they
 * are in a staging file (`mergeImportInThread`), unless `pace.onEventLoop`; on the event
 * loop's connection otherwise, and always for an in-memory database, whose staged rows
 * are a temp table no other connection sees.
 */
export function mergeStagedImport(
  store: Store,
  staged: { importId: string; rows: string; file: string | null },
  at: number,
  pace: MergePace = {},
): Promise<LeadImportMerge> {
  const { importId, rows, file } = staged;
  if (file === null || pace.onEventLoop === true) {
    return mergeImportInSlices(store, { importId, rows }, at, pace);
  }
  // A bulk write on this file from another thread (`runSliced` marks the slices of this
  // one): the journal syncs off the loop meanwhile, also for a merge resumed at start-up.
  const endBulkWrite = beginBulkWrite(store);
  return mergeImportInThread(store, { importId, stagingFile: file }, at, pace).finally(
    endBulkWrite,
  );
}
