/**
 * Claiming the next due lead in a large campaign: latency of one claim (select the next
 * due lead through the partial index, check DNC and the attempt budget, the campaign
 * claimer's `consider` (the lead's calling window, its attempt's input and initial
 * snapshot), compare-and-set the lead and insert the attempt row) with 1,000,000 leads
 * in the campaign, shaped as a user's (claim-leads.ts: UUID campaign, leads named as
 * the importer names them, with a name, time zone and custom variables; attempts named
 * as each engine's server names them: time-ordered UUIDs, random ones before).
 *
 *   npm run bench:claim -- [--leads 1000000] [--claims 10000] [--synchronous FULL,NORMAL]
 *     [--schema latest,before-trim] [--rounds 1] [--caps 3]
 *     [--variant engine,baseline --baseline <checkout dir>] [--first-step with,apart]
 *     [--store sqlite,postgres [--postgres-url postgres://…]]
 *
 * `--schema` measures each setting on each schema in turn, migrating the same loaded
 * database down and up between them (see bench-fixtures.ts `BenchSchema`), `--rounds`
 * times: what a migration changed, as a ratio within one run.
 *
 * `--variant baseline` claims with the engine of another checkout too (engine-kit.ts),
 * in turn with this one on the same database, each claim from a fresh lead.
 *
 * `--first-step with` (the default) has this checkout's claims plan the attempt's first step
 * (`attempt.started`) and write its journal entry in the claim's work, as the server's
 * claims do (ADR 044); `apart` leaves it out (the runner commits it after, as before). Given
 * both, each runs in turn on the same database, and the ratio of their work is printed.
 *
 * `--caps N` turns on frequency caps (N per 24 h, 3N per 7 days, 10N per 30 days), whose
 * check runs inside each claim.
 *
 * `--store sqlite,postgres` loads the same leads into a PostgreSQL database too (a
 * throwaway cluster this process starts, or the server at `--postgres-url`; see
 * bench-postgres.ts) and claims there in turn with SQLite, one run each per round and
 * group size, so that the machine's load hits both alike. PostgreSQL runs with its
 * defaults (fsync on, synchronous_commit on), the pair of SQLite's FULL: it runs under
 * `--synchronous FULL` only, on the latest schema, with this checkout's engine. Its claim
 * also locks the campaign's row and counts the campaign's open attempts (several nodes
 * share the pacing, ADR 025); so that count stays realistic, every 100 claims the open
 * attempts are closed (untimed, on both stores alike), as calls ending would.
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
import type { Kysely } from 'kysely';
import { planStart } from '../src/calls/attempt-step-plan.js';
import { prepareClaim } from '../src/calls/claim-request.js';
import type { LeadClaimResult } from '../src/calls/ports.js';
import { NO_FREQUENCY_CAPS } from '../src/campaign/frequency-caps.js';
import { createDialingStore } from '../src/store/dialing-store.js';
import { newAttemptId } from '../src/store/journal/attempt-ids.js';
import { createAttemptJournal } from '../src/store/journal/attempt-journal.js';
import type { LeadClaimer } from '../src/store/lead-claims.js';
import { openPostgres, type PostgresStore } from '../src/store/postgres/open-postgres.js';
import { createPostgresAttemptJournal } from '../src/store/postgres/postgres-attempt-journal.js';
import { createPostgresLeadClaimer } from '../src/store/postgres/postgres-lead-claims.js';
import type { Database } from '../src/store/schema.js';
import { openDatabase, type Store } from '../src/store/sqlite/db.js';
import { benchSchemas, migrateBenchSchema } from './bench-fixtures.js';
import {
  BENCH_POOL_SIZE,
  type BenchDatabase,
  benchStores,
  startBenchPostgres,
} from './bench-postgres.js';
import {
  CLAIM_BENCH_NOW,
  claimBenchCampaign,
  claimBenchRequest,
  loadClaimLeads,
} from './claim-leads.js';
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
    'first-step': { type: 'string', default: 'with' },
    baseline: { type: 'string' },
    store: { type: 'string', default: 'sqlite' },
    'postgres-url': { type: 'string' },
  },
});
const stores = benchStores(values.store ?? '');
const variants = (values.variant ?? '').split(',').map((name) => {
  if (name !== 'engine' && name !== 'baseline') {
    throw new Error(`--variant takes engine or baseline, not ${name}`);
  }
  if (name === 'baseline' && values.baseline === undefined) {
    throw new Error('--variant baseline needs --baseline <checkout dir>');
  }
  return name;
});
const firstSteps = (values['first-step'] ?? '').split(',').map((place) => {
  if (place !== 'with' && place !== 'apart') {
    throw new Error(`--first-step takes with or apart, not ${place}`);
  }
  return place;
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
const NOW = CLAIM_BENCH_NOW;
const campaign = claimBenchCampaign();

const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-claim-'));
const dbPath = path.join(dir, 'claim.db');
const store = openDatabase({ path: dbPath });
await migrateBenchSchema(store.db, schemas[0] ?? 'latest');
const benchPostgres = stores.includes('postgres')
  ? await startBenchPostgres(values['postgres-url'])
  : null;
let postgresDatabase: BenchDatabase | null = null;
let postgres: PostgresStore | null = null;
if (benchPostgres !== null) {
  postgresDatabase = await benchPostgres.newDatabase();
  postgres = openPostgres({ url: postgresDatabase.url, maxConnections: BENCH_POOL_SIZE });
}
const loadSeconds = new Map<string, number>();
if (stores.includes('sqlite')) {
  loadSeconds.set('sqlite', await loadClaimLeads(store.db, 'sqlite', campaign, leadCount));
}
if (postgres !== null) {
  loadSeconds.set('postgres', await loadClaimLeads(postgres.db, 'postgres', campaign, leadCount));
}

// Times the claim's own work (candidate query, checks, compare-and-set, attempt row):
// synchronous statements inside the shared transaction, so this excludes the commit.
let workMs: number[] = [];
/**
 * The same work's CPU time (user and system, µs resolution): on a loaded machine the
 * wall clock of a unit is mostly the time it was preempted, which this leaves out.
 */
