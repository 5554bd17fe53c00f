/**
 * Where a group-commit transaction's cost goes while dialstate makes calls: dialstate's
 * side of bench/ari-overhead.ts alone (the same stack: file database in WAL with its
 * checkpoint thread, runner, gateway, simulator in a process of its own, congestion far
 * end), with each COMMIT on the journal's connection timed and counted.
 *
 *   npx tsx bench/commit-anatomy.ts [--live 10] [--attempts 3000] [--rounds 2]
 *     [--synchronous FULL|NORMAL]
 *
 * Per round (L calls in flight, `--attempts` calls), printed as a table row:
 * - *main thread CPU ms/call*: the event loop's thread on a core (`/proc/self/task/<pid>/
 *   schedstat`), and *other threads*: every other thread of the process (V8's helpers,
 *   the WAL checkpoint thread, libuv's pool); `process.cpuUsage`, which ari-overhead
 *   reports, is their sum;
 * - *COMMIT share of wall*: the time the event loop spent inside COMMIT statements, with
 *   SQLite's fsync of the WAL under FULL: the loop takes no event and sends no command
 *   meanwhile, whether or not the thread is on a core;
 * - *COMMIT ms*: that time per transaction; *transactions/call*, *synced/call* (COMMITs
 *   made with their fsync, ADR 050), *units/transaction*;
 * - *WAL frames/transaction*: pages each COMMIT appended to the WAL (from the WAL-index's
 *   frame count after each COMMIT); SQLite writes each frame with two `pwrite` calls.
 *
 * The first round at a level includes the optimizing compiler's work on the other
 * threads: compare the later ones.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseWalIndex, WAL_INDEX_BYTES } from '../src/store/sqlite/wal-index.js';
import {
  closeStack,
  drive,
  insertLeads,
  openStack,
  type Stack,
  type StackOptions,
} from './sim-stack.js';

const { values: args } = parseArgs({
  options: {
    live: { type: 'string', default: '10' },
    attempts: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '2' },
    synchronous: { type: 'string', default: 'FULL' },
  },
});
const [levels, [attempts = 0], [rounds = 0]] = [args.live, args.attempts, args.rounds].map(
  (list = '') => list.split(',').map(Number),
) as [number[], number[], number[]];
const synchronous = args.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL';
if (args.synchronous !== synchronous) throw new Error('--synchronous takes FULL or NORMAL');

const options: StackOptions = {
  synchronous,
  timeScale: 0,
  scenarios: ['congestion'],
  rest: 'pool',
  sim: 'process',
  checkpoints: 'background',
  log: 'silent',
};

/** CPU time (ms) of this process's threads on a core: the main one, and all the others. */
function threadsOnCpu(): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    if (tid === String(process.pid)) main += ns / 1e6;
    else others += ns / 1e6;
  }
  return { main, others };
}

/** What the COMMITs on the stack's connection did until `stop()`. */
interface CommitCounts {
  commits: number;
  synced: number;
  /** Time the event loop spent in COMMIT statements (ms). */
  ms: number;
  frames: number;
  /** Units of work handed to the journal (claims, commits of an attempt's events). */
  units: number;
}

/**
 * Times and counts every COMMIT on the stack's connection (the group commit prepares
 * `commit` for each batch), and the WAL frames each appended, read from the WAL-index.
 */
