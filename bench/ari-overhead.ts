/**
 * What dialstate costs on top of ARI: the same calls made by a bare ari-client loop and
 * by dialstate, back to back in one process, against the same ARI.
 *
 *   npm run bench:ari-overhead -- [--live 1,10,50] [--attempts 1000] [--rounds 2]
 *     [--synchronous FULL|NORMAL] [--sim process|inline] [--wal-fsync when-slow,in-commit,thread-pool]
 *     [--log silent|info] [--start with-claim,after-claim] [--end-sync lent,own]
 *     [--base <checkout>]
 *     [--url http://pbx:8088 --user u --password p]
 *
 * Without `--url`, against the embedded simulator's congestion far end (a call that is
 * refused at once, so the rate is the callers', not the far end's). `--sim process` (the
 * default) runs the simulator in a child process of its own (bench/sim-host.ts), as a real
 * Asterisk is: this process is then dialstate and the bare loop alone, and the simulator's
 * CPU is measured apart; `--sim inline` runs it in this process, sharing its core with
 * both sides (every figure before 2026-12-06 15:30 UTC). With `--url`, against
 * a real Asterisk: both dial `Local/+1555NNNNNN09@from-internal` (the simulator's
 * congestion numbers, one per lead), so route that pattern to congestion there, e.g.
 * `exten => _+1555XXXXXX09,1,Congestion()` in `from-internal`; every attempt must end
 * `congestion`. dialstate's app is `dialstate` and the bare loop's `dialstate-bare`.
 *
 * `--log info` gives dialstate's side the server's logger at info (its lines to
 * /dev/null): a line per transition, a child logger per attempt; silent by default.
 *
 * `--wal-fsync` names how the journal's commits reach the disk: `when-slow` (the default,
 * as a server's `DIALSTATE_DB_WAL_SYNC=auto`, ADR 052: inside COMMIT while COMMITs are
 * quick, from libuv's thread pool while the disk is slow), `in-commit` (SQLite's fsync
 * inside COMMIT, on the event loop) or `thread-pool` (ADR 037). Given several, each gets a stack of its own (database file, simulator), and each round runs
 * the bare loop once, then each variant, every other round in the reverse order.
 *
 * `--base <checkout>` adds, beside each stack, one of another checkout of dialstate (its
 * own `bench/sim-stack.ts` and everything under it, e.g. `git worktree add --detach
 * <dir> <rev>` with a `node_modules` beside it): its dialstate passes alternate with
 * this checkout's in the same way, for an A/B of two builds in one invocation, against
 * the same bare loop. The `code` column says which build a row is.
 *
 * `--start` names where an attempt's `attempt.started` is committed (ADR 044): `with-claim`
 * (the default, as the server does) in its claim's transaction, one commit before the
 * originate; `after-claim` in a transaction of its own after the claim's, two in a row (as
 * before ADR 044). Given both, each gets a stack of its own like the `--wal-fsync` variants
 * (every pair of the two lists does), and they alternate in the same way.
 *
 * At each concurrency L, `--rounds` times in turn:
 * - *bare*: ari-client (`connect`, `start`), L loops each originating a call with the
 *   body dialstate sends (the first attempt's originate, replayed through dialstate's
 *   own call control with a recording REST stub, so endpoint, app arguments, caller id,
 *   timeout and variables are the same) and waiting for its `ChannelDestroyed`;
 * - *dialstate*: L workers claiming a lead, running its attempt through the runner,
 *   journal (SQLite, file, WAL) and gateway until it ends (bench/sim-stack.ts `drive`,
 *   which also checks every attempt's outcome and its single originate).
 * The ratio is dialstate's calls/s over the bare loop's, both measured in the same round.
 *
 * The database checkpoints its WAL from a thread of its own, as the server's does (ADR 033).
 *
 * Then, in the same round, the floor the journal sets: *commits alone*, L loops each
 * making, per attempt, as many transactions one after the other as a dialstate attempt
 * of that run journaled (its claim and each journaled event), each a ~400-byte insert,
 * through the same group-commit batcher on the same database file and `synchronous`.
 * An attempt's commits cannot overlap its own call (each event is durable before its
 * effects run), so at 1 in flight dialstate takes at least the bare call's time plus
 * its commits' time: `ceiling` = t(bare) / (t(bare) + t(commits alone)) is the best
 * ratio the journal leaves, before any CPU of dialstate's own. Since ADR 040 an
 * attempt's events waiting together share one commit, so the ceiling counts more
 * commits than a call waits for: *transactions/attempt* is what dialstate's pass
 * committed (each `COMMIT` on the connection, an fsync with SQLite's sync), per attempt;
 * at 1 in flight every one of them is on the call's path. Each side's CPU time per
 * call (`process.cpuUsage`; the simulator's included only when inline) is given too: on a
 * busy machine it says more than the rates. Each dialstate pass's window on the monotonic
 * clock is printed on stderr, for `bench/cpu-profile-layers.ts --window` on a profile taken
 * with `node --cpu-prof --import tsx bench/ari-overhead.ts …`.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from 'ari-client';
import { sql } from 'kysely';
import { createAriCallControl } from '../src/ari/ari-call-control.js';
import type { AriRest } from '../src/ari/ari-rest.js';
import { quietSwaggerDeprecationNotice } from '../src/ari/quiet-swagger.js';
import type { AttemptCommandParams } from '../src/machines/attempt-types.js';
import type { AttemptJournalOptions } from '../src/store/journal/attempt-journal.js';
import { SIM_PLACEMENTS, type SimPlacement } from './sim-host.js';
import * as thisKit from './sim-stack.js';
import {
  END_SYNCS,
  type EndSync,
  FIRST_STEP_PLACES,
  type FirstStepPlace,
  type openStack,
  type StackOptions,
} from './sim-stack.js';

const BARE_APP = 'dialstate-bare';

type WalFsync = NonNullable<AttemptJournalOptions['walFsync']>;

const { values } = parseArgs({
  options: {
    live: { type: 'string', default: '1,10,50' },
    attempts: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '2' },
    synchronous: { type: 'string', default: 'FULL' },
    sim: { type: 'string', default: 'process' },
    'wal-fsync': { type: 'string', default: 'when-slow' },
    start: { type: 'string', default: 'with-claim' },
    'end-sync': { type: 'string', default: 'lent' },
    log: { type: 'string', default: 'silent' },
    url: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    base: { type: 'string' },
  },
});
const levels = (values.live ?? '').split(',').map(Number);
const attempts = Number(values.attempts);
const rounds = Number(values.rounds);
const synchronous = values.synchronous?.toUpperCase();
if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
  throw new Error(`--synchronous must be FULL or NORMAL, not ${values.synchronous}`);
}
const sim = values.sim as SimPlacement;
if (!SIM_PLACEMENTS.includes(sim)) throw new Error(`--sim takes inline or process, not ${sim}`);
const log = values.log;
if (log !== 'silent' && log !== 'info') throw new Error(`--log takes silent or info, not ${log}`);
const walFsyncs = (values['wal-fsync'] ?? '').split(',') as WalFsync[];
for (const walFsync of walFsyncs) {
  if (walFsync !== 'when-slow' && walFsync !== 'thread-pool' && walFsync !== 'in-commit') {
    throw new Error(`--wal-fsync takes when-slow, in-commit or thread-pool, not ${walFsync}`);
  }
}
const starts = (values.start ?? '').split(',') as FirstStepPlace[];
for (const start of starts) {
  if (!FIRST_STEP_PLACES.includes(start)) {
    throw new Error(`--start takes ${FIRST_STEP_PLACES.join(' or ')}, not ${start}`);
  }
}
const endSyncs = (values['end-sync'] ?? '').split(',') as EndSync[];
for (const endSync of endSyncs) {
  if (!END_SYNCS.includes(endSync)) {
    throw new Error(`--end-sync takes ${END_SYNCS.join(' or ')}, not ${endSync}`);
  }
}
if (values.url && walFsyncs.length * starts.length * endSyncs.length > 1) {
  throw new Error(
    '--url takes one --wal-fsync, one --start and one --end-sync: the stacks would use the same Stasis app',
  );
}
if (values.url && values.base) {
  throw new Error('--url takes no --base: the stacks would use the same Stasis app');
}
if (values.url && !(values.user && values.password)) {
  throw new Error('--url needs --user and --password');
}

const options: StackOptions = {
  synchronous,
  timeScale: 0,
  scenarios: ['congestion'],
  rest: 'pool',
  sim,
  // As the server does (ADR 033): no checkpoint inside a journal commit.
  checkpoints: 'background',
  log,
  ari: values.url
    ? { url: values.url, user: values.user ?? '', password: values.password ?? '' }
    : undefined,
};

/** The REST parameters dialstate's call control sends for an originate command. */
async function originateBody(command: AttemptCommandParams['originate']) {
  let captured: Record<string, unknown> = {};
  const recording: AriRest = {
    async call(_resource, _operation, params) {
      captured = params ?? {};
      return undefined;
    },
  };
  const control = createAriCallControl(recording, {
    app: BARE_APP,
    dialContext: 'from-internal',
    amdContext: 'aava-outbound-amd',
  });
  await control.originate(command);
  return captured;
}

