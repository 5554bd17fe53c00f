/**
 * What the size of the merge's transactions costs: the real import (`importLeads`, the
 * store's staging and sliced merge) of the shared generator's file into a fresh database,
 * in one process, once per slice budget, in turn, `--rounds` times. Reported per run: the
 * merge's wall time and CPU time (user + sys, this process), its slices and the longest.
 * CPU time is what to compare on a loaded machine: a slice that waits for a core commits
 * fewer rows, and every commit writes the pages its rows touched to the WAL again.
 *
 *   npx tsx bench/import-merge-slices.ts [--rows 100000] [--slice-ms 20,35,200] [--rounds 2]
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importLeads } from '../src/intake/import-leads.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createLeadIntakeStore } from '../src/store/lead-intake-store.js';
import { openMigratedStore } from '../src/store/open-migrated-store.js';
import { benchCampaign } from './bench-fixtures.js';

const GENERATOR = '/work/shared/bench/gen_leads.py';
const CAMPAIGN_ID = '6f1c2a4e-8d3b-4c7a-9e21-0b5f3d7c9a11';
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    'slice-ms': { type: 'string', default: '20,35,200' },
    rounds: { type: 'string', default: '2' },
    generator: { type: 'string', default: GENERATOR },
  },
});

const work = mkdtempSync(path.join(os.tmpdir(), 'dialstate-merge-slices-'));
const file = path.join(work, 'leads.csv');
execFileSync('python3', [values.generator, values.rows, file, '--seed', '7']);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');

console.log(
  `merge by slice budget, node ${process.version}, ${os.cpus().length} cores, ${values.rows} rows`,
);
console.log(
  '| round | slice ms | loadavg before | merge wall s | merge CPU s | slices | longest slice ms | leads |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const sliceMs of values['slice-ms'].split(',').map(Number)) {
    const dir = path.join(work, `${sliceMs}-${round}`);
    const { store } = await openMigratedStore({ path: path.join(dir, 'dialstate.db') });
    await createCampaignRepository(store.db).insert({ ...benchCampaign(), id: CAMPAIGN_ID });
    const slices: number[] = [];
    let merging: { at: number; cpu: NodeJS.CpuUsage } | null = null;
    const before = loadavg();
    const result = await importLeads(
      {
        store: createLeadIntakeStore(store, { sliceMs, onSlice: (ms) => slices.push(ms) }),
        clock: { now: () => Date.now() },
        newImportId: () => `merge-${sliceMs}-${round}`,
      },
      {
        campaignId: CAMPAIGN_ID,
        fileName: 'leads.csv',
        source: createReadStream(file, { highWaterMark: 256 * 1024 }),
        onProgress: (progress) => {
          if (progress.phase === 'merging' && merging === null) {
            merging = { at: performance.now(), cpu: process.cpuUsage() };
          }
        },
      },
    );
    const ended = performance.now();
    if (!result.ok || result.report.status !== 'completed' || merging === null) {
      throw new Error(`import failed: ${JSON.stringify(result)}`);
    }
    const began: { at: number; cpu: NodeJS.CpuUsage } = merging;
    const cpu = process.cpuUsage(began.cpu);
    const leads = (store.prepare('select count(*) as n from lead').all([]) as { n: number }[])[0]
      ?.n;
    console.log(
      `| ${round} | ${sliceMs} | ${before} | ${((ended - began.at) / 1000).toFixed(2)} | ` +
        `${((cpu.user + cpu.system) / 1e6).toFixed(2)} | ${slices.length} | ` +
        `${Math.max(...slices).toFixed(0)} | ${leads} |`,
    );
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`loadavg at end ${loadavg()}`);
rmSync(work, { recursive: true, force: true });