function watchCommits(stack: Stack): { stop(): CommitCounts } {
  const { store, journal } = stack;
  const prepare = store.prepare;
  const { createAttempt, commit, commitInOrder } = journal;
  const shm = openSync(`${store.path}-shm`, 'r');
  const bytes = Buffer.alloc(WAL_INDEX_BYTES);
  const framesNow = () => {
    const state = parseWalIndex(bytes.subarray(0, readSync(shm, bytes, 0, WAL_INDEX_BYTES, 0)));
    return 'frames' in state ? state.frames : null;
  };
  const counts: CommitCounts = { commits: 0, synced: 0, ms: 0, frames: 0, units: 0 };
  // The runner and the bench's workers call these on the journal object itself.
  journal.createAttempt = (...args) => {
    counts.units += 1;
    return createAttempt(...args);
  };
  journal.commit = (...args) => {
    counts.units += 1;
    return commit(...args);
  };
  if (commitInOrder) {
    journal.commitInOrder = (...args) => {
      counts.units += 1;
      return commitInOrder(...args);
    };
  }
  // The batcher sets NORMAL around a commit it makes without its fsync (ADR 037, 050).
  let unsynced = false;
  store.prepare = (text) => {
    const statement = prepare(text);
    if (text === 'pragma synchronous = NORMAL') unsynced = true;
    else if (text === 'pragma synchronous = FULL') unsynced = false;
    if (text !== 'commit') return statement;
    return {
      ...statement,
      run(parameters) {
        const before = framesNow();
        const t0 = performance.now();
        const result = statement.run(parameters);
        counts.ms += performance.now() - t0;
        const after = framesNow();
        counts.commits += 1;
        // Under NORMAL no COMMIT syncs the WAL.
        if (!unsynced && synchronous === 'FULL') counts.synced += 1;
        // The checkpoint thread's RESTART starts the WAL over: count from its start then.
        if (before !== null && after !== null)
          counts.frames += after >= before ? after - before : after;
        return result;
      },
    };
  };
  return {
    stop() {
      store.prepare = prepare;
      Object.assign(journal, { createAttempt, commit, commitInOrder });
      closeSync(shm);
      return counts;
    },
  };
}

const loadBefore = os.loadavg().map((n) => n.toFixed(2));
const stack = await openStack(options);
const rows: string[] = [];
try {
  await insertLeads(stack, 0, 1 + attempts * rounds * levels.length, options.scenarios);
  const warm = await drive(stack, options, { first: 0, leads: 1, live: 1 });
  if (warm.problems.length > 0) throw new Error(warm.problems.join('\n'));
  let first = 1;
  for (const live of levels) {
    for (let round = 1; round <= rounds; round += 1) {
      const cpu0 = threadsOnCpu();
      const watching = watchCommits(stack);
      const run = await drive(stack, options, { first, leads: attempts, live });
      const counts = watching.stop();
      const cpu1 = threadsOnCpu();
      first += attempts;
      if (run.problems.length > 0) throw new Error(`live ${live}:\n${run.problems.join('\n')}`);
      const calls = run.claimed;
      const perCall = (n: number) => (n / calls).toFixed(3);
      rows.push(
        `| ${live} | ${round} | ${Math.round(calls / (run.ms / 1000))} | ${perCall(run.cpuMs)} | ${perCall(cpu1.main - cpu0.main)} | ${perCall(cpu1.others - cpu0.others)} | ${(counts.ms / run.ms).toFixed(3)} | ${(counts.ms / counts.commits).toFixed(3)} | ${perCall(counts.commits)} | ${perCall(counts.synced)} | ${(counts.units / counts.commits).toFixed(2)} | ${(counts.frames / counts.commits).toFixed(1)} |`,
      );
      console.error(rows.at(-1));
    }
  }
} finally {
  await closeStack(stack);
}

const [cpu] = os.cpus();
const loadAfter = os.loadavg().map((n) => n.toFixed(2));
const columns = [
  'in flight',
  'round',
  'calls/s',
  'CPU ms/call (process)',
  'main thread CPU ms/call',
  'other threads CPU ms/call',
  'COMMIT share of wall',
  'COMMIT ms',
  'transactions/call',
  'synced/call',
  'units/transaction',
  'WAL frames/transaction',
];
console.log(
  [
    `dialstate's commits at work (congestion far end, simulator in its own process), node ${process.version}, ${os.cpus().length} × ${cpu?.model ?? ''}, synchronous=${synchronous}, load average ${loadBefore.join(' ')} → ${loadAfter.join(' ')}`,
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---|').join('')}`,
    ...rows,
  ].join('\n'),
);
