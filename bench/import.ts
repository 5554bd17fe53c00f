/**
 * Importing a large CSV file of leads, end to end: file → csv-parse → validation and
 * normalisation → staging → one merge transaction into SQLite (a file database, WAL,
 * synchronous=FULL as in production).
 *
 *   npm run bench:import -- [--rows 1000000] [--runs 1] [--profile]   (SYNC=NORMAL to compare)
 *
 * `--profile` takes a CPU profile of each import and prints where the time went.
 *
 * The generated file looks like an operator's export: numbers in three spellings, a
 * quoted field with a comma in every row, a time zone, a custom variable. One row in a
 * hundred repeats an earlier number, one in two hundred has a bad number, and one number
 * in a hundred is on the global do-not-call list. Reported per run: wall and CPU time,
 * rows/s, peak RSS, the event-loop delay while the file was read (p99 and max: on a
 * busy machine the max includes the process waiting for a CPU), and how long the final
 * merge held the event loop (and the database).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { importDnc } from '../src/compliance/do-not-call-lists.js';
import { importLeads, newImportId } from '../src/intake/import-leads.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { openDatabase } from '../src/store/db.js';
import { createDncListStore } from '../src/store/dnc-list-store.js';
import { createLeadIntakeStore } from '../src/store/lead-intake-store.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { benchCampaign } from './bench-fixtures.js';
import { profileImport } from './import-profile.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
  },
});
const rowCount = Number(values.rows);
const runs = Number(values.runs);
const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-import-'));
const csvPath = path.join(dir, 'leads.csv');

const AREAS = [415, 212, 312, 617, 713, 206, 305];

/** Distinct number `n` (0 ≤ n < 7,000,000) in one of three spellings. */
function spell(n: number, style: number): string {
  const local = String(2_000_000 + n);
  const area = AREAS[n % AREAS.length];
  if (style === 0) return `+1 (${area}) ${local.slice(0, 3)}-${local.slice(3)}`;
  if (style === 1) return `${area}${local}`;
  return `+1${area}${local}`;
}

async function generate(): Promise<{ bad: number; duplicates: number; dnc: number[] }> {
  const out = createWriteStream(csvPath);
  let chunk = 'phone,name,timezone,appointment,notes\n';
  let bad = 0;
  let duplicates = 0;
  const dnc: number[] = [];
  for (let row = 0; row < rowCount; row++) {
    let phone: string;
    if (row % 200 === 199) {
      phone = `555-01${row % 10}`;
      bad += 1;
    } else if (row % 100 === 57 && row > 100) {
      phone = spell(row - 50, (row + 1) % 3);
      duplicates += 1;
    } else {
      phone = spell(row, row % 3);
      if (row % 100 === 13) dnc.push(row);
    }
    chunk += `${phone},Lead ${row},America/Los_Angeles,2026-12-0${(row % 9) + 1} 10:30,"note, with comma ${row}"\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return { bad, duplicates, dnc };
}

const generated = await generate();
const bytes = statSync(csvPath).size;
console.log(
  `import, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, ` +
    `${rowCount} rows, ${(bytes / 1e6).toFixed(1)} MB, SYNC=${process.env.SYNC ?? 'FULL'}`,
);
console.log(
  '| run | load avg | rows | wall s | cpu s | rows/s | read s | merge s (event loop held) | event-loop delay while reading p99 / max ms | peak RSS MB | db MB |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');

for (let run = 1; run <= runs; run++) {
  const dbPath = path.join(dir, `run-${run}.db`);
  const store = openDatabase({
    path: dbPath,
    synchronous: (process.env.SYNC as 'FULL' | 'NORMAL' | undefined) ?? 'FULL',
  });
  await migrateToLatest(store.db);
  const campaign = benchCampaign();
  await createCampaignRepository(store.db).insert(campaign);
  const listed = await importDnc(
    { store: createDncListStore(store), clock: { now: () => 0 } },
    { campaignId: null },
    (async function* () {
      yield `phone\n${generated.dnc.map((n) => spell(n, 2)).join('\n')}\n`;
    })(),
    { defaultReason: 'bench' },
  );
  if (!listed.ok || listed.report.counts.added !== generated.dnc.length) {
    throw new Error(`do-not-call list not loaded: ${JSON.stringify(listed)}`);
  }

  // The machine is shared: the 1-minute load average says how much it was at the start.
  const load = os.loadavg()[0] ?? 0;
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  let readEnd = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  stalls.enable();
  const importOnce = (markMerge: () => void) =>
    importLeads(
      {
        store: createLeadIntakeStore(store),
        clock: { now: () => Date.now() },
        newImportId: () => newImportId(),
      },
      {
        campaignId: campaign.id,
        fileName: 'leads.csv',
        source: createReadStream(csvPath, { highWaterMark: 256 * 1024 }),
        bytesTotal: bytes,
        onProgress: (progress) => {
          if (progress.phase === 'merging') {
            stalls.disable();
            readEnd = performance.now();
            markMerge();
          }
        },
      },
    );
  let buckets: [string, number][] = [];
  let result: Awaited<ReturnType<typeof importOnce>>;
  if (values.profile) ({ result, buckets } = await profileImport(importOnce));
  else result = await importOnce(() => undefined);
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (!result.ok || result.report.status !== 'completed') {
    throw new Error(`import failed: ${JSON.stringify(result)}`);
  }
  const { counts, mergeBlockedMs } = result.report;
  const expectedDuplicates = generated.duplicates;
  if (counts.rejected !== generated.bad || counts.duplicates !== expectedDuplicates) {
    throw new Error(
      `unexpected counts ${JSON.stringify(counts)} for ${JSON.stringify({ ...generated, dnc: generated.dnc.length })}`,
    );
  }
  await store.close();
  console.log(
    `| ${run} | ${load.toFixed(1)} | ${counts.totalRows} | ${wall.toFixed(2)} | ${((used.user + used.system) / 1e6).toFixed(2)} | ` +
      `${Math.round(counts.totalRows / wall)} | ${((readEnd - started) / 1000).toFixed(2)} | ` +
      `${((mergeBlockedMs ?? 0) / 1000).toFixed(2)} | ${(stalls.percentile(99) / 1e6).toFixed(0)} / ${(stalls.max / 1e6).toFixed(0)} | ` +
      `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} | ${(statSync(dbPath).size / 1e6).toFixed(0)} |`,
  );
  console.log(`  counts ${JSON.stringify(counts)}`);
  for (const [bucket, ms] of buckets) console.log(`  | ${bucket} | ${(ms / 1000).toFixed(2)} s |`);
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
}
rmSync(dir, { recursive: true, force: true });