/** The originate command of the journal's first attempt. */
async function firstOriginate(
  stack: Awaited<ReturnType<typeof openStack>>,
): Promise<AttemptCommandParams['originate']> {
  const { rows } = await sql<{ commands: string }>`select commands from attempt_event
    where commands like '%"originate"%' order by rowid limit 1`.execute(stack.store.db);
  const commands = JSON.parse(rows[0]?.commands ?? '[]') as {
    type: string;
    params: AttemptCommandParams['originate'];
  }[];
  const originate = commands.find((command) => command.type === 'originate');
  if (!originate) throw new Error('no originate journaled');
  return originate.params;
}

/**
 * Commits per attempt in the journal: each journaled event, plus the claim unless the
 * claim's transaction holds the first event (`--start with-claim`).
 */
async function commitsPerAttempt(
  stack: Awaited<ReturnType<typeof openStack>>,
  start: FirstStepPlace,
): Promise<number> {
  const { rows } = await sql<{ events: number; attempts: number }>`select
    (select count(*) from attempt_event) as events,
    (select count(*) from attempt) as attempts`.execute(stack.store.db);
  const row = rows[0];
  if (!row || row.attempts === 0) throw new Error('no attempt journaled');
  return row.events / row.attempts + (start === 'with-claim' ? 0 : 1);
}

