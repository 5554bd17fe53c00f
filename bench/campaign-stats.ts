/**
 * The campaign counters the live feed and the campaigns list read (`stats()`: leads by
 * state, ended attempts by outcome all time and today, live attempts by state) on a
 * campaign of `--leads` leads and about twice as many attempts.
 *
 *   npm run bench:campaign-stats -- [--leads 1000000] [--runs 50] [--db path/to/keep.db]
 *
 * The live feed reads them after attempt transitions (at most four times a second per
 * campaign), on the event loop the calls share: their cost must not grow with the
 * campaign. Prints mean, p50 and p95 of `runs` reads after 5 unmeasured ones.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCampaignStatsReader } from '../src/store/campaign-stats.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { benchCampaign } from './bench-fixtures.js';
import { seedLeadsPage } from './leads-page-data.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '50' },
    db: { type: 'string' },
  },
});
const leadCount = Number(values.leads);
const runs = Number(values.runs);
const NOW = Date.UTC(2026, 10, 24, 15, 0, 0);
const campaign = { ...benchCampaign(), status: 'paused' as const };

const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-campaign-stats-'));
const dbPath = values.db ?? path.join(dir, 'stats.db');
if (!existsSync(dbPath)) await seedLeadsPage(dbPath, campaign, leadCount, NOW);

const store = openDatabase({ path: dbPath });
// A kept file from an older build gets the newer migrations (and their backfills) here.
await migrateToLatest(store.db);
const reader = createCampaignStatsReader(store.db);
const since = NOW - 6 * 3_600_000;
const times: number[] = [];
let last: Awaited<ReturnType<typeof reader.stats>> | undefined;
for (let i = 0; i < runs + 5; i++) {
  const started = process.hrtime.bigint();
  last = await reader.stats(campaign.id, since);
  if (i >= 5) times.push(Number(process.hrtime.bigint() - started) / 1e6);
}
await store.close();
if (values.db === undefined) rmSync(dir, { recursive: true, force: true });

times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
const attempts = Object.values(last?.outcomes ?? {}).reduce((sum, n) => sum + n, 0);
console.log(
  `campaign stats, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)}`,
);
console.log('| leads | ended attempts | runs | mean ms | p50 ms | p95 ms |');
console.log('|---|---|---|---|---|---|');
console.log(
  `| ${leadCount} | ${attempts} | ${runs} | ${mean.toFixed(2)} | ${at(0.5).toFixed(2)} | ${at(0.95).toFixed(2)} |`,
);
