/**
 * The thread that merges one import's staged rows into its campaign (see
 * lead-import-merge-thread.ts): a connection of its own to the database, the staging
 * file attached to it, and the same sliced merge as on the event loop
 * (`mergeImportInSlices`). Its transactions hold SQLite's write lock, never the
 * server's event loop: the journal's group commit waits for the lock from later turns of
 * the loop (ADR 038), and a BEGIN here that finds the lock taken waits in this thread.
 *
 * Between two slices it asks its owner whether to go on and waits for the answer: the
 * owner gives the WAL checkpoint thread the gap it may want (`Store.checkpointGap`) and
 * says stop when the server is shutting down (or the store closed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type Store } from './db.js';
import { mergeImportInSlices } from './lead-import-merge.js';
import type {
  FromMergeThread,
  MergeWorkerData,
  ToMergeThread,
} from './lead-import-merge-protocol.js';

const data = workerData as MergeWorkerData;
const port = parentPort;
if (port === null) throw new Error('lead-import-merge-worker runs as a worker thread');
const owner = port;

/** The staging file's schema on this connection and its page cache (KiB): read once, in order. */
const STAGE = 'import_stage';
const STAGING_CACHE_KIB = 1024;

const send = (message: FromMergeThread) => owner.postMessage(message);

let answered: ((answer: ToMergeThread) => void) | null = null;
function onAnswer(answer: ToMergeThread): void {
  const waiting = answered;
  answered = null;
  waiting?.(answer);
}
// Listening keeps the thread alive while it waits for an answer; once it stops, so does
// the thread (see the end of `merge`).
owner.on('message', onAnswer);

async function merge(): Promise<void> {
  const opened = openDatabase({
    path: data.path,
    synchronous: data.synchronous,
    busyTimeoutMs: data.busyTimeoutMs,
    checkpoints: 'automatic',
  });
  let stopped = false;
  let autocheckpoint = -1;
  const autocheckpointAt = (frames: number) => {
    if (frames === autocheckpoint) return;
    autocheckpoint = frames;
    opened.prepare(`pragma wal_autocheckpoint = ${frames}`).all([]);
  };
  try {
    autocheckpointAt(data.walAutocheckpoint);
    opened.prepare(`attach database ? as ${STAGE}`).run([data.stagingFile]);
    opened.prepare(`pragma ${STAGE}.cache_size = -${STAGING_CACHE_KIB}`).run([]);
    // The sliced merge asks the store for the checkpoint thread's gap between two slices:
    // here that is the owner's answer, which the checkpoint thread's gap is part of.
    const store: Store = {
      ...opened,
      checkpointGap: () =>
        new Promise<void>((resolve) => {
          answered = (answer) => {
            if (answer.kind === 'stop') stopped = true;
            else autocheckpointAt(answer.walAutocheckpoint);
            resolve();
          };
          send({ kind: 'between' });
        }),
    };
    const result = await mergeImportInSlices(
      store,
      { importId: data.importId, rows: `${STAGE}.lead_import_rows` },
      data.at,
      {
        ...data.pace,
        shouldStop: () => stopped,
        onSlice: (heldMs, cpuMs) => send({ kind: 'slice', heldMs, cpuMs }),
      },
    );
    send({ kind: 'done', merge: result });
  } finally {
    await opened.close();
  }
}

merge()
  .catch((error: unknown) => {
    const failure = error instanceof Error ? error : new Error(String(error));
    send({
      kind: 'failed',
      message: failure.message,
      code: (failure as { code?: string }).code,
      stack: failure.stack,
    });
  })
  .finally(() => owner.off('message', onAnswer));
