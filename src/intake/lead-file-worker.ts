import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../thread-priority.js';
import type { LeadFileWorkerData, ToReader, ToThread } from './lead-file-protocol.js';
import { readLeadFile } from './read-lead-file.js';

/*
 * The thread that reads and checks one lead file (`readLeadFile`), started by
 * `readLeadFileInThread` (lead-file-thread.ts). It asks the importing thread for the
 * file's bytes a chunk at a time, only as its parser needs them, and sends the batches
 * of checked rows back; past `maxBatchesAhead` batches not yet staged it waits, so that
 * the file is read only as fast as its rows are staged.
 */

const port = parentPort;
if (port === null) throw new Error('lead-file-worker.ts runs as a worker thread');
const { reading, maxBatchesAhead, nice } = workerData as LeadFileWorkerData;
if (nice > 0) lowerThreadPriority(nice);

let credits = maxBatchesAhead;
let chunkWaiter: ((message: Extract<ToReader, { kind: 'chunk' | 'end' }>) => void) | null = null;
let creditWaiter: (() => void) | null = null;

port.on('message', (message: ToReader) => {
  if (message.kind === 'staged') {
    credits += 1;
    creditWaiter?.();
    creditWaiter = null;
    return;
  }
  const waiter = chunkWaiter;
  chunkWaiter = null;
  waiter?.(message);
});

function send(message: ToThread): void {
  port?.postMessage(message);
}

/** The file's bytes, asked for one chunk at a time. */
async function* source(): AsyncGenerator<Uint8Array | string> {
  for (;;) {
    const next = await new Promise<Extract<ToReader, { kind: 'chunk' | 'end' }>>((resolve) => {
      chunkWaiter = resolve;
      send({ kind: 'pull' });
    });
    if (next.kind === 'end') return;
    yield next.chunk;
  }
}

for await (const event of readLeadFile(source(), reading)) {
  if (event.kind === 'batch') {
    while (credits === 0) {
      await new Promise<void>((resolve) => {
        creditWaiter = resolve;
      });
    }
    credits -= 1;
  }
  send({ kind: 'event', event });
}
send({ kind: 'done' });
