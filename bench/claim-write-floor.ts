/**
 * What each B-tree under a claim's writes costs, at a million leads: the bare statements
 * a claim must make (its candidate read, the lead's compare-and-set, the campaign's last
 * originate, the attempt row, its input), in a better-sqlite3 loop, on copies of one
 * loaded database that each lack one thing (an index, the counters' trigger, foreign
 * keys) or name attempts as the server did before (random UUIDs). The copies are claimed from in turn, one
 * transaction each, so that the machine's load falls on all alike.
 *
 *   npx tsx bench/claim-write-floor.ts [--leads 1000000] [--claims 4000] [--rounds 4]
 *     [--variants as-is,no-lead-count-trigger,...] [--attempts-before 0] [--clock cpu]
 *     [--seed-db <file>]
 *
 * `--attempts-before N` first writes N ended attempts with their inputs into each copy,
 * named as that copy names attempts: where the attempts' keys fall in their indexes
 * matters once those no longer fit in SQLite's page cache.
 *
 * The leads are bench/claim.ts's (claim-leads.ts), loaded once into `--seed-db`. Claims
 * run 16 to a transaction, as a scheduler pass's claims share one; only the statements
 * are timed, not BEGIN and COMMIT. The attempt's snapshot and input are JSON of the
 * sizes the engine writes for the benchmark campaign.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { prepareClaim } from '../src/calls/claim-request.js';
import { NO_FREQUENCY_CAPS } from '../src/campaign/frequency-caps.js';
import { newAttemptId } from '../src/store/journal/attempt-ids.js';
import { CREATE_SQL, newAttemptParameters } from '../src/store/journal/attempt-journal.js';
import { CLAIM_SQL } from '../src/store/lead-claims.js';
import { leadFromRow } from '../src/store/leads.js';
import type { LeadTable } from '../src/store/schema.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { benchClock } from './bench-clock.js';
import {
  CLAIM_BENCH_NOW,
  claimBenchCampaign,
  claimBenchLeadId,
  claimBenchRequest,
  claimSeedDatabase,
} from './claim-leads.js';

/** What each copy lacks, or does differently, as SQL run on it before the claims. */
const VARIANTS: Record<string, { setup: string[]; ids?: 'random' }> = {
  'as-is': { setup: [] },
  'no-lead-count-trigger': { setup: ['drop trigger lead_count_update'] },
  'no-lead_campaign_state': { setup: ['drop index lead_campaign_state'] },
  'no-lead_campaign_state_outcome': { setup: ['drop index lead_campaign_state_outcome'] },
  'no-attempt_campaign': { setup: ['drop index attempt_campaign'] },
  'no-attempt_lead': { setup: ['drop index attempt_lead'] },
  'no-attempt_open': { setup: ['drop index attempt_open'] },
  'no-foreign-keys': { setup: ['pragma foreign_keys = off'] },
  // Attempts named as the server named them before ADR 031: random UUIDs (version 4).
  'random-ids': { setup: [], ids: 'random' },
};

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    claims: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '4' },
    variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    'attempts-before': { type: 'string', default: '0' },
    clock: { type: 'string', default: 'cpu' },
    'seed-db': { type: 'string' },
  },
});
const attemptsBefore = Number(values['attempts-before']);
/** Statements are timed by CPU time unless `--clock wall` (bench-clock.ts). */
const clock = benchClock(values.clock);
const leadCount = Number(values.leads);
const claimsPerRound = Number(values.claims);
const rounds = Number(values.rounds);
const names = (values.variants ?? '').split(',');
for (const name of names) {
  if (VARIANTS[name] === undefined) throw new Error(`no variant ${name}`);
}
const campaign = claimBenchCampaign();
const TOGETHER = 16;
const loadBefore = os.loadavg().map((n) => n.toFixed(2));

const seedPath = await claimSeedDatabase(leadCount, values['seed-db']);

// One real attempt, for the parameters' shapes: its snapshot column and input JSON, made
// by the campaign claimer for the first due lead.
const seedStore = openDatabase({ path: seedPath });
const [firstRow] = seedStore
  .prepare(CLAIM_SQL.dueLead)
  .all([campaign.id, CLAIM_BENCH_NOW]) as Selectable<LeadTable>[];
await seedStore.close();
if (firstRow === undefined) throw new Error('no due lead in the seed database');
const sample = claimBenchRequest(prepareClaim, CLAIM_BENCH_NOW, NO_FREQUENCY_CAPS, () => {});
const verdict = sample.consider(leadFromRow(firstRow));
if (verdict.verdict !== 'claim') throw new Error('the sample lead was not claimable');
const sampleAttempt = verdict.attempt;
const inputJson = JSON.stringify(sampleAttempt.input);

/**
 * `--attempts-before` ended attempts, with their inputs, of the leads at the end of the
 * list (which the claims below do not reach), named as the copy names attempts and made
 * one ms apart before the claims: a campaign that has been calling for a while.
 */