/**
 * Counts the transactions committed on the stack's connection until `stop()`: every
 * group-commit batch ends in the prepared `commit`. With SQLite's sync inside COMMIT,
 * each is an fsync of the WAL on the event loop.
 */
function countCommits(stack: Awaited<ReturnType<typeof openStack>>): {
  stop(): { commits: number; synced: number };
} {
  const { store } = stack;
  const prepare = store.prepare;
  let commits = 0;
  let synced = 0;
  // The batcher sets NORMAL around a commit it makes without its fsync (ADR 037, 050).
  let unsynced = false;
  store.prepare = (text) => {
    if (text === 'pragma synchronous = NORMAL') unsynced = true;
    else if (text === 'pragma synchronous = FULL') unsynced = false;
    else if (text === 'commit') {
      commits += 1;
      if (!unsynced) synced += 1;
    }
    return prepare(text);
  };
  return {
    stop() {
      store.prepare = prepare;
      return { commits, synced };
    },
  };
}

const FLOOR_ROW = 'x'.repeat(400);

/** The simulator's CPU per call, or where it is counted when it shares this process. */
function simCpu(ms: number | null): string {
  return ms === null ? '(in this process)' : ms.toFixed(3);
}

/**
 * `attempts` attempts' worth of commits alone (`commits` each, in turn), `live` loops at
 * once, through the journal's batcher; attempts per second.
 */
