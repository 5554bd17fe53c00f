/**
 * End-to-end attempt throughput: attempts per second through the real attempt machine
 * and runner, the SQLite journal (file, WAL), the ARI gateway (ari-client over a real
 * loopback websocket and HTTP) and the simulated Asterisk.
 *
 *   npm run bench:sim-throughput -- [--synchronous FULL|NORMAL] [--live 1,100,1000]
 *     [--seconds 6 | --attempts N[,N…]] [--time-scale 0] [--scenarios busy,congestion,…]
 *     [--sim process,inline] [--rounds 1] [--rest pool,per-request] [--log silent,info]
 *     [--keep-going]
 *
 * `--sim` says where the simulator runs, each in turn at every level: `process` (the
 * default) in a child process of its own, reached over loopback like a real Asterisk on
 * another host, so that this process is the dialer alone and its CPU time per attempt
 * is the dialer's (the child's is measured apart); `inline` in this process, sharing
 * its event loop and core, as all figures before 2026-12-06 13:00 UTC were taken.
 * The goal is the dialer's rate (a PBX is another host), hence `process` by default;
 * `--sim inline,process` gives the ratio of the two in one run. `--rounds N` repeats
 * each level's runs, every other round in reverse order, so that neither placement
 * always runs first.
 *
 * `--rest` names the REST transports to run each level with, in turn in this process:
 * `pool` (the gateway's kept-alive socket pool, the default) and `per-request` (a new
 * connection for each request, as ari-client's own requests made), for a ratio in one run.
 * `--log info` logs as the server does by default (a JSON line per transition), to
 * /dev/null; by default (`silent`) nothing is logged; `--log silent,info` runs both. `--keep-going` reports a level whose checks failed after the table, instead of stopping.
 *
 * A live level L keeps L attempts in flight: each of L workers claims a pending lead
 * (`journal.createAttempt`, as the scheduler does), starts its attempt, waits for its
 * end and claims the next. The measured run claims for `--seconds` (or until N leads,
 * with `--attempts`) and lasts until every attempt it claimed has ended. Each level has
 * a fresh database, simulator and gateway, and runs three passes on them:
 * 1. a probe of about a second (warms the JIT, sockets and SQLite cache up, and sizes
 *    the leads of the others);
 * 2. the measured run: attempts/s and journal rows/s over its whole length, each
 *    attempt's time from its claim to the commit of its last event, and the CPU time
 *    per attempt of this process (the dialer, and the simulator when inline) and of the
 *    simulator's process (steadier than the rate on a busy machine);
 * 3. a memory pass of 3 s: RSS and heap sampled four times with L attempts live, minus
 *    the mean of the same taken at rest just before and after it, divided by L. With
 *    `--expose-gc` (`NODE_OPTIONS=--expose-gc npm run bench:sim-throughput`) every
 *    sample follows a full collection; the pass is apart so that they cost no timing.
 *
 * The simulator runs at time scale 0 by default: one scenario instant per event-loop
 * turn, no timers. The far ends that are right there, and take no scenario time, are
 * the refusals: busy, congestion and invalid-number, the default mix. `no-answer` ends
 * right too, but its ring timeout lies 30 scenario seconds ahead, and at scale 0 the
 * simulator only reaches it once nothing sooner is due: among refusals that keep
 * arriving, its attempts wait for a lull (at L=1000, until the claiming stops: seconds),
 * which measures the simulator's clock rather than the dialer. Answered calls are not
 * right at 0: the callee's own timers (its give-up after 30 or 60 s of silence) run
 * ahead of the dialer, whose reactions take real time, all the more under load. They
 * need a positive scale that grows with L: `--scenarios human,consent-deny,machine`
 * ends as expected from 0.01 at L=1, 0.05 at L=100 and 0.5 at L=1000 on a 2-core
 * machine, and attempts/s is then bounded by the calls' simulated length.
 *
 * Checked while measuring, in every pass (any failure exits 1): every attempt ends, with
 * the outcome of its scenario; exactly one originate per attempt, counted both by the
 * simulator (every REST request it receives) and in the journal; the journal has one
 * row per transition; no attempt is open, no lead is left dialing and no channel is
 * left in Asterisk.
 *
 * Started with `--cpu-prof`, it prints each measured run's window on stderr for
 * bench/cpu-profile-layers.ts, which splits the profile by layer; the simulator's
 * process is not profiled.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { SIM_PLACEMENTS, type SimPlacement } from './sim-host.js';
import {
  checkEnded,
  closeStack,
  collectedHeap,
  drive,
  FAR_ENDS,
  gc,
  insertLeads,
  MEMORY_MS,
  openStack,
  PROBE_MS,
  rssSoon,
  type Stack,
  type StackOptions,
} from './sim-stack.js';

interface Options extends StackOptions {
  seconds: number;
  sim: SimPlacement;
}

interface Result {
  live: number;
  round: number;
  sim: SimPlacement;
  rest: string;
  log: string;
  attempts: number;
  /** Journal rows written by the measured run. */
  events: number;
  seconds: number;
  attemptsPerSecond: number;
  eventsPerSecond: number;
  /** Claim-to-end time per attempt. */
  meanMs: number;
  p99Ms: number;
  /** CPU time of this process per attempt (the dialer; with the simulator when inline). */
  cpuMsPerAttempt: number;
  /** CPU time of the simulator's process per attempt; null when inline. */
  simCpuMsPerAttempt: number | null;
  restRssMb: number;
  plateauRssMb: number;
  rssKbPerLive: number;
  heapKbPerLive: number;
  /** `scenario → outcome` counts of the measured run. */
  outcomes: Map<string, number>;
  /** Attempts the runner held at each memory sample (the others were being claimed). */
  inRunner: number[];
  /** Connections dropped by full listen queues during the measured run (Linux, system-wide). */
  listenOverflows: number | null;
}

