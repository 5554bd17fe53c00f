import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * A process of its own (V8's flags are the whole process's): keeps the young generation
 * small when `keep` says so, starts a worker thread, then allocates objects that survive
 * a scavenge or two. The young generation's size (MB) before the work and after.
 */
async function youngGenerationAfterWork(keep: boolean): Promise<{ before: number; after: number }> {
  const module = path.join(repoRoot, 'src/cli/young-generation.ts');
  const script = `
    import { Worker } from 'node:worker_threads';
    import { getHeapSpaceStatistics } from 'node:v8';
    const { keepYoungGenerationSmall } = await import(${JSON.stringify(module)});
    const youngMb = () =>
      getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size /
      2 ** 20;
    if (${keep}) keepYoungGenerationSmall();
    const before = youngMb();
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    let kept = [];
    for (let i = 0; i < 3e6; i++) {
      kept.push({ i, text: 'row ' + i });
      if (kept.length > 20000) kept = [];
    }
    console.log(JSON.stringify({ before, after: youngMb() }));
    process.exit(0);
  `;
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: repoRoot },
  );
  return JSON.parse(stdout) as { before: number; after: number };
}

describe('keepYoungGenerationSmall', () => {
  it('holds the young generation at its starting size, also after a worker thread started', async () => {
    const kept = await youngGenerationAfterWork(true);
    expect(kept.after).toBe(kept.before);
    // The same work left to V8's defaults grows it (to 32 MB): the check above means something.
    const grown = await youngGenerationAfterWork(false);
    expect(grown.after).toBeGreaterThanOrEqual(4 * grown.before);
  }, 60_000);
});