async function commitsAloneRun(
  stack: Awaited<ReturnType<typeof openStack>>,
  attempts: number,
  commits: number,
  live: number,
): Promise<number> {
  let next = 0;
  const whole = Math.floor(commits);
  // A fractional mean (some attempts journal an event more): that many make one more.
  const withOneMore = Math.round(attempts * (commits - whole));
  const t0 = performance.now();
  async function loop(): Promise<void> {
    while (next < attempts) {
      const n = next++;
      const mine = n < withOneMore ? whole + 1 : whole;
      for (let i = 0; i < mine; i += 1) {
        await stack.journal.transact((prepare) =>
          prepare('insert into bench_commit_floor (body) values (?)').run([FLOOR_ROW]),
        );
      }
    }
  }
  await Promise.all(Array.from({ length: live }, loop));
  return attempts / ((performance.now() - t0) / 1000);
}

/**
 * `calls` calls with `live` in flight through a bare ari-client: calls per second, this
 * process's CPU per call and, when it runs apart, the simulator's.
 */
async function bareRun(
  stack: Awaited<ReturnType<typeof openStack>>,
  client: Awaited<ReturnType<typeof connect>>,
  waiting: Map<string, () => void>,
  body: Record<string, unknown>,
  calls: number,
  live: number,
  tag: string,
): Promise<{ rate: number; cpuMsPerCall: number; simCpuMsPerCall: number | null }> {
  let next = 0;
  await stack.sim?.mark();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  async function loop(): Promise<void> {
    while (next < calls) {
      const channelId = `bare-${tag}-${next++}`;
      const ended = new Promise<void>((resolve) => waiting.set(channelId, resolve));
      await client.channels.originate({
        ...body,
        channelId,
        otherChannelId: `${channelId};2`,
      } as Parameters<typeof client.channels.originate>[0]);
      await ended;
    }
  }
  await Promise.all(Array.from({ length: live }, loop));
  const cpu = process.cpuUsage(cpu0);
  const rate = calls / ((performance.now() - t0) / 1000);
  const simCpuMs = (await stack.sim?.report(0, 0))?.cpuMs ?? null;
  return {
    rate,
    cpuMsPerCall: (cpu.user + cpu.system) / 1000 / calls,
    simCpuMsPerCall: simCpuMs === null ? null : simCpuMs / calls,
  };
}

/** The stack functions of a build: this checkout's, or `--base`'s (the same API). */
type Kit = Pick<typeof thisKit, 'openStack' | 'closeStack' | 'insertLeads' | 'drive'>;
const kits: { code: string; kit: Kit }[] = [{ code: 'this', kit: thisKit }];
if (values.base) {
  const url = pathToFileURL(path.resolve(values.base, 'bench/sim-stack.ts')).href;
  kits.unshift({ code: 'base', kit: (await import(url)) as Kit });
}

quietSwaggerDeprecationNotice();
const loadBefore = os.loadavg().map((n) => n.toFixed(2));
/**
 * One dialstate stack per variant (each `--wal-fsync` with each `--start`, of each build),
 * each on its own database and simulator.
 */