/**
 * Linux's count of connections dropped because a listen queue was full (system-wide),
 * or null elsewhere. A dropped connection is retried by the client's TCP after 1, 3, 7 s.
 */
function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const names = lines.find((line) => line.startsWith('TcpExt:'))?.split(' ') ?? [];
    const values = lines.filter((line) => line.startsWith('TcpExt:'))[1]?.split(' ') ?? [];
    const value = Number(values[names.indexOf('ListenOverflows')]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

async function journalRows(stack: Stack): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from attempt_event`.execute(
    stack.store.db,
  );
  return rows[0]?.n ?? 0;
}

const profiling = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) =>
  arg.includes('--cpu-prof'),
);

/** Memory with nothing live, once V8 has settled (its bytecode ages over several collections). */
async function memoryAtRest(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i += 1) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { heap: collectedHeap(), rss: await rssSoon() };
}

async function runLevel(options: Options, live: number, round: number, fixed: number | undefined) {
  const stack = await openStack(options);
  try {
    // The probe warms everything up (JIT, sockets, SQLite cache) and measures the rate.
    const probeLeads = Math.max(live * 4, 2000);
    await insertLeads(stack, 0, probeLeads, options.scenarios);
    const probe = await drive(stack, options, {
      first: 0,
      leads: probeLeads,
      live,
      untilMs: PROBE_MS,
    });
    const rate = probe.claimed / (probe.ms / 1000);
    // Timed runs stop claiming after `seconds`; thrice the probe's rate leaves leads over,
    // and at least MIN_RATE's worth: on a busy machine the probe (JIT still warming) can
    // be several times slower than the run, which then ran out of leads before its time.
    const sized = Math.max(rate, MIN_RATE) * 3;
    const leads = fixed ?? Math.ceil(sized * options.seconds) + live;
    const memoryLeads = Math.ceil((sized * MEMORY_MS) / 1000) + live;
    const first = probeLeads;
    await insertLeads(stack, first, first + leads + memoryLeads, options.scenarios);

    const eventsBefore = await journalRows(stack);
    const overflowsBefore = listenOverflows();
    const windowFrom = process.hrtime.bigint() / 1000n;
    const run = await drive(stack, options, {
      first,
      leads,
      live,
      untilMs: fixed === undefined ? options.seconds * 1000 : undefined,
    });
    if (profiling) {
      // For bench/cpu-profile-layers.ts --window: the measured run, in the profile's clock.
      console.error(
        `live ${live} measured window (µs): ${windowFrom}:${process.hrtime.bigint() / 1000n}`,
      );
    }
    const overflowsAfter = listenOverflows();
    const events = (await journalRows(stack)) - eventsBefore;

    // Memory with L attempts live, in a pass of its own so that collections do not touch
    // the timings; at rest (nothing live, every cache as warm) just before and after it.
    const before = await memoryAtRest();
    const held = await drive(stack, options, {
      first: first + leads,
      leads: memoryLeads,
      live,
      untilMs: MEMORY_MS,
      sampleAtMs: [1000, 1500, 2000, 2500],
    });
    const after = await memoryAtRest();
    const rest = { rss: (before.rss + after.rss) / 2, heap: (before.heap + after.heap) / 2 };

    const problems = [
      ...probe.problems,
      ...run.problems,
      ...held.problems,
      ...(await checkEnded(stack, probe.claimed + run.claimed + held.claimed)),
    ];
    if (events !== run.events) problems.push(`${events} journal rows, ${run.events} transitions`);
    if (held.samples.length === 0) problems.push('no memory sample was taken with L attempts live');
    if (fixed === undefined && run.claimed >= leads) {
      problems.push(`the timed run ran out of its ${leads} leads before ${options.seconds} s`);
    }
    if (problems.length > 0) throw new Error(`live ${live}:\n${problems.join('\n')}`);

    const times = Array.from(run.times).sort((a, b) => a - b);
    const seconds = run.ms / 1000;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const plateauRss = mean(held.samples.map((s) => s.rss));
    const plateauHeap = mean(held.samples.map((s) => s.heap));
    return {
      live,
      round,
      sim: options.sim,
      rest: options.rest,
      log: options.log ?? 'silent',
      attempts: run.claimed,
      events,
      seconds: roundTo(seconds, 2),
      attemptsPerSecond: Math.round(run.claimed / seconds),
      eventsPerSecond: Math.round(events / seconds),
      meanMs: roundTo(mean(times), 2),
      p99Ms: roundTo(times[Math.min(times.length - 1, Math.floor(0.99 * times.length))] ?? 0, 2),
      cpuMsPerAttempt: roundTo(run.cpuMs / run.claimed, 3),
      simCpuMsPerAttempt: run.simCpuMs === null ? null : roundTo(run.simCpuMs / run.claimed, 3),
      restRssMb: roundTo(rest.rss / 2 ** 20, 1),
      plateauRssMb: roundTo(plateauRss / 2 ** 20, 1),
      rssKbPerLive: roundTo((plateauRss - rest.rss) / 1024 / live, 1),
      heapKbPerLive: roundTo((plateauHeap - rest.heap) / 1024 / live, 1),
      outcomes: run.outcomes,
      inRunner: held.samples.map((s) => s.inRunner),
      listenOverflows:
        overflowsBefore === null || overflowsAfter === null
          ? null
          : overflowsAfter - overflowsBefore,
    } satisfies Result;
  } finally {
    await closeStack(stack);
  }
}

/** Attempts per second the leads of a timed run are sized for at least (see runLevel). */
const MIN_RATE = 1000;

function roundTo(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function list(text: string): number[] {
  return text.split(',').map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer: ${part}`);
    return n;
  });
}

