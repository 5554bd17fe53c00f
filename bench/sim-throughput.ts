/**
 * End-to-end attempt throughput: attempts per second through the real attempt machine
 * and runner, the SQLite journal (file, WAL), the ARI gateway (ari-client over a real
 * loopback websocket and HTTP) and the embedded simulated Asterisk, all in this process.
 *
 *   npm run bench:sim-throughput -- [--synchronous FULL|NORMAL] [--live 1,100,1000]
 *     [--seconds 6 | --attempts N[,N…]] [--time-scale 0] [--scenarios busy,congestion,…]
 *
 * A live level L keeps L attempts in flight: each of L workers claims a pending lead
 * (`journal.createAttempt`, as the scheduler does), starts its attempt, waits for its
 * end and claims the next. The measured run claims for `--seconds` (or until N leads,
 * with `--attempts`) and lasts until every attempt it claimed has ended. Each level has
 * a fresh database, simulator and gateway, and runs three passes on them:
 * 1. a probe of about a second (warms the JIT, sockets and SQLite cache up, and sizes
 *    the leads of the others);
 * 2. the measured run: attempts/s and journal rows/s over its whole length, and each
 *    attempt's time from its claim to the commit of its last event;
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
 * the outcome of its scenario; exactly one originate per attempt, counted both in the
 * simulator's `requests()` and in the journal; the journal has one row per transition;
 * no attempt is open, no lead is left dialing and no channel is left in Asterisk.
 *
 * Started with `--cpu-prof`, it prints each measured run's window on stderr for
 * bench/cpu-profile-layers.ts, which splits the profile by layer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { pino } from 'pino';
import { type AriGateway, createAriGateway } from '../src/ari/ari-gateway.js';
import type { PlayableMedia } from '../src/calls/attempt-input.js';
import { type AttemptRunner, createAttemptRunner } from '../src/calls/attempt-runner.js';
import { createChannelReconciler } from '../src/calls/channel-reconciler.js';
import { createEventRouter, type EventRouter } from '../src/calls/event-router.js';
import { systemClock } from '../src/calls/ports.js';
import { ATTEMPT_MACHINE_VERSION } from '../src/machines/attempt.js';
import { createAttemptSnapshot } from '../src/machines/attempt-step.js';
import type { AttemptOutcome } from '../src/machines/attempt-types.js';
import { createSimulator, type SimRequestRecord, type Simulator } from '../src/sim/simulator.js';
import { createAttemptJournal, type SqliteAttemptJournal } from '../src/store/attempt-journal.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { openDatabase, type Store, type SynchronousMode } from '../src/store/db.js';
import { createLeadRepository, type LeadRepository } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { benchCampaign, benchInput } from './bench-fixtures.js';

const APP = 'dialstate';
const USER = 'dialstate';
const PASSWORD = 'bench-secret';
/** Stock sounds the simulator plays, with their real lengths. */
const SIM_MEDIA: { consent: PlayableMedia; voicemail: PlayableMedia } = {
  consent: { uri: 'sound:if-correct-press', durationMs: 1970 },
  voicemail: { uri: 'sound:vm-intro', durationMs: 5650 },
};
/** The simulator's far ends (docs/simulator.md): number suffix and the outcome they give. */
const FAR_ENDS: Record<string, { suffix: string; outcome: AttemptOutcome }> = {
  human: { suffix: '01', outcome: 'answered_human' },
  'consent-deny': { suffix: '02', outcome: 'consent_denied' },
  'consent-silent': { suffix: '03', outcome: 'consent_timeout' },
  machine: { suffix: '04', outcome: 'voicemail_dropped' },
  'silent-line': { suffix: '05', outcome: 'voicemail_dropped' },
  notsure: { suffix: '06', outcome: 'voicemail_dropped' },
  busy: { suffix: '07', outcome: 'busy' },
  'no-answer': { suffix: '08', outcome: 'no_answer' },
  congestion: { suffix: '09', outcome: 'congestion' },
  'invalid-number': { suffix: '10', outcome: 'invalid_number' },
  'hangup-during-amd': { suffix: '11', outcome: 'abandoned' },
  'hangup-during-prompt': { suffix: '12', outcome: 'abandoned' },
  'hangup-during-voicemail': { suffix: '13', outcome: 'machine_detected' },
  'slow-answer': { suffix: '14', outcome: 'answered_human' },
  'hangup-during-talk': { suffix: '15', outcome: 'answered_human' },
};
/** How long the probe before each measured run claims leads (ms). */
const PROBE_MS = 1000;
/** How long the memory pass after each measured run claims leads (ms); sampled from 1 s on. */
const MEMORY_MS = 3000;
/** A run in which no attempt ends for this long fails (ms). */
const STALL_MS = 30_000;

