/**
 * The thread that merges one import's staged rows into its campaign (see
 * lead-import-merge-thread.ts): a connection of its own to the database, the staging
 * file attached to it, and the same sliced merge as on the event loop
 * (`mergeImportInSlices`). Its transactions hold SQLite's write lock, never the
 * server's event loop: the journal's group commit waits for the lock from later turns of
 * the loop (ADR 038), and a BEGIN here that finds the lock taken waits in this thread.
 *
 * Between two slices it lets the main connection's waiting writer (the journal's group
 * commit) have the write lock first, and gives the WAL checkpoint thread the gap it may
 * want, waiting in this thread both times (`giveCheckpointGap`), and takes in what its owner said meanwhile (stop,
 * the main connection's automatic checkpoint): it never waits for the owner's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type Store } from '../sqlite/db.js';
import { giveCheckpointGap } from '../sqlite/wal-checkpoint-protocol.js';
import { mergeImportInSlices } from './lead-import-merge.js';
import type {
  FromMergeThread,
  MergeWorkerData,
  ToMergeThread,
} from './lead-import-merge-protocol.js';
import { attachStagingFile } from './lead-import-staging.js';

const data = workerData as MergeWorkerData;
const port = parentPort;
if (port === null) throw new Error('lead-import-merge-worker runs as a worker thread');
const owner = port;

/** The staging file's schema on this connection. */
const STAGE = 'import_stage';

const send = (message: FromMergeThread) => owner.postMessage(message);
const control = data.checkpointControl === null ? null : new Int32Array(data.checkpointControl);
const writerWaiting = new Int32Array(data.writerWaiting);
/**
 * How long the thread waits, between two slices, for the main connection's writer (the
 * journal's group commit) to take the write lock it is waiting for (ms). It tries again
 * every few ms (`beginImmediateAsync`); the thread's next BEGIN, right after its commit,
 * would otherwise take the lock first nearly every time, and the calls' commits (and
 * every query behind them on that connection) would wait for slice after slice.
 */
const WRITER_TURN_MS = 50;

let stopped = false;
let autocheckpoint = data.walAutocheckpoint;
function onMessage(message: ToMergeThread): void {
  if (message.kind === 'stop') stopped = true;
  else autocheckpoint = message.frames;
}
owner.on('message', onMessage);

async function merge(): Promise<void> {
  const opened = openDatabase({
    path: data.path,
    synchronous: data.synchronous,
    busyTimeoutMs: data.busyTimeoutMs,
    checkpoints: 'automatic',
  });
  let autocheckpointSet = -1;
  const followAutocheckpoint = () => {
    if (autocheckpoint === autocheckpointSet) return;
    autocheckpointSet = autocheckpoint;
    opened.prepare(`pragma wal_autocheckpoint = ${autocheckpoint}`).all([]);
  };
  try {
    followAutocheckpoint();
    attachStagingFile(opened, data.stagingFile, STAGE);
    // The sliced merge asks the store for the checkpoint thread's gap between two slices.
    const store: Store = {
      ...opened,
      async checkpointGap() {
        Atomics.wait(writerWaiting, 0, 1, WRITER_TURN_MS);
        if (control !== null) giveCheckpointGap(control);
        followAutocheckpoint();
      },
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
  // Listening kept the thread alive; now it may end.
  .finally(() => owner.off('message', onMessage));
