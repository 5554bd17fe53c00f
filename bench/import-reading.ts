/**
 * The reading phase of an import — the file read, parsed, validated, deduplicated and
 * staged, until the import is decided — with the file read in place against read in its
 * worker thread (ADR 032), in one process, in turn, so that the ratio is taken under one
 * load:
 *
 *   npx tsx bench/import-reading.ts [--rows 300000] [--rounds 2]
 *
 * The file is the shared generator's (`gen_leads.py … --seed 7`), read from disk in
 * 256 KB chunks as `dialstate import` reads it, into a fresh in-memory database per
 * import (the merge that follows is not measured). Reported per import: wall and CPU
 * seconds of the reading phase (CPU of the whole process: both threads), the longest
 * the event loop went without running a timer, and the event-loop delay's p99
 * (`monitorEventLoopDelay`), both while reading.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { importLeads } from '../src/intake/import-leads.js';
import { type LeadFileReader, readLeadFileInThread } from '../src/intake/lead-file-thread.js';
import { readLeadFile } from '../src/intake/read-lead-file.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createLeadIntakeStore } from '../src/store/lead-import/lead-intake-store.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { benchCampaign } from './bench-fixtures.js';

const GENERATOR = '/work/shared/bench/gen_leads.py';
const CAMPAIGN_ID = '6f1c2a4e-8d3b-4c7a-9e21-0b5f3d7c9a11';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '2' },
    generator: { type: 'string', default: GENERATOR },
  },
});

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');

const work = mkdtempSync(path.join(os.tmpdir(), 'dialstate-import-reading-'));
const file = path.join(work, 'leads.csv');
execFileSync('python3', [values.generator, values.rows, file, '--seed', '7']);
const bytes = statSync(file).size;
console.log(
  `reading phase, node ${process.version}, ${os.cpus().length} cores, ${values.rows} rows, ${(bytes / 1e6).toFixed(1)} MB`,
);
console.log(
  '| round | read | loadavg before | wall s | CPU s (both threads) | longest turn ms | event loop p99 ms | rows |',
);
console.log('|---|---|---|---|---|---|---|---|');

const variants: [string, LeadFileReader][] = [
  ['in place', readLeadFile],
  ['in its thread', readLeadFileInThread],
];

/** Imports `source` with `reader` into a fresh in-memory database; `onProgress` as importLeads's. */
async function importOnce(
  id: string,
  reader: LeadFileReader,
  source: string,
  onProgress?: Parameters<typeof importLeads>[1]['onProgress'],
) {
  const store = openDatabase({ path: ':memory:' });
  await migrateToLatest(store.db);
  await createCampaignRepository(store.db).insert({ ...benchCampaign(), id: CAMPAIGN_ID });
  try {
    return await importLeads(
      {
        store: createLeadIntakeStore(store),
        clock: { now: () => Date.now() },
        newImportId: () => id,
        readLeadFile: reader,
      },
      {
        campaignId: CAMPAIGN_ID,
        fileName: 'leads.csv',
        source: createReadStream(source, { highWaterMark: 256 * 1024 }),
        bytesTotal: statSync(source).size,
        onProgress,
      },
    );
  } finally {
    await store.close();
  }
}

// Warm-up, not reported: the first import of a process loads the phone-number patterns
// and the CSV reader, the first thread its modules.
const warmUp = path.join(work, 'warm-up.csv');
execFileSync('python3', [values.generator, '2000', warmUp, '--seed', '7']);
for (const [name, reader] of variants) await importOnce(`warm-up ${name}`, reader, warmUp);
const walls = new Map<string, number[]>();
const cpus = new Map<string, number[]>();
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const [name, reader] of variants) {
    const before = loadavg();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    delay.enable();
    const began = performance.now();
    const cpu = process.cpuUsage();
    let reading: { wall: number; cpu: NodeJS.CpuUsage } | null = null;
    const result = await importOnce(`reading-${round}-${name}`, reader, file, (progress) => {
      if (progress.phase !== 'merging' || reading !== null) return;
      reading = { wall: performance.now() - began, cpu: process.cpuUsage(cpu) };
      longest = Math.max(longest, performance.now() - last);
      clearInterval(ticker);
      delay.disable();
    });
    clearInterval(ticker);
    if (!result.ok || reading === null) throw new Error(`${name}: the import did not run`);
    const read: { wall: number; cpu: NodeJS.CpuUsage } = reading;
    const seconds = read.wall / 1000;
    const cpuSeconds = (read.cpu.user + read.cpu.system) / 1e6;
    walls.set(name, [...(walls.get(name) ?? []), seconds]);
    cpus.set(name, [...(cpus.get(name) ?? []), cpuSeconds]);
    console.log(
      `| ${round} | ${name} | ${before} | ${seconds.toFixed(2)} | ${cpuSeconds.toFixed(2)} | ` +
        `${longest.toFixed(0)} | ${(delay.percentile(99) / 1e6).toFixed(0)} | ${result.report.counts.totalRows} |`,
    );
  }
}
const [inPlace, inThread] = variants.map(([name]) => name);
for (const [what, times] of [
  ['wall', walls],
  ['CPU', cpus],
] as const) {
  const ratios = (times.get(inPlace ?? '') ?? []).map(
    (base, n) => base / (times.get(inThread ?? '')?.[n] ?? Number.NaN),
  );
  console.log(
    `in place ÷ in its thread, ${what}, per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
  );
}
console.log(`loadavg at end ${loadavg()}`);
rmSync(work, { recursive: true, force: true });
