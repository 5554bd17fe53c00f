/**
 * Claiming the next due lead in a large campaign: latency of one claim (select the next
 * due lead through the partial index, check DNC and the attempt budget, compare-and-set
 * the lead and insert the attempt row) with 1,000,000 leads in the campaign.
 *
 *   npm run bench:claim -- [--leads 1000000] [--claims 10000]   (SYNC=NORMAL to compare)
 *
 * A tenth of the leads are due later than now and 1% are on the do-not-call list, so the
 * claim query has to walk past some of them, as in a real campaign.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { ATTEMPT_MACHINE_VERSION } from '../src/machines/attempt.js';
import { createAttemptSnapshot } from '../src/machines/attempt-step.js';
import { createAttemptJournal } from '../src/store/attempt-journal.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { openDatabase } from '../src/store/db.js';
import { createDncRepository } from '../src/store/dnc.js';
import { createLeadClaimer } from '../src/store/lead-claims.js';
import { createLeadRepository } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { benchCampaign, benchInput } from './bench-fixtures.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    claims: { type: 'string', default: '10000' },
  },
});
const leadCount = Number(values.leads);
const claimCount = Number(values.claims);
const NOW = Date.UTC(2026, 10, 24, 15, 0, 0);

const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-claim-'));
const store = openDatabase({
  path: path.join(dir, 'claim.db'),
  synchronous: (process.env.SYNC as 'FULL' | 'NORMAL') ?? 'FULL',
});
await migrateToLatest(store.db);
const campaign = benchCampaign();
await createCampaignRepository(store.db).insert(campaign);
const leads = createLeadRepository(store.db);
const dnc = createDncRepository(store.db);
const phoneOf = (n: number) => `+1555${String(n).padStart(7, '0')}`;

const loadStart = process.hrtime.bigint();
const BATCH = 20_000;
for (let i = 0; i < leadCount; i += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, leadCount - i) }, (_, j) => {
    const n = i + j;
    return {
      id: `lead-${n}`,
      campaignId: campaign.id,
      phone: phoneOf(n),
      name: null,
      timezone: null,
      callerId: null,
      customVars: {},
      importId: null,
      importSeq: n,
      createdAt: NOW,
    };
  });
  const inserted = await leads.insert(batch);
  if (!inserted.ok) throw new Error('lead insert failed');
}
// A tenth of the leads are due in an hour, spread through the import order.
await sql`update lead set next_attempt_at = ${NOW + 3_600_000} where import_seq % 10 = 3`.execute(
  store.db,
);
for (let n = 7; n < leadCount; n += 100) {
  await dnc.add({ phone: phoneOf(n), campaignId: null, reason: 'bench', createdAt: NOW });
}
const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;

const journal = createAttemptJournal(store);
const claimer = createLeadClaimer(store.db, journal);
const latencies: number[] = [];
let claimed = 0;
const started = process.hrtime.bigint();
for (let i = 0; i < claimCount; i++) {
  const t0 = process.hrtime.bigint();
  const result = await claimer.claimNextLead({
    campaignId: campaign.id,
    at: NOW,
    maxAttempts: campaign.retry.maxAttempts,
    consider: (lead) => {
      const input = benchInput(`att-${i}`, lead.id, campaign.id, lead.phone);
      return {
        verdict: 'claim',
        attempt: {
          attemptId: input.attemptId,
          campaignId: campaign.id,
          leadId: lead.id,
          machineVersion: ATTEMPT_MACHINE_VERSION,
          input,
          snapshot: createAttemptSnapshot(input),
          state: 'idle',
          at: NOW,
        },
      };
    },
  });
  latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (result.ok) claimed++;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `claim, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`,
);
console.log('| leads | load s | claims | claimed | claims/s | mean ms | p50 ms | p99 ms |');
console.log('|---|---|---|---|---|---|---|---|');
console.log(
  `| ${leadCount} | ${loadSeconds.toFixed(1)} | ${claimCount} | ${claimed} | ${Math.round(claimCount / seconds)} | ${((seconds * 1000) / claimCount).toFixed(3)} | ${pct(0.5).toFixed(3)} | ${pct(0.99).toFixed(3)} |`,
);
