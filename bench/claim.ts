/**
 * Claiming the next due lead in a large campaign: latency of one claim (select the next
 * due lead through the partial index, check DNC and the attempt budget, compare-and-set
 * the lead and insert the attempt row) with 1,000,000 leads in the campaign.
 *
 *   npm run bench:claim -- [--leads 1000000] [--claims 10000] [--synchronous FULL,NORMAL]
 *     [--schema latest,before-trim] [--rounds 1] [--caps 3]
 *     [--variant engine,baseline --baseline <checkout dir>]
 *
 * `--schema` measures each setting on each schema in turn, migrating the same loaded
 * database down and up between them (see bench-fixtures.ts `BenchSchema`), `--rounds`
 * times: what a migration changed, as a ratio within one run.
 *
 * `--variant baseline` claims with the engine of another checkout too (engine-kit.ts),
 * in turn with this one on the same database, each claim from a fresh lead.
 *
 * `--caps N` turns on frequency caps (N per 24 h, 3N per 7 days, 10N per 30 days), whose
 * check runs inside each claim.
 *
 * A tenth of the leads are due later than now and 1% are on the do-not-call list, so the
 * claim query has to walk past some of them, as in a real campaign. The database is
 * loaded once; then, in the same process, claims run under synchronous FULL and NORMAL,
 * one at a time (each its own transaction) and 16 issued together (as a scheduler pass
 * filling free slots does: they share one transaction and one commit). With `--caps N`
 * every claim also checks the call-frequency caps (N per 24 h, 3N per 7 days, 10N per
 * 30 days): the lookup of the number's attempts across campaigns that a server with caps
 * set pays on each lead it is about to claim.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { LeadClaimResult, LeadClaimVerdict } from '../src/calls/ports.js';
import { NO_FREQUENCY_CAPS } from '../src/campaign/frequency-caps.js';
import { createAttemptJournal } from '../src/store/attempt-journal.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { openDatabase, type Store } from '../src/store/db.js';
import { createDialingStore } from '../src/store/dialing-store.js';
import { createDncRepository } from '../src/store/dnc.js';
import { createLeadRepository } from '../src/store/leads.js';
import {
  benchCampaign,
  benchInput,
  benchSchemas,
  migrateBenchSchema,
  newBenchAttempt,
} from './bench-fixtures.js';
import { type EngineKit, loadEngineKit } from './engine-kit.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    claims: { type: 'string', default: '10000' },
    synchronous: { type: 'string', default: 'FULL,NORMAL' },
    schema: { type: 'string', default: 'latest' },
    rounds: { type: 'string', default: '1' },
    caps: { type: 'string', default: '0' },
    variant: { type: 'string', default: 'engine' },
    baseline: { type: 'string' },
  },
});
const variants = (values.variant ?? '').split(',').map((name) => {
  if (name !== 'engine' && name !== 'baseline') {
    throw new Error(`--variant takes engine or baseline, not ${name}`);
  }
  if (name === 'baseline' && values.baseline === undefined) {
    throw new Error('--variant baseline needs --baseline <checkout dir>');
  }
  return name;
});
const schemas = benchSchemas(values.schema ?? '');
const modes = (values.synchronous ?? '').split(',').map((mode) => {
  if (mode !== 'NORMAL' && mode !== 'FULL') throw new Error(`not a synchronous mode: ${mode}`);
  return mode;
});
const loadBefore = os.loadavg().map((n) => n.toFixed(2));
const leadCount = Number(values.leads);
const claimCount = Number(values.claims);
const capPer24h = Number(values.caps);
const frequencyCaps =
  capPer24h > 0
    ? { per24h: capPer24h, per7d: 3 * capPer24h, per30d: 10 * capPer24h }
    : NO_FREQUENCY_CAPS;
const NOW = Date.UTC(2026, 10, 24, 15, 0, 0);

const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-claim-'));
const dbPath = path.join(dir, 'claim.db');
const store = openDatabase({ path: dbPath });
await migrateBenchSchema(store.db, schemas[0] ?? 'latest');
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

// Times the claim's own work (candidate query, checks, compare-and-set, attempt row):
// synchronous statements inside the shared transaction, so this excludes the commit.
let workMs: number[] = [];
let considerMs: number[] = [];
let attemptSeq = 0;

/**
 * The claimer of an engine (this checkout's, or a baseline's over its own connection to
 * the same file, engine-kit.ts), timing each claim's work and its `consider`.
 */
