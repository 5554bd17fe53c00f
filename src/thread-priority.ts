import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of the thread that calls it, and of that thread only, to
 * `nice` (Linux: 0 as the process, up to 19 the lowest), so that a background thread of
 * this process — a lead file being read, say — gives a core to the event loop's thread
 * whenever both want one. On a machine of two cores the event loop otherwise waits for
 * its own background threads as for any other work: most of its long turns during an
 * import with calls were such waits (docs/BENCHMARKS.md).
 *
 * Linux keeps a nice value per thread, and `setpriority` given a thread id sets that
 * thread's; `/proc/thread-self` names the caller's id. Elsewhere (no such link) nothing
 * changes. Lowering a priority needs no privilege. Returns whether it was lowered.
 */
export function lowerThreadPriority(nice: number): boolean {
  let threadId: number;
  try {
    // `<pid>/task/<tid>`
    threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return false;
  }
  if (!Number.isInteger(threadId) || threadId <= 0) return false;
  try {
    setPriority(threadId, nice);
    return true;
  } catch {
    return false;
  }
}
