/**
 * Where one claim's time goes, at a million leads: each statement of the claim, the
 * campaign claimer's `consider` (calling window, attempt input, initial snapshot), and
 * the rest (the claimer's own JavaScript), per claim; and the floor under it: the very statements the claims made, with the same
 * parameters, replayed by a bare better-sqlite3 loop on an identical copy of the
 * database, in transactions of the same size.
 *
 *   npx tsx bench/claim-steps.ts [--leads 1000000] [--claims 5000] [--together 1,16]
 *     [--synchronous FULL] [--clock cpu] [--seed-db <file>]
 *
 * `--synchronous` sets the mode of both the engine's connection and the floor's (each
 * listed mode in turn): the floor's connection once kept the file's own mode (NORMAL
 * here) while the engine's ran FULL, which left a lone claim's floor without the
 * commit's wait before each claim that FULL brings.
 *
 * The leads are those of bench/claim.ts (claim-leads.ts). They are loaded once into
 * `--seed-db` (kept, and reused when it exists); each run claims from two fresh copies
 * of it, one for the engine and one for the floor. Times are inside the claim's unit of
 * the group commit (the commit excluded), as bench/claim.ts's "work".
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import type { SqliteStatement } from 'kysely';
import { prepareClaim } from '../src/calls/claim-request.js';
import { NO_FREQUENCY_CAPS } from '../src/campaign/frequency-caps.js';
import { CREATE_SQL, createAttemptJournal } from '../src/store/journal/attempt-journal.js';
import { CLAIM_SQL, createLeadClaimer } from '../src/store/lead-claims.js';
import { openDatabase, type Store } from '../src/store/sqlite/db.js';
import { benchClock } from './bench-clock.js';
import { CLAIM_BENCH_NOW, claimBenchRequest, claimSeedDatabase } from './claim-leads.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    claims: { type: 'string', default: '5000' },
    together: { type: 'string', default: '1,16' },
    synchronous: { type: 'string', default: 'FULL' },
    clock: { type: 'string', default: 'cpu' },
    'seed-db': { type: 'string' },
  },
});
/** Steps are timed by CPU time unless `--clock wall` (bench-clock.ts). */
const clock = benchClock(values.clock);
const leadCount = Number(values.leads);
const claimCount = Number(values.claims);
const groups = (values.together ?? '').split(',').map(Number);
const modes = (values.synchronous ?? '').split(',').map((mode) => {
  if (mode !== 'NORMAL' && mode !== 'FULL') throw new Error(`not a synchronous mode: ${mode}`);
  return mode;
});
const loadBefore = os.loadavg().map((n) => n.toFixed(2));
const cpuBefore = process.cpuUsage();

const seedPath = await claimSeedDatabase(leadCount, values['seed-db']);
const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-claim-steps-'));
const enginePath = path.join(dir, 'engine.db');
const floorPath = path.join(dir, 'floor.db');
copyFileSync(seedPath, enginePath);
copyFileSync(seedPath, floorPath);

/** The claim's statements by SQL text, named as in the source. */
const NAMES = new Map<string, string>([
  ...Object.entries(CLAIM_SQL).map(([name, text]): [string, string] => [text, name]),
  ...Object.entries(CREATE_SQL).map(([name, text]): [string, string] => [text, name]),
]);
/** Nanoseconds per step, summed over a run. */
let spent = new Map<string, bigint>();
let calls = new Map<string, number>();
const add = (step: string, ns: bigint) => {
  spent.set(step, (spent.get(step) ?? 0n) + ns);
  calls.set(step, (calls.get(step) ?? 0) + 1);
};
/** The statements each claim ran, with their parameters, for the floor to replay. */
type Recorded = [sql: string, parameters: unknown[], reader: boolean];
let recording: Recorded[] = [];
const claimsRecorded: Recorded[][] = [];

/** A `prepare` whose statements time themselves and note what they ran. */
function timedPrepare(prepare: Store['prepare']): Store['prepare'] {
  return (sql) => {
    const statement = prepare(sql);
    const name = NAMES.get(sql) ?? sql.slice(0, 40);
    const timed = <T>(reader: boolean, parameters: readonly unknown[], call: () => T): T => {
      recording.push([sql, [...parameters], reader]);
      const t0 = clock();
      try {
        return call();
      } finally {
        add(name, clock() - t0);
      }
    };
    const wrapped: SqliteStatement = {
      reader: statement.reader,
      all: (parameters) => timed(true, parameters, () => statement.all(parameters)),
      run: (parameters) => timed(false, parameters, () => statement.run(parameters)),
      iterate: (parameters) => statement.iterate(parameters),
    };
    return wrapped;
  };
}

