/**
 * The clocks the claim benchmarks time statements with, in ns: the process's CPU time
 * (user and system, µs resolution; a page SQLite reads back from the OS is system time),
 * which a loaded machine's preemptions leave out, or the wall clock.
 */
export type BenchClock = 'cpu' | 'wall';

export function benchClock(kind: string | undefined): () => bigint {
  if (kind === 'wall') return () => process.hrtime.bigint();
  if (kind !== 'cpu') throw new Error(`--clock takes cpu or wall, not ${kind}`);
  return () => {
    const { user, system } = process.cpuUsage();
    return BigInt(user + system) * 1000n;
  };
}