interface Options {
  synchronous: SynchronousMode;
  timeScale: number;
  scenarios: string[];
  seconds: number;
}

interface Result {
  live: number;
  attempts: number;
  /** Journal rows written by the measured run. */
  events: number;
  seconds: number;
  attemptsPerSecond: number;
  eventsPerSecond: number;
  /** Claim-to-end time per attempt. */
  meanMs: number;
  p99Ms: number;
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

/** Everything one level runs on, built fresh. */
interface Stack {
  dir: string;
  store: Store;
  journal: SqliteAttemptJournal;
  leads: LeadRepository;
  sim: Simulator;
  gateway: AriGateway;
  runner: AttemptRunner;
  router: EventRouter;
}

async function openStack(options: Options): Promise<Stack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-bench-'));
  const store = openDatabase({
    path: path.join(dir, 'bench.db'),
    synchronous: options.synchronous,
  });
  await migrateToLatest(store.db);
  const journal = createAttemptJournal(store);
  await createCampaignRepository(store.db).insert(benchCampaign());
  const leads = createLeadRepository(store.db);
  const sim = createSimulator({ user: USER, password: PASSWORD, timeScale: options.timeScale });
  const { url } = await sim.start();
  const log = pino({ level: 'silent' });
  const gateway = createAriGateway({
    url,
    user: USER,
    password: PASSWORD,
    app: APP,
    dialContext: 'from-internal',
    amdContext: 'aava-outbound-amd',
    clock: systemClock,
    log,
  });
  const runner = createAttemptRunner({
    journal,
    callControl: gateway.callControl,
    clock: systemClock,
    log,
  });
  const reconciler = createChannelReconciler({
    runner,
    channels: gateway,
    clock: systemClock,
    log,
  });
  const router = createEventRouter({ source: gateway, runner, reconciler, log });
  await gateway.connect();
  return { dir, store, journal, leads, sim, gateway, runner, router };
}

async function closeStack(stack: Stack): Promise<void> {
  stack.router.stop();
  await stack.runner.stop();
  await stack.gateway.close();
  await stack.sim.stop();
  await stack.store.close();
  rmSync(stack.dir, { recursive: true, force: true });
}

/** Lead n's phone: its last two digits pick the far end. */
function phoneOf(n: number, scenarios: readonly string[]): string {
  const scenario = scenarios[n % scenarios.length] as string;
  const { suffix } = FAR_ENDS[scenario] as { suffix: string };
  return `+1555${String(n).padStart(6, '0')}${suffix}`;
}

async function insertLeads(stack: Stack, from: number, to: number, scenarios: readonly string[]) {
  const BATCH = 5000;
  for (let i = from; i < to; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, to - i) }, (_, j) => ({
      id: `lead-${i + j}`,
      campaignId: benchCampaign().id,
      phone: phoneOf(i + j, scenarios),
      name: null,
      timezone: null,
      callerId: null,
      customVars: {},
      importId: null,
      importSeq: i + j,
      createdAt: 0,
    }));
    const inserted = await stack.leads.insert(batch);
    if (!inserted.ok) throw new Error(`could not insert leads: ${inserted.reason}`);
  }
}

/**
 * Counts originates per attempt from the simulator's `requests()`, which keeps only the
 * last few hundred: polled on every journaled event, it takes the records after the
 * last one it saw (the same objects), and reports it if that one already dropped out.
 */
function createOriginateCounter(sim: Simulator, first: number, leads: number) {
  const perAttempt = new Uint8Array(leads);
  // Requests before this point belong to earlier attempts.
  let last: SimRequestRecord | undefined = sim.requests().at(-1);
  let total = 0;
  let missed = false;
  return {
    poll(): void {
      const records = sim.requests();
      let from = 0;
      if (last !== undefined) {
        from = records.lastIndexOf(last) + 1;
        if (from === 0) missed = true;
      }
      for (let i = from; i < records.length; i += 1) {
        const record = records[i] as SimRequestRecord;
        if (record.method !== 'POST' || record.path !== '/ari/channels') continue;
        total += 1;
        const n = Number(/^dialstate-att-(\d+)$/.exec(record.query.channelId ?? '')?.[1] ?? -1);
        if (n >= first && n < first + leads)
          perAttempt[n - first] = (perAttempt[n - first] ?? 0) + 1;
      }
      last = records.at(-1) ?? last;
    },
    /** What is wrong, if anything, for the first `claimed` attempts. */
    problems(claimed: number): string[] {
      const problems: string[] = [];
      if (missed) problems.push('requests() was polled too rarely: originates may be missing');
      const wrong = perAttempt.findIndex((c, i) => c !== (i < claimed ? 1 : 0));
      if (wrong !== -1) {
        problems.push(`att-${first + wrong} was originated ${perAttempt[wrong]} times`);
      }
      if (total !== claimed) problems.push(`${total} originates for ${claimed} attempts`);
      return problems;
    },
  };
}