const stacks = await Promise.all(
  walFsyncs
    .flatMap((walFsync) => starts.map((start) => ({ walFsync, start })))
    .flatMap((variant) => endSyncs.map((endSync) => ({ ...variant, endSync })))
    .flatMap((variant) => kits.map((build) => ({ ...variant, ...build })))
    .map(async ({ walFsync, start, endSync, code, kit }) => {
      const own: StackOptions = { ...options, walFsync, start, endSync };
      return { walFsync, start, endSync, code, kit, own, stack: await kit.openStack(own) };
    }),
);
const rows: string[] = [];
try {
  // Leads for every dialstate pass, plus a first attempt whose originate the bare loop copies.
  const perLevel = attempts * rounds;
  for (const { stack, own, kit } of stacks) {
    await kit.insertLeads(stack, 0, 1 + perLevel * levels.length, options.scenarios);
    const warm = await kit.drive(stack, own, { first: 0, leads: 1, live: 1 });
    if (warm.problems.length > 0) throw new Error(warm.problems.join('\n'));
    await sql`create table bench_commit_floor (id integer primary key, body text not null)`.execute(
      stack.store.db,
    );
  }
  // The bare loop dials the first variant's simulator (any other is the same program).
  const bareStack = (stacks[0] as (typeof stacks)[number]).stack;
  const body = await originateBody(await firstOriginate(bareStack));

  const client = await connect(bareStack.ari.url, bareStack.ari.user, bareStack.ari.password);
  const waiting = new Map<string, () => void>();
  client.on('ChannelDestroyed', (event: { channel?: { id?: string } }) => {
    const id = event.channel?.id ?? '';
    waiting.get(id)?.();
    waiting.delete(id);
  });
  await new Promise<void>((resolve, reject) =>
    client.start(BARE_APP, (error: unknown) => (error ? reject(error) : resolve())),
  );
  // ari-client's start() calls back once the websocket is open; its first calls warm up too.
  await bareRun(bareStack, client, waiting, body, 20, 1, 'warm');

  let first = 1;
  for (const live of levels) {
    for (let round = 1; round <= rounds; round += 1) {
      const {
        rate: bare,
        cpuMsPerCall: bareCpu,
        simCpuMsPerCall: bareSimCpu,
      } = await bareRun(bareStack, client, waiting, body, attempts, live, `${live}-${round}`);
      // Every other round the variants run in the reverse order: neither always goes first.
      const order = round % 2 === 1 ? stacks : [...stacks].reverse();
      for (const { walFsync, start, endSync, code, kit, own, stack } of order) {
        const windowFrom = process.hrtime.bigint() / 1000n;
        const counting = countCommits(stack);
        const run = await kit.drive(stack, own, { first, leads: attempts, live });
        const counted = counting.stop();
        const transactions = counted.commits / run.claimed;
        const synced = counted.synced / run.claimed;
        // For bench/cpu-profile-layers.ts --window: dialstate's pass, in the profile's clock.
        console.error(
          `live ${live} round ${round} ${code} ${walFsync} ${start} ${endSync} dialstate window (µs): ${windowFrom}:${process.hrtime.bigint() / 1000n}`,
        );
        if (run.problems.length > 0) throw new Error(`live ${live}:\n${run.problems.join('\n')}`);
        const ours = run.claimed / (run.ms / 1000);
        const commits = await commitsPerAttempt(stack, start);
        const alone = await commitsAloneRun(stack, attempts, commits, live);
        const ceiling = 1 / bare / (1 / bare + 1 / alone);
        rows.push(
          `| ${live} | ${round} | ${code} | ${walFsync} | ${start} | ${endSync} | ${attempts} | ${Math.round(bare)} | ${Math.round(ours)} | ${(ours / bare).toFixed(2)} | ${bareCpu.toFixed(3)} | ${(run.cpuMs / run.claimed).toFixed(3)} | ${simCpu(bareSimCpu)} | ${simCpu(run.simCpuMs === null ? null : run.simCpuMs / run.claimed)} | ${commits.toFixed(1)} | ${transactions.toFixed(2)} | ${synced.toFixed(2)} | ${Math.round(alone)} | ${ceiling.toFixed(2)} |`,
        );
        console.error(rows.at(-1));
      }
      first += attempts;
    }
  }
  client.stop();
} finally {
  for (const { stack, kit } of stacks) await kit.closeStack(stack);
}

const cpus = os.cpus();
console.log(
  `dialstate vs a bare ari-client loop, ${values.url ? `ARI at ${values.url}` : `simulator (${sim === 'process' ? 'a process of its own' : 'in this process'}), congestion far end`}; ` +
    `node ${process.version}, ${cpus.length} cores, ${cpus[0]?.model ?? ''}, synchronous=${synchronous}, log ${log}; ` +
    `load average ${loadBefore.join(' ')} before, ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} after`,
);
console.log(
  '| in flight | round | code | WAL fsync | attempt.started | end sync | calls | bare calls/s | dialstate calls/s | dialstate ÷ bare | bare CPU ms/call | dialstate CPU ms/call | simulator CPU ms/call, bare | simulator CPU ms/call, dialstate | commits/attempt | transactions/attempt | synced/attempt | commits alone, attempts/s | ceiling ÷ bare |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
