import type { LeadFileEvent, LeadFileReading } from './read-lead-file.js';

/*
 * The messages between an importing thread and the thread that reads its lead file
 * (lead-file-thread.ts and lead-file-worker.ts), kept apart so that neither side loads
 * the other.
 */

/** What the reading thread starts with. */
export interface LeadFileWorkerData {
  reading: LeadFileReading;
  /** Batches it may send ahead of those staged; then it waits. */
  maxBatchesAhead: number;
  /** The thread's nice value: 0 runs it as the rest of the process (`lowerThreadPriority`). */
  nice: number;
}

/** From the importing thread to the reader. */
export type ToReader =
  /** The next chunk of the file, as asked for by `pull`. */
  | { kind: 'chunk'; chunk: Uint8Array | string }
  /** The file has no more bytes (the answer to a `pull`). */
  | { kind: 'end' }
  /** A batch was staged: one more may come. */
  | { kind: 'staged' };

/** From the reader to the importing thread. */
export type ToThread =
  /** It needs the next chunk of the file. */
  | { kind: 'pull' }
  | { kind: 'event'; event: LeadFileEvent }
  /** It has read all it will: nothing follows. */
  | { kind: 'done' };
