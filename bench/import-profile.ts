/**
 * Where an import's time goes, from the `node --cpu-prof` profiles of `dialstate import`
 * (one file per thread: the importing thread, and the thread that reads the file):
 *
 *   npx tsx bench/import-alone.ts --variants new=dist/src/cli.js --cpu-prof /tmp/prof
 *   npx tsx bench/import-profile.ts /tmp/prof/*.cpuprofile
 *
 * Each sample goes to the part of the import its innermost frame of dialstate or of a
 * package belongs to (Node's own frames and native calls count for the code that made
 * them: an SQLite statement run by the staging counts as staging), and to a phase:
 * reading (until the first sample of the merge) or merging. The profiler samples wall
 * time while the thread runs, so on a loaded machine a part's share, not its seconds, is
 * what to read.
 */
import { readFileSync } from 'node:fs';
import type { CpuProfile, ProfileNode } from './cpu-profile.js';

/** Parts by source file of dialstate (the file name without extension). */
const PARTS_BY_FILE = new Map<string, string>(
  Object.entries({
    'csv-reader': 'CSV reading',
    'csv-source': 'CSV reading',
    'lead-input': 'validation',
    'lead-csv-rows': 'validation',
    'phone-number': 'phone normalisation',
    'phone-fast-path': 'phone normalisation',
    'seen-phones': 'dedupe within the file',
    'read-lead-file': 'checking rows (batches, custom variables JSON)',
    'lead-file-worker': 'between threads (reading side)',
    'lead-file-thread': 'between threads (importing side)',
    'phone-zones': 'zones',
    'stage-lead-batch': 'lookups and tally',
    'lead-intake-store': 'lookups and tally',
    'lead-import-tally': 'lookups and tally',
    'lead-import-run': 'staging inserts',
    'lead-import-merge': 'merge',
    'sliced-work': 'merge',
    // The staging's transactions while the file is read, the merge's after.
    'sync-transaction': 'SQLite transactions',
    'statement-cache': 'SQLite transactions',
  }),
);

/** Parts by package. */
const PARTS_BY_PACKAGE = new Map<string, string>(
  Object.entries({
    'csv-parse': 'CSV parsing (csv-parse)',
    'libphonenumber-js': 'phone normalisation',
  }),
);

const SPECIAL = new Map<string, string>(
  Object.entries({
    '(garbage collector)': 'garbage collection',
    '(idle)': 'idle (waiting)',
    '(program)': 'V8 and native code (program)',
  }),
);

function ownPart(frame: ProfileNode['callFrame']): string | null {
  const special = SPECIAL.get(frame.functionName);
  if (special !== undefined) return special;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
  if (pkg !== undefined) return PARTS_BY_PACKAGE.get(pkg) ?? null;
  const file = /\/src\/[a-z]+\/([\w-]+)\.[jt]s$/.exec(frame.url)?.[1];
  return file === undefined ? null : (PARTS_BY_FILE.get(file) ?? null);
}

for (const path of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const partCache = new Map<number, string>();
  const partOf = (id: number): string => {
    const known = partCache.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const parent = parentOf.get(id);
    const part =
      (node && ownPart(node.callFrame)) ?? (parent === undefined ? 'other' : partOf(parent));
    partCache.set(id, part);
    return part;
  };
  const seconds = new Map<string, number>();
  let merging = false;
  let mergeStartUs: number | null = null;
  let clock = profile.startTime;
  profile.samples.forEach((sample, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    clock += delta;
    const part = partOf(sample);
    if (!merging && part === 'merge') {
      merging = true;
      mergeStartUs = clock;
    }
    const key = `${merging ? 'merging' : 'reading'}\t${part}`;
    seconds.set(key, (seconds.get(key) ?? 0) + delta / 1e6);
  });
  const total = (clock - profile.startTime) / 1e6;
  console.log(
    `${path}: ${total.toFixed(1)} s sampled; the merge from ${
      mergeStartUs === null ? '–' : `${((mergeStartUs - profile.startTime) / 1e6).toFixed(1)} s`
    }`,
  );
  for (const phase of ['reading', 'merging']) {
    const parts = [...seconds].filter(([key]) => key.startsWith(`${phase}\t`));
    const sum = parts.reduce((all, [, s]) => all + s, 0);
    if (sum === 0) continue;
    console.log(`  ${phase}: ${sum.toFixed(1)} s`);
    for (const [key, s] of parts.sort((a, b) => b[1] - a[1])) {
      if (s / sum < 0.005) continue;
      console.log(
        `    ${key.split('\t')[1]?.padEnd(48)} ${s.toFixed(2).padStart(7)} s ${((100 * s) / sum).toFixed(1).padStart(5)} %`,
      );
    }
  }
}
