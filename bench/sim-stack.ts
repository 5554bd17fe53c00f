/**
 * The dialer stack the end-to-end benchmarks drive (bench/sim-throughput.ts,
 * bench/ari-overhead.ts): a file database, the attempt journal, runner, event router and
 * ARI gateway, against the simulator (in this process or in one of its own, see
 * bench/sim-host.ts) or a given ARI, and the loop that keeps L attempts live (`drive`)
 * with the checks every pass makes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { pino } from 'pino';
import { type AriGateway, createAriGateway } from '../src/ari/ari-gateway.js';
import type { PlayableMedia } from '../src/calls/attempt-input.js';
import { type AttemptRunner, createAttemptRunner } from '../src/calls/attempt-runner.js';
import { planStart } from '../src/calls/attempt-step-plan.js';
import { createChannelReconciler } from '../src/calls/channel-reconciler.js';
import { createEventRouter, type EventRouter } from '../src/calls/event-router.js';
import { systemClock } from '../src/calls/ports.js';
import { createLogger } from '../src/logger.js';
import type { AttemptOutcome } from '../src/machines/attempt-types.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import {
  type AttemptJournalOptions,
  createAttemptJournal,
  type SqliteAttemptJournal,
} from '../src/store/journal/attempt-journal.js';
import { createLeadRepository, type LeadRepository } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import {
  type CheckpointMode,
  openDatabase,
  type Store,
  type SynchronousMode,
} from '../src/store/sqlite/db.js';
import { benchCampaign, benchInput, newBenchAttempt } from './bench-fixtures.js';
import { type SimHost, type SimPlacement, type SimReport, startSimHost } from './sim-host.js';

const APP = 'dialstate';
/** The simulator's credentials. */
export const SIM_USER = 'dialstate';
export const SIM_PASSWORD = 'bench-secret';
/** Stock sounds the simulator plays, with their real lengths. */
export const SIM_MEDIA: { consent: PlayableMedia; voicemail: PlayableMedia } = {
  consent: { uri: 'sound:if-correct-press', durationMs: 1970 },
  voicemail: { uri: 'sound:vm-intro', durationMs: 5650 },
};
/** The simulator's far ends (docs/simulator.md): number suffix and the outcome they give. */
export const FAR_ENDS: Record<string, { suffix: string; outcome: AttemptOutcome }> = {
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
export const PROBE_MS = 1000;
/** How long the memory pass after each measured run claims leads (ms); sampled from 1 s on. */
export const MEMORY_MS = 3000;
/** A run in which no attempt ends for this long fails (ms). */
const STALL_MS = 30_000;

export interface StackOptions {
  synchronous: SynchronousMode;
  timeScale: number;
  scenarios: string[];
  rest: 'pool' | 'per-request';
  /**
   * Where the simulator runs: in this process (`inline`, the default) or in a child
   * process of its own (`process`), as a real PBX would; see bench/sim-host.ts.
   */
  sim?: SimPlacement;
  /**
   * `info`: the product's logger at its default level (a JSON line per transition),
   * writing to /dev/null, as the server writes to its standard output; `silent`
   * (the default): no log line is made.
   */
  log?: 'silent' | 'info';
  /** A real ARI to dial through instead of the simulator. */
  ari?: { url: string; user: string; password: string };
  /**
   * Who checkpoints the WAL (`openDatabase`): `background` is the server's default
   * (ADR 033); `automatic` (the default here, as every figure before it) checkpoints
   * inside the commit that passes 1,000 pages.
   */
  checkpoints?: CheckpointMode;
  /**
   * How the journal's commits reach the disk (`createAttemptJournal`); when not given, as
   * a server's default (`DIALSTATE_DB_WAL_SYNC=auto`: `when-slow`, ADR 052).
   */
  walFsync?: AttemptJournalOptions['walFsync'];
  /**
   * Where an attempt's `attempt.started` is committed: `with-claim` (the default, as the
   * server's claims do since ADR 044), in the claim's transaction; `after-claim`, by the
   * runner in a transaction of its own once the claim's committed (before ADR 044).
   */
  start?: FirstStepPlace;
  /**
   * How an attempt's end is made durable at `drive`: `lent` (the default, as the
   * server's scheduler does since ADR 050), the worker claims its next lead as soon as
   * the end is written and that claim's synced commit makes both durable; `own`, the
   * worker waits for the end's own synced commit (before ADR 050).
   */
  endSync?: EndSync;
}

/** An attempt's end as a worker hears it, and how it says its next claim is made. */
interface Ended {
  outcome: AttemptOutcome | null;
  claimed: () => void;
}

/** How an attempt's end is made durable (`StackOptions.endSync`). */
export type EndSync = 'lent' | 'own';
export const END_SYNCS: readonly EndSync[] = ['lent', 'own'];

/** Where an attempt's first journal entry is committed (`StackOptions.start`). */
export type FirstStepPlace = 'with-claim' | 'after-claim';
export const FIRST_STEP_PLACES: readonly FirstStepPlace[] = ['with-claim', 'after-claim'];

/** Everything one level runs on, built fresh. */
export interface Stack {
  dir: string;
  store: Store;
  journal: SqliteAttemptJournal;
  leads: LeadRepository;
  /** The simulator; absent when dialing through a real ARI. */
  sim: SimHost | null;
  /** Where the gateway dials: the simulator's or the given ARI. */
  ari: { url: string; user: string; password: string };
  gateway: AriGateway;
  runner: AttemptRunner;
  router: EventRouter;
}

export async function openStack(options: StackOptions): Promise<Stack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-bench-'));
  const store = openDatabase({
    path: path.join(dir, 'bench.db'),
    synchronous: options.synchronous,
    ...(options.checkpoints === undefined ? {} : { checkpoints: options.checkpoints }),
  });
  await migrateToLatest(store.db);
  const journal = createAttemptJournal(store, { walFsync: options.walFsync ?? 'when-slow' });
  await createCampaignRepository(store.db).insert(benchCampaign());
  const leads = createLeadRepository(store.db);
  const sim = options.ari
    ? null
    : await startSimHost(options.sim ?? 'inline', {
        user: SIM_USER,
        password: SIM_PASSWORD,
        timeScale: options.timeScale,
      });
  const ari = options.ari ?? { url: simUrl(sim), user: SIM_USER, password: SIM_PASSWORD };
  const log =
    options.log === 'info'
      ? createLogger('info', pino.destination('/dev/null'))
      : pino({ level: 'silent' });
  const gateway = createAriGateway({
    ...ari,
    app: APP,
    dialContext: 'from-internal',
    amdContext: 'aava-outbound-amd',
    clock: systemClock,
    log,
    restTransport: options.rest,
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
  return { dir, store, journal, leads, sim, ari, gateway, runner, router };
}

function simUrl(sim: SimHost | null): string {
  if (!sim) throw new Error('no simulator to dial');
  return sim.url;
}

export async function closeStack(stack: Stack): Promise<void> {
  stack.router.stop();
  await stack.runner.stop();
  await stack.gateway.close();
  await stack.sim?.stop();
  await stack.store.close();
  rmSync(stack.dir, { recursive: true, force: true });
}

/** Lead n's phone: its last two digits pick the far end. */
export function phoneOf(n: number, scenarios: readonly string[]): string {
  const scenario = scenarios[n % scenarios.length] as string;
  const { suffix } = FAR_ENDS[scenario] as { suffix: string };
  return `+1555${String(n).padStart(6, '0')}${suffix}`;
}

export async function insertLeads(
  stack: Pick<Stack, 'leads'>,
  from: number,
  to: number,
  scenarios: readonly string[],
) {
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

/** What is wrong with the originates the simulator saw for the first `claimed` attempts. */
function originateProblems(report: SimReport, first: number, claimed: number): string[] {
  const problems: string[] = [];
  const wrong = report.perAttempt.findIndex((c, i) => c !== (i < claimed ? 1 : 0));
  if (wrong !== -1) {
    problems.push(`att-${first + wrong} was originated ${report.perAttempt[wrong]} times`);
  }
  if (report.total !== claimed) problems.push(`${report.total} originates for ${claimed} attempts`);
  return problems;
}

/** One pass at a live level. */
export interface Pass {
  /** Number of the first lead; leads `first` to `first + leads - 1` are pending. */
  first: number;
  leads: number;
  live: number;
  /** Stops claiming once this much time passed (ms); the attempts claimed still end. */
  untilMs?: number;
  /** When to sample memory (ms from the start), if leads are still being claimed then. */
  sampleAtMs?: number[];
}

export interface PassResult {
  /** Attempts claimed, hence ended: leads `first` to `first + claimed - 1`. */
  claimed: number;
  /** Journaled events (transitions). */
  events: number;
  /** From the first claim to the last end. */
  ms: number;
  /**
   * CPU time this process used meanwhile (user and system, every thread): the inline
   * simulator's share included. Unlike the rate, it hardly depends on how busy the
   * machine is.
   */
  cpuMs: number;
  /** CPU time of the simulator's own process meanwhile; null when it is inline or absent. */
  simCpuMs: number | null;
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
export async function drive(stack: Stack, options: StackOptions, pass: Pass): Promise<PassResult> {
  const { runner, journal } = stack;
  const { first, leads, live } = pass;
  const times = new Float64Array(leads);
  const outcomes = new Map<string, number>();
  const problems: string[] = [];
  const samples: PassResult['samples'] = [];
  /** A worker waiting for its attempt's end; `claimed` says when its next claim is made. */
  const ending = new Map<string, (ended: Ended) => void>();
  let events = 0;
  let lastEnd = performance.now();
  const off = runner.onTransition((transition) => {
    events += 1;
    if (!transition.done) return;
    ending.get(transition.attemptId)?.({ outcome: transition.outcome, claimed: () => {} });
    ending.delete(transition.attemptId);
  });
  // As the scheduler does (ADR 050): the end, written, frees the worker at once, and its
  // sync waits for the worker's next claim.
  const offEnd =
    (options.endSync ?? 'lent') === 'lent'
      ? runner.onEndWritten((end) => {
          const finish = ending.get(end.attemptId);
          if (finish === undefined) return undefined;
          ending.delete(end.attemptId);
          const last = end.transitions[end.transitions.length - 1];
          return new Promise<void>((claimed) =>
            finish({ outcome: last?.outcome ?? null, claimed }),
          );
        })
      : () => {};
  const stall = setInterval(() => {
    if (performance.now() - lastEnd < STALL_MS) return;
    console.error(`no attempt ended for ${STALL_MS} ms; in the runner: ${runner.liveAttemptIds()}`);
    process.exit(1);
  }, 1000);

  // Against a real ARI the originates are counted in the journal only (checkEnded).
  await stack.sim?.mark();
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
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
    /**
     * Tells the end of the worker's previous attempt, when it lent its sync (ADR 050),
     * that the claim it waits for is made (or that none will be).
     */
    let claimed = () => {};
    try {
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
        const created = await journal.createAttempt(
          newBenchAttempt(input),
          options.start === 'after-claim' ? undefined : (stored) => planStart(stored, Date.now()),
        );
        claimed();
        claimed = () => {};
        if (!created.ok) throw new Error(`could not claim lead-${n}: ${created.reason}`);
        const ended = new Promise<Ended>((resolve) => ending.set(attemptId, resolve));
        if (created.first === undefined) await runner.start(created.attempt);
        else runner.startClaimed(created.attempt, created.first);
        const end = await ended;
        claimed = end.claimed;
        lastEnd = performance.now();
        times[i] = lastEnd - begin;
        const scenario = options.scenarios[n % options.scenarios.length] as string;
        const key = `${scenario} → ${end.outcome}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (end.outcome !== FAR_ENDS[scenario]?.outcome && problems.length < 10) {
          problems.push(`${attemptId} (${scenario}) ended ${end.outcome}`);
        }
      }
    } finally {
      claimed();
    }
  }
  await Promise.all(Array.from({ length: live }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  for (const sampler of samplers) clearTimeout(sampler);
  clearInterval(stall);
  await runner.settled();
  off();
  offEnd();
  const claimed = Math.min(next, leads);
  const seen = await stack.sim?.report(first, leads);
  if (seen) problems.push(...originateProblems(seen, first, claimed));
  return {
    claimed,
    events,
    ms,
    cpuMs,
    simCpuMs: seen?.cpuMs ?? null,
    times: times.subarray(0, claimed),
    outcomes,
    samples,
    problems,
  };
}

/** Checks the database and Asterisk agree that all `count` attempts are over. */
export async function checkEnded(stack: Stack, count: number): Promise<string[]> {
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

export const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use, right after a full collection when `gc` is exposed. */
export function collectedHeap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** RSS a moment from now: V8 hands the pages a collection freed back from another thread. */
export async function rssSoon(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return process.memoryUsage.rss();
}