function claimerOf(kit: EngineKit, over: Store) {
  const journal = kit.createAttemptJournal(over);
  const claimer = kit.createLeadClaimer({
    transact: (work) =>
      journal.transact((prepare) => {
        const t0 = process.hrtime.bigint();
        try {
          return work(prepare);
        } finally {
          workMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
  });
  return () => {
    const n = attemptSeq++;
    return claimer.claimNextLead({
      campaignId: campaign.id,
      at: NOW,
      maxAttempts: campaign.retry.maxAttempts,
      frequencyCaps,
      consider: (lead) => {
        const t0 = process.hrtime.bigint();
        const verdict: LeadClaimVerdict = {
          verdict: 'claim',
          attempt: {
            ...newBenchAttempt(benchInput(`att-${n}`, lead.id, campaign.id, lead.phone), kit),
            at: NOW,
          },
        };
        considerMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        return verdict;
      },
    });
  };
}

/** Runs `claimCount` claims, `together` at a time; latency per claim until its commit. */
async function run(claimOne: () => Promise<LeadClaimResult>, together: number) {
  const latencies: number[] = [];
  workMs = [];
  considerMs = [];
  let claimed = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < claimCount; i += together) {
    const t0 = process.hrtime.bigint();
    const group = Array.from({ length: Math.min(together, claimCount - i) }, () =>
      claimOne().then((result) => {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (result.ok) claimed++;
      }),
    );
    await Promise.all(group);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  };
  return {
    claimed,
    seconds,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    workMean: workMs.reduce((sum, ms) => sum + ms, 0) / workMs.length,
    workP99: pct(workMs, 0.99),
    considerMean: considerMs.reduce((sum, ms) => sum + ms, 0) / considerMs.length,
  };
}

// The scheduler's pass reads every running campaign's state (next due lead, dialing
// leads, live attempts) before it claims: its cost with this many leads.
const dialing = createDialingStore(store.db, createAttemptJournal(store));
const passMs: number[] = [];
for (let i = 0; i < 500; i++) {
  const t0 = process.hrtime.bigint();
  await dialing.loadRunning();
  passMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
passMs.sort((a, b) => a - b);
const passLine = `scheduler pass (loadRunning, 500 runs): mean ${(passMs.reduce((a, b) => a + b, 0) / passMs.length).toFixed(3)} ms, p50 ${passMs[250]?.toFixed(3)} ms, p99 ${passMs[495]?.toFixed(3)} ms`;

const engines: { variant: string; store: Store; claimOne: () => Promise<LeadClaimResult> }[] = [];
for (const variant of variants) {
  const kit = await loadEngineKit(variant === 'baseline' ? values.baseline : undefined);
  const over = variant === 'baseline' ? kit.openDatabase({ path: dbPath }) : store;
  engines.push({ variant, store: over, claimOne: claimerOf(kit, over) });
}
const rows: string[] = [];
for (const synchronous of modes) {
  for (const engine of engines) engine.store.prepare(`pragma synchronous = ${synchronous}`).run([]);
  for (let round = 0; round < Number(values.rounds); round += 1) {
    for (const schema of schemas) {
      await migrateBenchSchema(store.db, schema);
      for (const together of [1, 16]) {
        for (const engine of engines) {
          const r = await run(engine.claimOne, together);
          if (r.claimed !== claimCount) throw new Error(`claimed ${r.claimed} of ${claimCount}`);
          rows.push(
            `| ${engine.variant} | ${schema} | ${synchronous} | ${leadCount} | ${together} | ${claimCount} | ${Math.round(claimCount / r.seconds)} | ${((r.seconds * 1000) / claimCount).toFixed(3)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.workMean.toFixed(3)} | ${r.workP99.toFixed(3)} | ${r.considerMean.toFixed(3)} |`,
          );
        }
      }
    }
  }
}
for (const engine of engines) if (engine.store !== store) await engine.store.close();
await store.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `claim${capPer24h > 0 ? ` with caps ${capPer24h}/${3 * capPer24h}/${10 * capPer24h}` : ''}, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, leads loaded in ${loadSeconds.toFixed(1)} s, load average ${loadBefore.join(' ')} before, ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} after`,
);
console.log(
  '| variant | schema | synchronous | leads | together | claims | claims/s | ms per claim | p50 ms | p99 ms | work mean ms | work p99 ms | of which attempt input ms |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(passLine);
