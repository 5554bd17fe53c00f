/**
 * Where the CPU time of a lead import goes: a V8 CPU profile of `work`, taken with the
 * inspector, with each sample put in one bucket — csv-parse, phone numbers, the rest of
 * the row validation, the import service, the per-batch lookups, staging, the final
 * merge (every sample from its start on: its statements, its COMMIT), garbage
 * collection, idle.
 */
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The bucket of a frame, or null when the frame counts for its caller (Node, SQLite, Kysely). */
function bucketOf(frame: ProfileNode['callFrame']): string | null {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting for the file)';
  if (url.includes('node_modules/csv-parse')) return 'csv-parse';
  if (url.includes('node_modules/libphonenumber-js') || /phone-(number|fast-path)\.ts/.test(url)) {
    return 'phone numbers (fast path, libphonenumber-js)';
  }
  if (url.includes('/src/campaign/')) return 'row validation, dedupe, tally (src/campaign)';
  if (url.includes('/src/intake/')) return 'import service (src/intake)';
  if (url.includes('/src/store/lead-intake-store.ts'))
    return 'lookups: existing leads, do-not-call (SQLite)';
  if (url.includes('/src/store/')) return 'staging batches (SQLite)';
  return null;
}

/** Runs `work` under the CPU profiler; returns its result and the time per bucket (ms). */
export async function profileImport<T>(
  work: (markMerge: () => void) => Promise<T>,
): Promise<{ result: T; buckets: [string, number][] }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  let mergeStartUs = Number.POSITIVE_INFINITY;
  const result = await work(() => {
    mergeStartUs = Number(process.hrtime.bigint() / 1000n);
  });
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();

  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const bucketOfNode = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = bucketOfNode.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const own = node ? bucketOf(node.callFrame) : null;
    const parent = parentOf.get(id);
    const bucket = own ?? (parent === undefined ? 'other (Node, tsx, bench)' : resolve(parent));
    bucketOfNode.set(id, bucket);
    return bucket;
  };
  // In the merge: its statements, or the COMMIT (which also runs SQLite's WAL checkpoint).
  const mergePartOf = (id: number): string => {
    for (let node = byId.get(id); node; node = byId.get(parentOf.get(node.id) ?? -1)) {
      if (node.callFrame.url.includes('/src/store/lead-import-merge.ts')) {
        return 'final merge: update and insert statements';
      }
      if (node.callFrame.url.includes('/src/store/sync-transaction.ts')) {
        return 'final merge: COMMIT (WAL write, fsync, checkpoint)';
      }
      if (node.callFrame.functionName === '(garbage collector)') return 'final merge: other';
    }
    return 'final merge: other';
  };
  const totals = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    const bucket = at >= mergeStartUs ? mergePartOf(id) : resolve(id);
    totals.set(bucket, (totals.get(bucket) ?? 0) + delta / 1000);
  });
  return { result, buckets: [...totals].sort((a, b) => b[1] - a[1]) };
}