const store = openDatabase({ path: enginePath });
const journal = createAttemptJournal(store);
const claimer = createLeadClaimer({
  transact: (work) =>
    journal.transact((prepare) => {
      recording = [];
      const t0 = clock();
      try {
        return work(timedPrepare(prepare));
      } finally {
        add('(claim unit)', clock() - t0);
        claimsRecorded.push(recording);
      }
    }),
});

/** One claim, as the campaign claimer asks it, its `consider` timed on the benchmark's clock. */
function claimOne() {
  const request = claimBenchRequest(prepareClaim, CLAIM_BENCH_NOW, NO_FREQUENCY_CAPS, () => {});
  return claimer.claimNextLead({
    ...request,
    consider: (lead) => {
      const t0 = clock();
      try {
        return request.consider(lead);
      } finally {
        add('consider (window, input, snapshot)', clock() - t0);
      }
    },
  });
}

/** The bare loop: the recorded claims, `together` per transaction, statements only timed. */
function floorOf(recorded: Recorded[][], together: number, synchronous: string): number {
  const db = new SQLite(floorPath);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`synchronous = ${synchronous}`);
  // The engine's connection's cache and temporary store (src/store/sqlite/db.ts): with
  // better-sqlite3's own 2 MB cache the bare loop read pages back that the engine kept.
  db.pragma('cache_size = -16000');
  db.pragma('temp_store = memory');
  const statements = new Map<string, SQLite.Statement>();
  const prepared = recorded.map((claim) =>
    claim.map(([sql, parameters, reader]) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      return { statement, parameters, reader };
    }),
  );
  const begin = db.prepare('begin immediate');
  const commit = db.prepare('commit');
  let ns = 0n;
  for (let i = 0; i < prepared.length; i += together) {
    begin.run();
    const t0 = clock();
    for (const claim of prepared.slice(i, i + together)) {
      for (const { statement, parameters, reader } of claim) {
        if (reader) statement.all(parameters);
        else statement.run(parameters);
      }
    }
    ns += clock() - t0;
    commit.run();
  }
  db.close();
  return Number(ns) / 1e3 / prepared.length;
}

const lines: string[] = [];
for (const [synchronous, together] of modes.flatMap((mode) =>
  groups.map((group): [string, number] => [mode, group]),
)) {
  store.prepare(`pragma synchronous = ${synchronous}`).run([]);
  spent = new Map();
  calls = new Map();
  claimsRecorded.length = 0;
  for (let i = 0; i < claimCount; i += together) {
    const results = await Promise.all(Array.from({ length: together }, claimOne));
    if (results.some((result) => !result.ok)) throw new Error('a claim found nothing');
    // Calls ending, as bench/claim.ts does every 100 claims (untimed).
    if (Math.floor((i + together) / 100) > Math.floor(i / 100)) {
      store.prepare('update attempt set done = 1 where done = 0').run([]);
    }
  }
  const claims = claimsRecorded.length;
  const perClaim = (ns: bigint) => Number(ns) / 1e3 / claims;
  const unit = perClaim(spent.get('(claim unit)') ?? 0n);
  let named = 0;
  lines.push(`### ${synchronous}, ${together} together, ${claims} claims`);
  lines.push('| step | per claim | µs per claim |', '|---|---|---|');
  for (const [step, ns] of [...spent].sort((a, b) => Number(b[1] - a[1]))) {
    if (step === '(claim unit)') continue;
    named += perClaim(ns);
    lines.push(
      `| ${step} | ${((calls.get(step) ?? 0) / claims).toFixed(2)} | ${perClaim(ns).toFixed(1)} |`,
    );
  }
  lines.push(`| the rest (the claimer's JavaScript) | | ${(unit - named).toFixed(1)} |`);
  lines.push(`| **claim work** | | **${unit.toFixed(1)}** |`);
  const floor = floorOf([...claimsRecorded], together, synchronous);
  lines.push(
    `| floor: the same statements, bare loop | | ${floor.toFixed(1)} (work ÷ floor ${(unit / floor).toFixed(2)}) |`,
  );
}
await store.close();
rmSync(dir, { recursive: true, force: true });
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `claim steps, ${leadCount} leads, node ${process.version}, load ${loadBefore.join(' ')} before, ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} after, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
);
for (const line of lines) console.log(line);
