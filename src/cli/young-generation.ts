import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its starting size (1 MB a semi-space) for the rest of
 * the process. V8 doubles it, up to 16 MB a semi-space, whenever many objects survive a
 * scavenge, which loading and running the command's code does at once: a two-row
 * `dialstate import` ended with 8 MB of young generation, for nothing a short command
 * needs (docs/BENCHMARKS.md, "CLI start-up"). The flag is read each time V8 considers
 * growing it, so it holds from here on even though the heap was set up before.
 *
 * Not for the server, whose event loop runs the calls for hours: a small young
 * generation promotes more and scavenges more often. Worker threads get their own
 * limits (`resourceLimits`).
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
