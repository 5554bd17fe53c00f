/**
 * Why a lone claim's work costs more under synchronous FULL than under NORMAL, at a
 * million leads. A claim's work (bench/claim.ts's "work") runs between `BEGIN IMMEDIATE`
 * and `COMMIT`: neither mode syncs anything there, SQLite syncs the WAL in the COMMIT,
 * and only under FULL. Yet alone, FULL's work came out about 0.03 ms above NORMAL's.
 * This runs lone claims (each its own transaction, as a claim with nothing else to share
 * a commit with) on one database, in blocks that take turns, so that the machine's load
 * falls on all alike:
 *
 * - `full`: synchronous FULL, the commit waits for the WAL's fsync;
 * - `normal`: synchronous NORMAL, the commit returns at once;
 * - `normal-sleep`: NORMAL, then the thread sleeps after each commit for as long as the
 *   preceding `full` block's commits took (its median), as it would waiting on an fsync,
 *   with no I/O;
 * - `normal-spin`: NORMAL, then the thread spins on the clock for as long, touching no
 *   memory: the same pause with the core kept busy and the thread on it (on a loaded
 *   machine the kernel still hands the core to others during it).
 *
 * If the sleep alone brings NORMAL's work up to FULL's, the difference is not the claim's
 * statements but what a thread finds on waking from a blocking wait (caches emptied by
 * whatever ran meanwhile, a core come out of idle), which every claim that follows a
 * blocking commit pays.
 *
 *   npx tsx bench/claim-alone.ts [--leads 1000000] [--claims 1000] [--rounds 4]
 *     [--variants full,normal,normal-sleep,normal-spin] [--seed-db <file>]
 *
 * Work is timed by the wall clock and by the process's CPU time (process.cpuUsage: all
 * of its threads, µs resolution) around the claim's unit, as bench/claim.ts times it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prepareClaim } from '../src/calls/claim-request.js';
import { NO_FREQUENCY_CAPS } from '../src/campaign/frequency-caps.js';
import { createAttemptJournal } from '../src/store/journal/attempt-journal.js';
import { createLeadClaimer } from '../src/store/lead-claims.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { CLAIM_BENCH_NOW, claimBenchRequest, claimSeedDatabase } from './claim-leads.js';

const VARIANTS = ['full', 'normal', 'normal-sleep', 'normal-spin'] as const;
type Variant = (typeof VARIANTS)[number];

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '1000000' },
    claims: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '4' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    'seed-db': { type: 'string' },
  },
});
const variants = (values.variants ?? '').split(',').map((name) => {
  if (!(VARIANTS as readonly string[]).includes(name)) throw new Error(`no variant ${name}`);
  return name as Variant;
});
const leadCount = Number(values.leads);
const claimCount = Number(values.claims);
const rounds = Number(values.rounds);
const loadBefore = os.loadavg().map((n) => n.toFixed(2));
const cpuBefore = process.cpuUsage();

const seedPath = await claimSeedDatabase(leadCount, values['seed-db']);
const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-claim-alone-'));
const dbPath = path.join(dir, 'claim.db');
copyFileSync(seedPath, dbPath);
const store = openDatabase({ path: dbPath });
const journal = createAttemptJournal(store);

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
let workWallMs: number[] = [];
let workCpuMs: number[] = [];
const claimer = createLeadClaimer({
  transact: (work) =>
    journal.transact((prepare) => {
      // The CPU clock (a system call) outside the wall clock's interval, as bench/claim.ts.
      const cpu0 = cpuUs();
      const t0 = process.hrtime.bigint();
      try {
        return work(prepare);
      } finally {
        const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
        workCpuMs.push((cpuUs() - cpu0) / 1e3);
        workWallMs.push(wallMs);
      }
    }),
});

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** The pause after each commit of a variant that imitates FULL's wait (ms). */
function pause(variant: Variant, ms: number): void {
  if (variant === 'normal-sleep') Atomics.wait(sleeper, 0, 0, ms);
  if (variant === 'normal-spin') {
    // performance.now() allocates nothing in optimized code: a loop on hrtime.bigint()
    // would sweep new BigInts through the caches that this variant means to keep warm.
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // The core stays busy with this thread on it.
    }
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
};

/** Median commit wait of the latest `full` block (ms): what the imitations pause for. */
let fullCommitMs = 1;
const results = new Map<Variant, { wall: number[]; cpu: number[]; commit: number[] }>();
for (let round = 0; round < rounds; round++) {
  for (const variant of variants) {
    store.prepare(`pragma synchronous = ${variant === 'full' ? 'FULL' : 'NORMAL'}`).run([]);
    workWallMs = [];
    workCpuMs = [];
    const commitMs: number[] = [];
    for (let i = 0; i < claimCount; i++) {
      const t0 = process.hrtime.bigint();
      const result = await claimer.claimNextLead(
        claimBenchRequest(prepareClaim, CLAIM_BENCH_NOW, NO_FREQUENCY_CAPS, () => {}),
      );
      if (!result.ok) throw new Error('a claim found nothing');
      // Latency less the work: the transaction's begin and commit, the promise's turn.
      commitMs.push(Number(process.hrtime.bigint() - t0) / 1e6 - (workWallMs.at(-1) ?? 0));
      pause(variant, fullCommitMs);
      // Calls ending, as bench/claim.ts does every 100 claims (untimed).
      if ((i + 1) % 100 === 0) store.prepare('update attempt set done = 1 where done = 0').run([]);
    }
    if (variant === 'full') fullCommitMs = pct(commitMs, 0.5);
    const sums = results.get(variant) ?? { wall: [], cpu: [], commit: [] };
    sums.wall.push(...workWallMs);
    sums.cpu.push(...workCpuMs);
    sums.commit.push(...commitMs);
    results.set(variant, sums);
  }
}
await store.close();
rmSync(dir, { recursive: true, force: true });

const cpu = process.cpuUsage(cpuBefore);
console.log(
  `lone claims, ${leadCount} leads, ${rounds} rounds of ${claimCount} per variant, node ${process.version}, load ${loadBefore.join(' ')} before, ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} after, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
);
console.log(
  '| variant | work mean ms | work p50 ms | work CPU mean ms | ÷ normal (wall mean) | ÷ normal (CPU) | commit p50 ms |',
);
console.log('|---|---|---|---|---|---|---|');
const normal = results.get('normal');
for (const [variant, r] of results) {
  const ratio = (a: number, b: number[] | undefined) =>
    b === undefined ? '' : (a / mean(b)).toFixed(2);
  console.log(
    `| ${variant} | ${mean(r.wall).toFixed(3)} | ${pct(r.wall, 0.5).toFixed(3)} | ${mean(r.cpu).toFixed(3)} | ${ratio(mean(r.wall), normal?.wall)} | ${ratio(mean(r.cpu), normal?.cpu)} | ${pct(r.commit, 0.5).toFixed(3)} |`,
  );
}