const { values } = parseArgs({
  options: {
    synchronous: { type: 'string', default: 'FULL' },
    live: { type: 'string', default: '1,100,1000' },
    attempts: { type: 'string' },
    seconds: { type: 'string', default: '6' },
    'time-scale': { type: 'string', default: '0' },
    scenarios: { type: 'string', default: 'busy,congestion,invalid-number' },
    rest: { type: 'string', default: 'pool' },
    sim: { type: 'string', default: 'process' },
    log: { type: 'string', default: 'silent' },
    rounds: { type: 'string', default: '1' },
    'keep-going': { type: 'boolean', default: false },
  },
});
const synchronous = values.synchronous?.toUpperCase();
if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
  throw new Error(`--synchronous must be FULL or NORMAL, not ${values.synchronous}`);
}
const transports = (values.rest ?? '').split(',');
for (const rest of transports) {
  if (rest !== 'pool' && rest !== 'per-request')
    throw new Error(`--rest takes pool or per-request, not ${rest}`);
}
const placements = (values.sim ?? '').split(',') as SimPlacement[];
for (const sim of placements) {
  if (!SIM_PLACEMENTS.includes(sim)) throw new Error(`--sim takes inline or process, not ${sim}`);
}
const logs = (values.log ?? '').split(',') as NonNullable<Options['log']>[];
for (const log of logs) {
  if (log !== 'silent' && log !== 'info') throw new Error(`--log takes silent or info, not ${log}`);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a positive integer');
const options: Omit<Options, 'rest' | 'sim' | 'log'> = {
  synchronous,
  timeScale: Number(values['time-scale']),
  scenarios: (values.scenarios ?? '').split(','),
  seconds: Number(values.seconds),
};
for (const scenario of options.scenarios) {
  if (!FAR_ENDS[scenario]) throw new Error(`unknown scenario ${scenario}`);
}
const levels = list(values.live ?? '');
const counts = values.attempts === undefined ? [] : list(values.attempts);
if (counts.length > 1 && counts.length !== levels.length) {
  throw new Error('--attempts takes one count, or one per --live level');
}

const loadBefore = os.loadavg()[0] ?? 0;
const results = [];
/** Levels whose checks failed, with `--keep-going`: reported after the table. */
const failures: string[] = [];
for (const [index, live] of levels.entries()) {
  for (let round = 1; round <= rounds; round += 1) {
    // Every other round in reverse, so that no variant always runs first.
    const runs = placements.flatMap((sim) =>
      (transports as Options['rest'][]).flatMap((rest) => logs.map((log) => ({ sim, rest, log }))),
    );
    if (round % 2 === 0) runs.reverse();
    for (const { sim, rest, log } of runs) {
      try {
        results.push(
          await runLevel(
            { ...options, rest, sim, log },
            live,
            round,
            counts.length > 1 ? counts[index] : counts[0],
          ),
        );
      } catch (error) {
        if (!values['keep-going']) throw error;
        failures.push(
          `live ${live} round ${round} (${sim}, ${rest}, log ${log}) FAILED: ${String(error).split('\n').slice(0, 4).join('; ')}`,
        );
      }
    }
  }
}

const cpus = os.cpus();
console.log(
  `end-to-end attempts over ARI, node ${process.version}, ${os.platform()} ${os.release()}, ` +
    `${cpus.length} cores, ${cpus[0]?.model ?? ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `load average ${loadBefore.toFixed(2)} before, ${(os.loadavg()[0] ?? 0).toFixed(2)} after`,
);
console.log(
  `synchronous=${options.synchronous}, WAL, time scale ${options.timeScale}, ` +
    `scenarios ${options.scenarios.join(', ')}; ` +
    (gc ? 'memory after a full GC' : 'no --expose-gc: memory includes uncollected garbage'),
);
console.log(
  '| live at once | round | simulator | REST | log | attempts | journal rows | seconds | attempts/s | events/s | mean ms/attempt | p99 ms/attempt | CPU ms/attempt, this process | CPU ms/attempt, simulator process | RSS at rest MB | RSS with L live MB | RSS KB/live attempt | heap KB/live attempt |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.live} | ${r.round} | ${r.sim} | ${r.rest} | ${r.log} | ${r.attempts} | ${r.events} | ${r.seconds} | ${r.attemptsPerSecond} | ${r.eventsPerSecond} | ${r.meanMs} | ${r.p99Ms} | ${r.cpuMsPerAttempt} | ${r.simCpuMsPerAttempt ?? '(in this process)'} | ${r.restRssMb} | ${r.plateauRssMb} | ${r.rssKbPerLive} | ${r.heapKbPerLive} |`,
  );
}
console.log('');
for (const r of results) {
  if (r.sim !== 'process') continue;
  const inline = results.find(
    (o) =>
      o.sim === 'inline' &&
      o.live === r.live &&
      o.round === r.round &&
      o.rest === r.rest &&
      o.log === r.log,
  );
  if (!inline) continue;
  console.log(
    `live ${r.live} round ${r.round} (${r.rest}, log ${r.log}), process ÷ inline: attempts/s ` +
      `${(r.attemptsPerSecond / inline.attemptsPerSecond).toFixed(2)}, this process's CPU per attempt ` +
      `${(r.cpuMsPerAttempt / inline.cpuMsPerAttempt).toFixed(2)}, both processes' CPU per attempt ` +
      `${((r.cpuMsPerAttempt + (r.simCpuMsPerAttempt ?? 0)) / inline.cpuMsPerAttempt).toFixed(2)}`,
  );
}
for (const r of results) {
  const outcomes = [...r.outcomes].map(([key, n]) => `${key} ${n}`).join(', ');
  console.log(
    `live ${r.live} round ${r.round} (${r.sim}, ${r.rest}, log ${r.log}): one originate per attempt; ${outcomes}; ` +
      `attempts in the runner at the memory samples ${r.inRunner.join('/')}` +
      (r.listenOverflows === null
        ? ''
        : `; listen queue overflows (system-wide) ${r.listenOverflows}`),
  );
}
for (const failure of failures) console.log(failure);
