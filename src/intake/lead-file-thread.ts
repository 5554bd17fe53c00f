import type { Worker } from 'node:worker_threads';
import { startThread } from '../thread-start.js';
import type { LeadFileWorkerData, ToReader, ToThread } from './lead-file-protocol.js';
import type { LeadFileEvent, LeadFileReading } from './read-lead-file.js';

/** Reads and checks a lead file (`readLeadFile`'s events), wherever it does the work. */
export type LeadFileReader = (
  source: AsyncIterable<Uint8Array | string>,
  reading: LeadFileReading,
) => AsyncIterable<LeadFileEvent>;

/**
 * Batches of checked rows the reading thread may send ahead of those staged: enough to
 * keep both threads busy, few enough that an import holds a few thousand rows at most
 * whatever the size of its file.
 */
export const MAX_BATCHES_AHEAD = 4;

/**
 * The reading thread's heap. Its young generation is kept small: V8's default (up to
 * 48 MB) added 28 MB to the peak RSS of a 400,000-row import (236 against 208 MB), for
 * some CPU (the reading phase took up to a sixth more CPU with 4 MB than with 16 MB,
 * docs/BENCHMARKS.md). Its old generation is bounded so that a file that would take more
 * (millions of distinct extensions to deduplicate) fails its import, not the process.
 */
const READER_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 512 };

/**
 * The reading thread's nice value beside a server's event loop (Linux; 0 is the
 * process's own, 19 the lowest): the loop runs the calls, and on two cores its longest
 * turns while a file was read were mostly waits for a core that this thread shares with
 * the merge's thread and whatever else runs (docs/BENCHMARKS.md, ADR 046). The thread is
 * only a few batches ahead of the staging anyway: it still gets every core the loop
 * leaves idle.
 */
export const SERVER_READER_NICE = 10;

export interface LeadFileThreadOptions {
  /** The module the thread runs: `lead-file-worker`, unless a test swaps it. */
  entry?: URL;
  maxBatchesAhead?: number;
  /**
   * The thread's nice value (`lowerThreadPriority`): 0, the default, runs it as the
   * rest of the process, as `dialstate import` does, where nothing else waits.
   */
  nice?: number;
}

/**
 * `readLeadFile` in a worker thread of its own, so that parsing, validating and
 * deduplicating a large file never holds this thread's event loop (the server's, which
 * also runs the calls). The source is read here, a chunk each time the thread asks for
 * one, and its batches come back at most `maxBatchesAhead` ahead of the caller: a batch
 * counts as staged once the caller asks for the next event. So the file is read only as
 * fast as the caller stages its rows.
 *
 * The thread ends with the reading, or as soon as the caller stops. A source that fails
 * throws its own error; a thread that fails (an uncaught error, out of memory) throws an
 * error saying so, after the events it sent before.
 */
export async function* readLeadFileInThread(
  source: AsyncIterable<Uint8Array | string>,
  reading: LeadFileReading,
  options: LeadFileThreadOptions = {},
): AsyncGenerator<LeadFileEvent> {
  const workerData: LeadFileWorkerData = {
    reading,
    maxBatchesAhead: options.maxBatchesAhead ?? MAX_BATCHES_AHEAD,
    nice: options.nice ?? 0,
  };
  const worker = startWorker(options.entry ?? defaultEntry(), workerData);
  const iterator = source[Symbol.asyncIterator]();
  const events: LeadFileEvent[] = [];
  let done = false;
  let sourceEnded = false;
  // Set by the listeners below, so typed wide: TypeScript would narrow it to null.
  let failure = null as { error: unknown } | null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  const send = (message: ToReader) => worker.postMessage(message);

  async function pull(): Promise<void> {
    try {
      const next = await iterator.next();
      if (next.done) {
        sourceEnded = true;
        send({ kind: 'end' });
      } else send({ kind: 'chunk', chunk: next.value });
    } catch (error) {
      sourceEnded = true;
      fail(error);
    }
  }

  worker.on('message', (message: ToThread) => {
    if (message.kind === 'pull') void pull();
    else if (message.kind === 'event') {
      events.push(message.event);
      notify();
    } else {
      done = true;
      notify();
    }
  });
  worker.on('error', (error: Error) => {
    fail(new Error(`the thread reading the file failed: ${error.message}`));
  });
  worker.on('exit', (code: number) => {
    if (!done) fail(new Error(`the thread reading the file stopped (exit code ${code})`));
  });

  try {
    for (;;) {
      const event = events.shift();
      if (event !== undefined) {
        yield event;
        // The caller asked for more: it has staged this batch.
        if (event.kind === 'batch') send({ kind: 'staged' });
        continue;
      }
      if (failure !== null) throw failure.error;
      if (done) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    done = true;
    await worker.terminate();
    if (!sourceEnded) await iterator.return?.();
  }
}

/** The product's reading thread: compiled JavaScript beside this module, or its source. */
function defaultEntry(): URL {
  // Written out whole: the build finds a thread's module by this literal form and emits
  // it under this name beside the bundle (scripts/bundle-cli.ts).
  const compiled = new URL('./lead-file-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return compiled;
  return new URL('./lead-file-worker.ts', import.meta.url);
}

function startWorker(entry: URL, workerData: LeadFileWorkerData): Worker {
  return startThread(entry, {
    workerData,
    name: 'dialstate lead file',
    resourceLimits: READER_HEAP,
  });
}