let workCpuMs: number[] = [];
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
};
let considerMs: number[] = [];

/**
 * The claimer of an engine (this checkout's, or a baseline's over its own connection to
 * the same file, engine-kit.ts), timing each claim's work and its `consider`.
 */
function claimerOf(kit: EngineKit, over: Store, firstStep: boolean) {
  const journal = kit.createAttemptJournal(over);
  const claimer = kit.createLeadClaimer({
    transact: (work) =>
      journal.transact((prepare) => {
        // The CPU clock outside the wall clock's interval: process.cpuUsage is a system
        // call (2.5-3.3 µs warm on this machine, more right after a commit), and two of
        // them inside it made a lone claim's work look 5-15 % longer than it was. The CPU
        // time still includes about one such call.
        const cpu0 = cpuMs();
        const t0 = process.hrtime.bigint();
        try {
          return work(prepare);
        } finally {
          const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
          workCpuMs.push(cpuMs() - cpu0);
          workMs.push(wallMs);
        }
      }),
  });
  return claimOneWith(claimer, kit, firstStep);
}

/**
 * The claimer of PostgreSQL, in its node's group commit, timing each claim's work (its
 * statements' round trips inside the shared transaction, without the commit).
 */
function postgresClaimerOf(over: PostgresStore) {
  const journal = createPostgresAttemptJournal(over.db, 'bench-node');
  const claimer = createPostgresLeadClaimer({
    nodeId: journal.nodeId,
    transact: (work) =>
      journal.transact(async (trx) => {
        const t0 = process.hrtime.bigint();
        try {
          return await work(trx);
        } finally {
          workMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
  });
  return claimOneWith(claimer, undefined, firstSteps.includes('with'));
}

/**
 * One claim of the next lead with `claimer`, with the request of the same engine's
 * campaign claimer (this checkout's unless a baseline's is given), timing its `consider`.
 */
function claimOneWith(claimer: LeadClaimer, kit?: EngineKit, firstStep = false) {
  const prepare = kit?.prepareClaim ?? prepareClaim;
  const attemptId = kit?.newAttemptId ?? (() => newAttemptId());
  return () => {
    const request = claimBenchRequest(
      prepare,
      NOW,
      frequencyCaps,
      (ms) => considerMs.push(ms),
      attemptId,
    );
    // As the campaign claimer asks it (ADR 044).
    return claimer.claimNextLead(
      firstStep ? { ...request, firstStep: (stored) => planStart(stored, NOW) } : request,
    );
  };
}

/** Closes every open attempt, as calls ending would (untimed; see the header). */
async function closeOpenAttempts(db: Kysely<Database>): Promise<void> {
  await db.updateTable('attempt').set({ done: 1 }).where('done', '=', 0).execute();
}

/** Runs `claimCount` claims, `together` at a time; latency per claim until its commit. */
async function run(
  claimOne: () => Promise<LeadClaimResult>,
  together: number,
  db: Kysely<Database>,
) {
  const latencies: number[] = [];
  workMs = [];
  workCpuMs = [];
  considerMs = [];
  let claimed = 0;
  let closingNs = 0n;
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
    if (Math.floor((i + together) / 100) > Math.floor(i / 100)) {
      const paused = process.hrtime.bigint();
      await closeOpenAttempts(db);
      closingNs += process.hrtime.bigint() - paused;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started - closingNs) / 1e9;
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
    workP50: pct(workMs, 0.5),
    workP99: pct(workMs, 0.99),
    // PostgreSQL's work waits on its server: its CPU here is not the claim's.
    workCpuMean:
      workCpuMs.length === 0 ? null : workCpuMs.reduce((sum, ms) => sum + ms, 0) / workCpuMs.length,
    considerMean: considerMs.reduce((sum, ms) => sum + ms, 0) / considerMs.length,
  };
}

// The scheduler's pass reads every running campaign's state (next due lead, dialing
// leads, live attempts) before it claims: its cost with this many leads, on each store.
const passLines: string[] = [];
async function timePasses(name: string, dialing: ReturnType<typeof createDialingStore>) {
  const passMs: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = process.hrtime.bigint();
    await dialing.loadRunning();
    passMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  passMs.sort((a, b) => a - b);
  passLines.push(
    `${name} scheduler pass (loadRunning, 500 runs): mean ${(passMs.reduce((a, b) => a + b, 0) / passMs.length).toFixed(3)} ms, p50 ${passMs[250]?.toFixed(3)} ms, p99 ${passMs[495]?.toFixed(3)} ms`,
  );
}
if (stores.includes('sqlite')) {
  await timePasses('sqlite', createDialingStore(store.db, createAttemptJournal(store)));
}
if (postgres !== null) {
  const journal = createPostgresAttemptJournal(postgres.db, 'bench-node');
  await timePasses('postgres', createDialingStore(postgres.db, createPostgresLeadClaimer(journal)));
}

interface ClaimEngine {
  variant: string;
  store: 'sqlite' | 'postgres';
  db: Kysely<Database>;
  /** Sets SQLite's synchronous mode on the engine's connection; PostgreSQL has none. */
  setSynchronous: (mode: string) => void;
  claimOne: () => Promise<LeadClaimResult>;
  close: () => Promise<void>;
}
const engines: ClaimEngine[] = [];
for (const name of stores) {
  if (name === 'postgres') {
    if (postgres === null) continue;
    const over = postgres;
    engines.push({
      variant: 'engine',
      store: 'postgres',
      db: over.db,
      setSynchronous: () => {},
      claimOne: postgresClaimerOf(over),
      close: async () => {},
    });
    continue;
  }
  for (const variant of variants) {
    const kit = await loadEngineKit(variant === 'baseline' ? values.baseline : undefined);
    const over = variant === 'baseline' ? kit.openDatabase({ path: dbPath }) : store;
    // A baseline's claims are as its checkout makes them; this one's, each way asked.
    for (const place of variant === 'baseline' ? ['apart'] : firstSteps) {
      engines.push({
        variant: variant === 'baseline' ? variant : `${variant}, first step ${place}`,
        store: 'sqlite',
        db: over.db,
        setSynchronous: (mode) => over.prepare(`pragma synchronous = ${mode}`).run([]),
        claimOne: claimerOf(kit, over, place === 'with'),
        close: async () => {
          if (over !== store) await over.close();
        },
      });
    }
  }
}
const rows: string[] = [];
const ratioLines: string[] = [];
/** Seconds per run, by store, in run order: the PostgreSQL ÷ SQLite ratios of each run. */
const secondsOf = new Map<string, number>();
/** The baseline's figures of each run, for the engine's run that follows it. */
const baselineWork = new Map<string, Awaited<ReturnType<typeof run>>>();
/** This engine's figures without the first step (`--first-step apart`), for the run with it. */
const apartWork = new Map<string, Awaited<ReturnType<typeof run>>>();
for (const synchronous of modes) {
  for (const engine of engines) engine.setSynchronous(synchronous);
  for (let round = 0; round < Number(values.rounds); round += 1) {
    for (const schema of schemas) {
      await migrateBenchSchema(store.db, schema);
      for (const together of [1, 16]) {
        for (const engine of engines) {
          // PostgreSQL's durability pairs with FULL; its schema has no down-migrations.
          if (engine.store === 'postgres' && (synchronous !== 'FULL' || schema !== 'latest')) {
            continue;
          }
          const r = await run(engine.claimOne, together, engine.db);
          if (r.claimed !== claimCount) throw new Error(`claimed ${r.claimed} of ${claimCount}`);
          const key = `${round} ${schema} ${synchronous} ${together} ${engine.variant}`;
          secondsOf.set(`${engine.store} ${key}`, r.seconds);
          const durability = engine.store === 'postgres' ? 'on (fsync on)' : synchronous;
          rows.push(
            `| ${engine.store} | ${engine.variant} | ${schema} | ${durability} | ${leadCount} | ${together} | ${claimCount} | ${Math.round(claimCount / r.seconds)} | ${((r.seconds * 1000) / claimCount).toFixed(3)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.workMean.toFixed(3)} | ${r.workP50.toFixed(3)} | ${r.workP99.toFixed(3)} | ${r.workCpuMean?.toFixed(3) ?? ''} | ${r.considerMean.toFixed(3)} |`,
          );
          const workKey = `${round} ${schema} ${synchronous} ${together}`;
          if (engine.store === 'sqlite' && engine.variant === 'baseline') {
            baselineWork.set(workKey, r);
          }
          if (engine.store === 'sqlite' && engine.variant.endsWith('first step apart')) {
            apartWork.set(workKey, r);
          }
          const ratio = (a: number | null, b: number | null) =>
            a === null || b === null ? '' : (a / b).toFixed(2);
          const before = baselineWork.get(workKey);
          if (
            engine.store === 'sqlite' &&
            engine.variant.startsWith('engine') &&
            before !== undefined
          ) {
            ratioLines.push(
              `round ${round + 1}, ${schema}, ${synchronous}, ${together} together: ${engine.variant} ÷ baseline claim work CPU ${ratio(r.workCpuMean, before.workCpuMean)}, wall mean ${ratio(r.workMean, before.workMean)}, wall p50 ${ratio(r.workP50, before.workP50)}`,
            );
          }
          const apart = apartWork.get(workKey);
          if (engine.variant.endsWith('first step with') && apart !== undefined) {
            ratioLines.push(
              `round ${round + 1}, ${schema}, ${synchronous}, ${together} together: first step with ÷ apart claim work CPU ${ratio(r.workCpuMean, apart.workCpuMean)} (+${((r.workCpuMean ?? 0) - (apart.workCpuMean ?? 0)).toFixed(3)} ms), wall mean ${ratio(r.workMean, apart.workMean)}`,
            );
          }
          if (engine.store === 'postgres') {
            const sqliteSeconds = secondsOf.get(`sqlite ${key}`);
            if (sqliteSeconds !== undefined) {
              ratioLines.push(
                `round ${round + 1}, ${together} together: PostgreSQL ÷ SQLite ms per claim ${(r.seconds / sqliteSeconds).toFixed(2)}`,
              );
            }
          }
        }
      }
    }
  }
}
for (const engine of engines) await engine.close();
await store.close();
await postgres?.close();
await postgresDatabase?.drop();
await benchPostgres?.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `claim${capPer24h > 0 ? ` with caps ${capPer24h}/${3 * capPer24h}/${10 * capPer24h}` : ''}, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, leads loaded in ${[...loadSeconds].map(([name, seconds]) => `${seconds.toFixed(1)} s (${name})`).join(', ')}${benchPostgres === null ? '' : `, PostgreSQL: ${benchPostgres.description}`}, load average ${loadBefore.join(' ')} before, ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} after`,
);
console.log(
  '| store | variant | schema | synchronous | leads | together | claims | claims/s | ms per claim | p50 ms | p99 ms | work mean ms | work p50 ms | work p99 ms | work CPU mean ms | of which consider ms |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
for (const line of passLines) console.log(line);
for (const line of ratioLines) console.log(line);