function preloadAttempts(db: SQLite.Database, idOf: (n: number) => string): void {
  if (attemptsBefore === 0) return;
  const insertAttempt = db.prepare(CREATE_SQL.insertAttempt);
  const insertInput = db.prepare(CREATE_SQL.insertInput);
  db.exec('begin');
  for (let n = 0; n < attemptsBefore; n += 1) {
    const id = idOf(n);
    const leadId = claimBenchLeadId(leadCount - 1 - (n % Math.floor(leadCount / 2)));
    const attempt = { ...sampleAttempt, attemptId: id, leadId, at: CLAIM_BENCH_NOW - 1e9 + n };
    insertAttempt.run(newAttemptParameters(attempt, 1));
    insertInput.run([id, inputJson]);
  }
  db.exec('commit');
  db.exec('update attempt set done = 1');
  db.pragma('wal_checkpoint(truncate)');
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-claim-write-floor-'));
const copies = names.map((name) => {
  const file = path.join(dir, `${name}.db`);
  copyFileSync(seedPath, file);
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  const variant = VARIANTS[name] as (typeof VARIANTS)[string];
  for (const statement of variant.setup) db.exec(statement);
  const prepared = (sql: string) => db.prepare(sql);
  const newId = variant.ids === 'random' ? () => randomUUID() : newAttemptId;
  preloadAttempts(db, (n) => newId(CLAIM_BENCH_NOW - attemptsBefore + n));
  return {
    name,
    db,
    newId: () => newId(),
    dueLead: prepared(CLAIM_SQL.dueLead),
    claimLead: prepared(CREATE_SQL.claimLead),
    markOriginate: prepared(CREATE_SQL.markOriginate),
    insertAttempt: prepared(CREATE_SQL.insertAttempt),
    insertInput: prepared(CREATE_SQL.insertInput),
    begin: prepared('begin immediate'),
    commit: prepared('commit'),
    closeAttempts: prepared('update attempt set done = 1 where done = 0'),
    ns: new Map<string, bigint>(),
    claims: 0,
  };
});

const STEPS = ['dueLead', 'claimLead', 'markOriginate', 'insertAttempt', 'insertInput'] as const;

/** One transaction of TOGETHER claims on `copy`, its statements timed. */
function claimGroup(copy: (typeof copies)[number]): void {
  copy.begin.run();
  const spent = STEPS.map(() => 0n);
  for (let j = 0; j < TOGETHER; j += 1) {
    const id = copy.newId();
    const t0 = clock();
    const [lead] = copy.dueLead.all([campaign.id, CLAIM_BENCH_NOW]) as { id: string }[];
    if (lead === undefined) throw new Error(`${copy.name}: no lead left`);
    const t1 = clock();
    const [counts] = copy.claimLead.all([id, id, CLAIM_BENCH_NOW, lead.id, campaign.id]) as {
      attempts: number;
    }[];
    const t2 = clock();
    copy.markOriginate.all([CLAIM_BENCH_NOW, CLAIM_BENCH_NOW, campaign.id]);
    const t3 = clock();
    copy.insertAttempt.run(
      newAttemptParameters(
        {
          ...sampleAttempt,
          attemptId: id,
          leadId: lead.id,
          input: { ...sampleAttempt.input, channelId: `dialstate-${id}` },
        },
        counts?.attempts ?? 1,
      ),
    );
    const t4 = clock();
    copy.insertInput.run([id, inputJson]);
    const t5 = clock();
    const marks = [t0, t1, t2, t3, t4, t5];
    for (let k = 0; k < STEPS.length; k += 1) {
      spent[k] = (spent[k] ?? 0n) + ((marks[k + 1] ?? 0n) - (marks[k] ?? 0n));
    }
  }
  copy.commit.run();
  STEPS.forEach((step, k) => {
    copy.ns.set(step, (copy.ns.get(step) ?? 0n) + (spent[k] ?? 0n));
  });
  copy.claims += TOGETHER;
  // Calls ending, as bench/claim.ts closes them every 100 claims (untimed).
  if (copy.claims % 96 === 0) copy.closeAttempts.run();
}

// Each copy's transactions in turn with the others', so that a burst of load on the
// machine falls on every variant alike; the order of the copies turns every round.
for (let round = 0; round < rounds; round += 1) {
  for (let i = 0; i < claimsPerRound; i += TOGETHER) {
    for (let c = 0; c < copies.length; c += 1) {
      claimGroup(copies[(c + round + i / TOGETHER) % copies.length] as (typeof copies)[number]);
    }
  }
}

const perClaim = (copy: (typeof copies)[number], step: string) =>
  Number(copy.ns.get(step) ?? 0n) / 1e3 / copy.claims;
const total = (copy: (typeof copies)[number]) =>
  STEPS.reduce((sum, step) => sum + perClaim(copy, step), 0);
const asIs = copies.find((copy) => copy.name === 'as-is');
console.log(
  `claim write floor (${values.clock} time), ${leadCount} leads, ${attemptsBefore} attempts before, ${rounds} rounds of ${claimsPerRound} claims per variant, ${TOGETHER} per transaction, node ${process.version}, load ${loadBefore.join(' ')} before, ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} after`,
);
console.log(`| variant | ${STEPS.join(' µs | ')} µs | total µs | ÷ as-is |`);
console.log(`|---|${STEPS.map(() => '---|').join('')}---|---|`);
for (const copy of copies) {
  const ratio = asIs === undefined ? '' : (total(copy) / total(asIs)).toFixed(2);
  console.log(
    `| ${copy.name} | ${STEPS.map((step) => perClaim(copy, step).toFixed(1)).join(' | ')} | ${total(copy).toFixed(1)} | ${ratio} |`,
  );
  copy.db.close();
}
rmSync(dir, { recursive: true, force: true });