/** One pass at a live level. */
interface Pass {
  /** Number of the first lead; leads `first` to `first + leads - 1` are pending. */
  first: number;
  leads: number;
  live: number;
  /** Stops claiming once this much time passed (ms); the attempts claimed still end. */
  untilMs?: number;
  /** When to sample memory (ms from the start), if leads are still being claimed then. */
  sampleAtMs?: number[];
}

interface PassResult {
  /** Attempts claimed, hence ended: leads `first` to `first + claimed - 1`. */
  claimed: number;
  /** Journaled events (transitions). */
  events: number;
  /** From the first claim to the last end. */
  ms: number;
  /** Claim-to-end time of each attempt (ms). */
  times: Float64Array;
  /** `scenario → outcome` counts. */
  outcomes: Map<string, number>;
  samples: { rss: number; heap: number; inRunner: number }[];
  problems: string[];
}

/**
 * Keeps `live` attempts in flight: each worker claims a lead, starts its attempt, waits
 * for its end and claims the next, until the leads run out or `untilMs` has passed.
 */
async function drive(stack: Stack, options: Options, pass: Pass): Promise<PassResult> {
  const { runner, journal } = stack;
  const { first, leads, live } = pass;
  const times = new Float64Array(leads);
  const outcomes = new Map<string, number>();
  const problems: string[] = [];
  const samples: PassResult['samples'] = [];
  const ending = new Map<string, (outcome: AttemptOutcome | null) => void>();
  const originates = createOriginateCounter(stack.sim, first, leads);
  let events = 0;
  let lastEnd = performance.now();
  const off = runner.onTransition((transition) => {
    events += 1;
    originates.poll();
    if (!transition.done) return;
    ending.get(transition.attemptId)?.(transition.outcome);
    ending.delete(transition.attemptId);
  });
  const stall = setInterval(() => {
    if (performance.now() - lastEnd < STALL_MS) return;
    console.error(`no attempt ended for ${STALL_MS} ms; in the runner: ${runner.liveAttemptIds()}`);
    process.exit(1);
  }, 1000);

  let next = 0;
  const t0 = performance.now();
  const claiming = () =>
    next < leads && (pass.untilMs === undefined || performance.now() - t0 < pass.untilMs);
  const samplers = (pass.sampleAtMs ?? []).map((ms) =>
    setTimeout(async () => {
      if (!claiming()) return;
      const inRunner = runner.liveAttemptIds().length;
      const heap = collectedHeap();
      samples.push({ rss: await rssSoon(), heap, inRunner });
    }, ms),
  );

  async function worker(): Promise<void> {
    while (claiming()) {
      const i = next++;
      const n = first + i;
      const attemptId = `att-${n}`;
      const begin = performance.now();
      const input = benchInput(
        attemptId,
        `lead-${n}`,
        benchCampaign().id,
        phoneOf(n, options.scenarios),
        SIM_MEDIA,
      );
      const created = await journal.createAttempt({
        attemptId,
        campaignId: input.campaignId,
        leadId: input.leadId,
        machineVersion: ATTEMPT_MACHINE_VERSION,
        input,
        snapshot: createAttemptSnapshot(input),
        state: 'idle',
        at: Date.now(),
      });
      if (!created.ok) throw new Error(`could not claim lead-${n}: ${created.reason}`);
      const ended = new Promise<AttemptOutcome | null>((resolve) => ending.set(attemptId, resolve));
      await runner.start(created.attempt);
      const outcome = await ended;
      lastEnd = performance.now();
      times[i] = lastEnd - begin;
      const scenario = options.scenarios[n % options.scenarios.length] as string;
      const key = `${scenario} → ${outcome}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      if (outcome !== FAR_ENDS[scenario]?.outcome && problems.length < 10) {
        problems.push(`${attemptId} (${scenario}) ended ${outcome}`);
      }
    }
  }
  await Promise.all(Array.from({ length: live }, worker));
  const ms = performance.now() - t0;
  for (const sampler of samplers) clearTimeout(sampler);
  clearInterval(stall);
  await runner.settled();
  originates.poll();
  off();
  const claimed = Math.min(next, leads);
  problems.push(...originates.problems(claimed));
  return { claimed, events, ms, times: times.subarray(0, claimed), outcomes, samples, problems };
}

/** Checks the database and Asterisk agree that all `count` attempts are over. */
async function checkEnded(stack: Stack, count: number): Promise<string[]> {
  const problems: string[] = [];
  const [attempts] = (
    await sql<{ total: number; open: number; originates: number }>`
      select count(*) as total, coalesce(sum(done = 0), 0) as open,
        (select count(*) from attempt_event, json_each(attempt_event.commands)
          where json_extract(json_each.value, '$.type') = 'originate') as originates
      from attempt`.execute(stack.store.db)
  ).rows;
  if (attempts?.total !== count)
    problems.push(`${attempts?.total} attempts journaled, not ${count}`);
  if (attempts?.open !== 0) problems.push(`${attempts?.open} attempts still open in the journal`);
  if (attempts?.originates !== count) {
    problems.push(`${attempts?.originates} originate commands journaled for ${count} attempts`);
  }
  const [dialing] = (
    await sql<{ n: number }>`select count(*) as n from lead where state = 'dialing'`.execute(
      stack.store.db,
    )
  ).rows;
  if (dialing?.n !== 0) problems.push(`${dialing?.n} leads still dialing`);
  if (stack.runner.liveAttemptIds().length > 0) problems.push('the runner still has live attempts');
  const channels = await stack.gateway.listChannels();
  if (channels.length > 0) problems.push(`${channels.length} channels left in Asterisk`);
  return problems;
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
const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use, right after a full collection when `gc` is exposed. */
function collectedHeap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** RSS a moment from now: V8 hands the pages a collection freed back from another thread. */
async function rssSoon(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return process.memoryUsage.rss();
}

/** Memory with nothing live, once V8 has settled (its bytecode ages over several collections). */
async function memoryAtRest(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i += 1) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { heap: collectedHeap(), rss: await rssSoon() };
}

async function runLevel(options: Options, live: number, fixed: number | undefined) {
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
    // Timed runs stop claiming after `seconds`; thrice the probe's rate leaves leads over.
    const leads = fixed ?? Math.ceil(rate * options.seconds * 3) + live;
    const memoryLeads = Math.ceil((rate * MEMORY_MS * 2) / 1000) + live;
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
    if (problems.length > 0) throw new Error(`live ${live}:\n${problems.join('\n')}`);

    const times = Array.from(run.times).sort((a, b) => a - b);
    const seconds = run.ms / 1000;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const plateauRss = mean(held.samples.map((s) => s.rss));
    const plateauHeap = mean(held.samples.map((s) => s.heap));
    return {
      live,
      attempts: run.claimed,
      events,
      seconds: round(seconds, 2),
      attemptsPerSecond: Math.round(run.claimed / seconds),
      eventsPerSecond: Math.round(events / seconds),
      meanMs: round(mean(times), 2),
      p99Ms: round(times[Math.min(times.length - 1, Math.floor(0.99 * times.length))] ?? 0, 2),
      restRssMb: round(rest.rss / 2 ** 20, 1),
      plateauRssMb: round(plateauRss / 2 ** 20, 1),
      rssKbPerLive: round((plateauRss - rest.rss) / 1024 / live, 1),
      heapKbPerLive: round((plateauHeap - rest.heap) / 1024 / live, 1),
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

function round(n: number, digits: number): number {
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
  },
});
const synchronous = values.synchronous?.toUpperCase();
if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
  throw new Error(`--synchronous must be FULL or NORMAL, not ${values.synchronous}`);
}
const options: Options = {
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
for (const [index, live] of levels.entries()) {
  results.push(await runLevel(options, live, counts.length > 1 ? counts[index] : counts[0]));
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
  '| live at once | attempts | journal rows | seconds | attempts/s | events/s | mean ms/attempt | p99 ms/attempt | RSS at rest MB | RSS with L live MB | RSS KB/live attempt | heap KB/live attempt |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.live} | ${r.attempts} | ${r.events} | ${r.seconds} | ${r.attemptsPerSecond} | ${r.eventsPerSecond} | ${r.meanMs} | ${r.p99Ms} | ${r.restRssMb} | ${r.plateauRssMb} | ${r.rssKbPerLive} | ${r.heapKbPerLive} |`,
  );
}
console.log('');
for (const r of results) {
  const outcomes = [...r.outcomes].map(([key, n]) => `${key} ${n}`).join(', ');
  console.log(
    `live ${r.live}: one originate per attempt; ${outcomes}; ` +
      `attempts in the runner at the memory samples ${r.inRunner.join('/')}` +
      (r.listenOverflows === null
        ? ''
        : `; listen queue overflows (system-wide) ${r.listenOverflows}`),
  );
}
