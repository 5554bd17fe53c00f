import type { LeadImportMerge } from '../../intake/lead-intake-ports.js';
import type { SynchronousMode } from '../sqlite/db.js';

/*
 * The messages between the thread that owns an import (lead-import-merge-thread.ts) and
 * the thread that merges its staged rows on a connection of its own
 * (lead-import-merge-worker.ts), kept apart so that neither side loads the other.
 */

/** The merge's pace as the merging thread takes it: numbers only (see `MergePace`). */
export interface ThreadMergePace {
  sliceMs?: number;
  chunkMs?: number;
  maxRowsPerChunk?: number;
}

/** What the merging thread starts with. */
export interface MergeWorkerData {
  /** The database file. */
  path: string;
  /** The import's staging file (`stagingFileOf`). */
  stagingFile: string;
  importId: string;
  /** The time the merged leads are stamped with. */
  at: number;
  synchronous: SynchronousMode;
  busyTimeoutMs: number;
  /** The main connection's `wal_autocheckpoint` when the merge starts. */
  walAutocheckpoint: number;
  /** The checkpoint thread's shared array (`Store.checkpointControl`), if there is one. */
  checkpointControl: SharedArrayBuffer | null;
  /** The main connection's `Store.writerWaiting` slot. */
  writerWaiting: SharedArrayBuffer;
  pace: ThreadMergePace;
}

/** From the merging thread to its owner. */
export type FromMergeThread =
  /** A slice committed: it held the write lock `heldMs` and took `cpuMs` of the process's CPU. */
  | { kind: 'slice'; heldMs: number; cpuMs: number }
  /** The merge ended, as `mergeImportInSlices` answers; the thread closes its connection next. */
  | { kind: 'done'; merge: LeadImportMerge }
  /** The merge failed: SQLite's (or any) error, its message and code. */
  | { kind: 'failed'; message: string; code: string | undefined; stack: string | undefined };

/**
 * From the owner to the merging thread, whenever it has something to say; the thread
 * reads them between two slices, never waiting for one.
 */
export type ToMergeThread =
  /** The main connection's `wal_autocheckpoint` changed (0 once the checkpoint thread runs). */
  | { kind: 'autocheckpoint'; frames: number }
  /** Stop after the current slice: the merge resumes at the next start. */
  | { kind: 'stop' };
