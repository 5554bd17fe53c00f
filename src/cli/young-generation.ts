import { setFlagsFromString } from 'node:v8';

const SMALL_YOUNG_GENERATION = '--semi-space-growth-factor=1';

/**
 * Keeps V8's young generation at its starting size (1 MB a semi-space) for the rest of
 * the process. V8 doubles it, up to 16 MB a semi-space, whenever many objects survive a
 * scavenge: loading and running a command's code grew it to 8 MB for a two-row
 * `dialstate import`, and a million-row import's staging to 32 MB, which RSS keeps
 * (docs/BENCHMARKS.md, "CLI start-up"). The flag is read each time V8 considers growing
 * it, so it holds from here on although the heap was set up before. Starting a worker
 * thread sets V8's flags back to the process's own (measured: the young generation grew
 * again once the lead file's reading thread ran), so it is set again once each thread
 * is running.
 *
 * Not for the server, whose event loop runs the calls for hours: a small young
 * generation promotes more and scavenges more often. Worker threads have their own
 * young generation (`resourceLimits`).
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString(SMALL_YOUNG_GENERATION);
  process.on('worker', (worker) => {
    worker.once('online', () => setFlagsFromString(SMALL_YOUNG_GENERATION));
  });
}
