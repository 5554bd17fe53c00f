/**
 * A whole campaign against the embedded simulator: 100,000 leads, started and dialed to
 * the end through everything `dialstate serve` runs (`startDialstate`: scheduler,
 * claims, attempt runner, SQLite journal, ARI gateway over ari-client, simulator).
 *
 *   NODE_OPTIONS=--expose-gc npm run bench:campaign-run -- [--leads 100000]
 *     [--max-concurrent 100] [--synchronous FULL|NORMAL]
 *
 * The simulator runs at time scale 0. The leads are far ends that take no scenario
 * time, in rotation: busy, congestion and invalid number (see bench/sim-throughput.ts
 * for why answered calls need a positive scale); the retry policy allows one attempt,
 * so every lead ends after exactly one call. Measured: time from Start until the
 * campaign completes by itself, attempts/s, and the process's peak RSS (sampled every
 * 100 ms, and the kernel's high-water mark). Checked at the end (exit 1 otherwise): one
 * attempt per lead, each with its scenario's outcome, no attempt open, no lead pending
 * or dialing, and the campaign `completed`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { pino } from 'pino';
import type { Campaign } from '../src/campaign/campaign.js';
import { loadConfig } from '../src/config.js';
import { startDialstate } from '../src/main.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createLeadRepository, type NewLead } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { benchCampaign } from './bench-fixtures.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    'max-concurrent': { type: 'string', default: '100' },
    synchronous: { type: 'string', default: 'FULL' },
  },
});
const leadCount = Number(values.leads);
const maxConcurrent = Number(values['max-concurrent']);
const synchronous = values.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL';

/** Number endings the simulator answers with a refusal, and the outcome each must give. */
const SCENARIOS = [
  { suffix: '07', outcome: 'busy' },
  { suffix: '09', outcome: 'congestion' },
  { suffix: '10', outcome: 'invalid_number' },
] as const;
const phoneOf = (n: number) =>
  `+1555${String(n).padStart(6, '0')}${SCENARIOS[n % SCENARIOS.length]?.suffix}`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-campaign-run-'));
const config = {
  ...loadConfig({
    DIALSTATE_DATA_DIR: dir,
    DIALSTATE_DB_SYNCHRONOUS: synchronous,
    DIALSTATE_MAX_CHANNELS: String(Math.max(maxConcurrent, 10)),
    DIALSTATE_LOG_LEVEL: 'warn',
    DIALSTATE_HTTP_PORT: '0',
  }),
  simTimeScale: 0,
};

// Campaign and leads go in before the start, as an import would put them.
const setup = openDatabase({ path: config.db.path, synchronous });
await migrateToLatest(setup.db);
const campaign: Campaign = {
  ...benchCampaign(),
  status: 'draft',
  maxConcurrent,
  consent: { enabled: false, recordingId: null, timeoutSec: 8 },
  voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
  retry: { maxAttempts: 1, retryAfterMinutes: {} },
};
await createCampaignRepository(setup.db).insert(campaign);
const leads = createLeadRepository(setup.db);
for (let i = 0; i < leadCount; i += 20_000) {
  const batch: NewLead[] = Array.from({ length: Math.min(20_000, leadCount - i) }, (_, j) => ({
    id: `lead-${i + j}`,
    campaignId: campaign.id,
    phone: phoneOf(i + j),
    name: null,
    timezone: null,
    callerId: null,
    customVars: {},
    importId: null,
    importSeq: i + j,
    createdAt: 0,
  }));
  const inserted = await leads.insert(batch);
  if (!inserted.ok) throw new Error(`lead insert failed: ${inserted.reason}`);
}
await setup.close();

globalThis.gc?.();
const restRss = process.memoryUsage().rss;
let peakRss = restRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);

const dialstate = await startDialstate(config, pino({ level: 'warn' }));
// A reader of its own, as the API or `dialstate replay` would be.
const reader = openDatabase({ path: config.db.path });
const started = process.hrtime.bigint();
const result = await dialstate.control.start(campaign.id);
if (!result.ok) throw new Error(`campaign did not start: ${JSON.stringify(result)}`);

let status = 'running';
let lastReport = Date.now();
while (status !== 'completed') {
  await new Promise((resolve) => setTimeout(resolve, 250));
  const row = await reader.db
    .selectFrom('campaign')
    .select('status')
    .where('id', '=', campaign.id)
    .executeTakeFirstOrThrow();
  status = row.status;
  if (status !== 'running' && status !== 'completed') {
    throw new Error(`campaign went ${status}`);
  }
  if (Date.now() - lastReport > 10_000) {
    lastReport = Date.now();
    const { count } = await reader.db
      .selectFrom('attempt')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    console.error(`${count} of ${leadCount} attempts`);
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
clearInterval(sampler);
const maxRssKb = process.resourceUsage().maxRSS;

const outcomes = await reader.db
  .selectFrom('attempt')
  .innerJoin('lead', 'lead.id', 'attempt.lead_id')
  .select(['lead.phone', 'attempt.outcome', 'attempt.done'])
  .execute();
const problems: string[] = [];
if (outcomes.length !== leadCount)
  problems.push(`${outcomes.length} attempts for ${leadCount} leads`);
const perLead = await sql<{ n: number }>`select count(*) as n from (
    select lead_id from attempt group by lead_id having count(*) > 1)`.execute(reader.db);
if ((perLead.rows[0]?.n ?? 0) > 0) problems.push(`${perLead.rows[0]?.n} leads had two attempts`);
for (const row of outcomes) {
  const expected = SCENARIOS.find((s) => row.phone.endsWith(s.suffix))?.outcome;
  if (row.done !== 1 || row.outcome !== expected) {
    problems.push(`${row.phone}: ${row.outcome ?? 'open'}, expected ${expected}`);
    if (problems.length > 10) break;
  }
}
const unfinished = await reader.db
  .selectFrom('lead')
  .select((eb) => eb.fn.countAll<number>().as('count'))
  .where('state', 'in', ['pending', 'dialing'])
  .executeTakeFirstOrThrow();
if (unfinished.count > 0) problems.push(`${unfinished.count} leads pending or dialing`);

await reader.close();
await dialstate.stop();
rmSync(dir, { recursive: true, force: true });

console.log(
  `campaign run, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, load ${os.loadavg()[0]?.toFixed(2)}`,
);
console.log(
  '| synchronous | leads | max concurrent | seconds | attempts/s | peak RSS MB (sampled) | max RSS MB (kernel) | RSS at rest MB |',
);
console.log('|---|---|---|---|---|---|---|---|');
console.log(
  `| ${synchronous} | ${leadCount} | ${maxConcurrent} | ${seconds.toFixed(1)} | ${Math.round(leadCount / seconds)} | ${(peakRss / 2 ** 20).toFixed(0)} | ${(maxRssKb / 1024).toFixed(0)} | ${(restRss / 2 ** 20).toFixed(0)} |`,
);
if (problems.length > 0) {
  console.error(`FAILED:\n${problems.join('\n')}`);
  process.exit(1);
}
