/**
 * Importing a million leads into a live dialer, the way users do: the CSV comes from the
 * shared generator (`gen_leads.py`: name, phone_number, timezone, custom_vars as JSON;
 * 1 % repeated numbers, 0.5 % bad rows), the campaign is created through the API (a real
 * UUID id), and the file is uploaded to `POST /api/campaigns/{id}/leads/import` of a
 * running `startDialstate` (embedded simulator, synchronous=FULL) while another campaign
 * is dialing through the simulator.
 *
 *   npm run bench:import -- [--rows 1000000] [--calls 20] [--floor] [--checkpoints background|automatic] [--wal-sync auto|commit|thread-pool]
 *     [--sim process|inline] [--pace stress|real]
 *
 * `--pace` is how the other campaign's calls go: `stress` (the default) numbers the
 * simulator answers busy, its time running 20× fast, so that 100 live calls end some
 * hundreds a second and keep the event loop near a full core; `real` people who answer
 * after 1 s, pass AMD as HUMAN in about 3 s and talk 5 s with the AI agent the call is
 * handed to, in real time: what 100 live calls of a campaign are.
 *
 * Reported: file → committed time (upload start until the import is `completed`), the
 * import's own start-to-finish, the dialer's process's CPU time meanwhile (every thread:
 * the merge's, ADR 039, and the file reader's), the process's peak RSS (before the import and at the
 * end), the event-loop delay during the import (p99 / max), `/health` latency polled
 * every 100 ms during it (p99 / max), the calls ended meanwhile, and the longest merge
 * slice. `--floor` also times raw better-sqlite3 inserts of the same rows into a
 * migrated lead table (prepared statement, 50,000 rows a transaction): what SQLite alone
 * costs for these rows and indexes.
 *
 * `--sim` places the simulated PBX: `process` (the default) in a child process reached
 * over loopback, as a real Asterisk on its own host is; `inline` the embedded simulator
 * in the server's own process, sharing its event loop and heap. Every loop turn over
 * 50 ms during the import is listed with the GC pauses inside it and its window on the
 * monotonic clock: run under `node --cpu-prof --import tsx bench/import.ts …` and give
 * the windows to bench/stall-profile.ts to see what ran in each.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { Campaign } from '../src/campaign/campaign.js';
import { loadConfig } from '../src/config.js';
import { startDialstate } from '../src/main.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createLeadRepository } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { benchCampaign, benchLead } from './bench-fixtures.js';
import { describeStalls, recordLoopStalls } from './loop-stalls.js';
import { SIM_PLACEMENTS, type SimPlacement, startSimHost } from './sim-host.js';
import { SIM_PASSWORD, SIM_USER } from './sim-stack.js';

const GENERATOR = '/work/shared/bench/gen_leads.py';
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    calls: { type: 'string', default: '20' },
    floor: { type: 'boolean', default: false },
    // DIALSTATE_DB_CHECKPOINTS: the WAL checkpointed by a thread (the default) or by the
    // commit that fills it, as before ADR 033.
    checkpoints: { type: 'string', default: 'background' },
    // Who syncs the journal's commits (DIALSTATE_DB_WAL_SYNC, ADR 037, 052); the
    // server's default when not given.
    'wal-sync': { type: 'string' },
    generator: { type: 'string', default: GENERATOR },
    sim: { type: 'string', default: 'process' },
    pace: { type: 'string', default: 'stress' },
  },
});
const PACES = {
  stress: { timeScale: 0.05, suffix: '07' },
  real: { timeScale: 1, suffix: '01' },
} as const;
if (values.pace !== 'stress' && values.pace !== 'real') {
  throw new Error(`--pace takes stress or real, not ${values.pace}`);
}
const pace = PACES[values.pace];
const placement = values.sim as SimPlacement;
if (!SIM_PLACEMENTS.includes(placement))
  throw new Error(`--sim takes inline or process, not ${values.sim}`);
const rowCount = Number(values.rows);
const liveCalls = Number(values.calls);
const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-import-'));
const csvPath = path.join(dir, 'leads.csv');
execFileSync('python3', [values.generator, String(rowCount), csvPath, '--seed', '7']);
const bytes = statSync(csvPath).size;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const SIM_TIME_SCALE = pace.timeScale;
const sim =
  placement === 'process'
    ? await startSimHost('process', {
        user: SIM_USER,
        password: SIM_PASSWORD,
        timeScale: SIM_TIME_SCALE,
      })
    : null;
const config = {
  ...loadConfig({
    ...(sim === null
      ? {}
      : {
          DIALSTATE_ARI_URL: sim.url,
          DIALSTATE_ARI_USER: SIM_USER,
          DIALSTATE_ARI_PASSWORD: SIM_PASSWORD,
        }),
    DIALSTATE_DATA_DIR: dir,
    DIALSTATE_LOG_LEVEL: 'warn',
    DIALSTATE_HTTP_PORT: '0',
    DIALSTATE_MAX_CHANNELS: String(Math.max(liveCalls, 10)),
    DIALSTATE_DB_CHECKPOINTS: values.checkpoints,
    ...(values['wal-sync'] === undefined ? {} : { DIALSTATE_DB_WAL_SYNC: values['wal-sync'] }),
  }),
  simTimeScale: SIM_TIME_SCALE,
};

// The dialing campaign: at `stress` pace numbers the simulator answers busy, a call every
// few ms; at `real` pace people who answer and are handed to the AI agent.
const setup = openDatabase({ path: config.db.path });
await migrateToLatest(setup.db);
const dialing: Campaign = {
  ...benchCampaign(),
  id: 'dialing-campaign',
  status: 'draft',
  maxConcurrent: liveCalls,
  minIntervalMs: 0,
  consent: { enabled: false, recordingId: null, timeoutSec: 8 },
  voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
  retry: { maxAttempts: 1, retryAfterMinutes: {} },
};
await createCampaignRepository(setup.db).insert(dialing);
const callLeads = Array.from({ length: 200_000 }, (_, n) =>
  benchLead(`call-${n}`, dialing.id, `+1555${String(n).padStart(6, '0')}${pace.suffix}`, n),
);
for (let i = 0; i < callLeads.length; i += 20_000) {
  const inserted = await createLeadRepository(setup.db).insert(callLeads.slice(i, i + 20_000));
  if (!inserted.ok) throw new Error(`lead insert failed: ${inserted.reason}`);
}
await setup.close();

const dialstate = await startDialstate(config, pino({ level: 'warn' }));
const api = dialstate.httpUrl;
const reader = openDatabase({ path: config.db.path });
const endedCalls = async () =>
  (
    await reader.db
      .selectFrom('attempt')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('done', '=', 1)
      .executeTakeFirstOrThrow()
  ).n;

async function createCampaign(name: string): Promise<string> {
  const created = await fetch(`${api}/api/campaigns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, timezone: 'America/New_York' }),
  });
  const id = ((await created.json()) as { id: string }).id;
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`campaign id ${id}`);
  return id;
}
const campaignId = await createCampaign('Imported');

// The process's first import loads and compiles what every later one reuses (the phone
// number metadata and patterns, the CSV reader): a small file first, its stall apart.
const warmDelay = monitorEventLoopDelay({ resolution: 10 });
warmDelay.enable();
const warm = await fetch(
  `${api}/api/campaigns/${await createCampaign('Warm-up')}/leads/import?fileName=warm.csv`,
  {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: readFileSync(csvPath, 'utf8').split('\n').slice(0, 101).join('\n'),
  },
);
if (!warm.ok) throw new Error(`warm-up import answered ${warm.status}`);
warmDelay.disable();

const started = await dialstate.control.start(dialing.id);
if (!started.ok) throw new Error(`dialing campaign did not start: ${JSON.stringify(started)}`);
await new Promise((resolve) => setTimeout(resolve, 2000));
const load = readFileSync('/proc/loadavg', 'utf8').trim();
let peakRss = process.memoryUsage().rss;

/** Polls `/health` every 100 ms until `stop` resolves; the latencies, sorted. */
async function pollHealth(stop: Promise<void>): Promise<number[]> {
  let going = true;
  void stop.then(() => {
    going = false;
  });
  const latencies: number[] = [];
  while (going) {
    const t0 = performance.now();
    await (await fetch(`${api}/health`)).arrayBuffer();
    latencies.push(performance.now() - t0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return latencies.sort((a, b) => a - b);
}

// The same measures for 10 s of calls alone, to set the import's figures against.
const baseDelay = monitorEventLoopDelay({ resolution: 10 });
baseDelay.enable();
const baseCalls = await endedCalls();
const baseHealth = await pollHealth(new Promise((resolve) => setTimeout(resolve, 10_000)));
baseDelay.disable();
const baseCallsPerSecond = ((await endedCalls()) - baseCalls) / 10;
const rssBefore = process.memoryUsage().rss;
peakRss = rssBefore;
const callsBefore = await endedCalls();

const delay = monitorEventLoopDelay({ resolution: 10 });
let imported: () => void = () => undefined;
const importDone = new Promise<void>((resolve) => {
  imported = resolve;
});
const healthPoller = pollHealth(importDone);

delay.enable();
const stalls = recordLoopStalls(50);
stalls.label('reading');
const began = performance.now();
// The dialer's process, every thread of it (the merge's own, ADR 039, the file reader's).
const cpuBefore = process.cpuUsage();
const upload = await fetch(`${api}/api/campaigns/${campaignId}/leads/import?fileName=leads.csv`, {
  method: 'POST',
  headers: { 'content-type': 'text/csv', 'content-length': String(bytes) },
  body: Readable.toWeb(createReadStream(csvPath)) as ReadableStream,
  duplex: 'half',
} as RequestInit);
const accepted = (await upload.json()) as { importId?: string; statusUrl?: string };
if (upload.status !== 202 || accepted.statusUrl === undefined) {
  throw new Error(`upload answered ${upload.status}: ${JSON.stringify(accepted)}`);
}
interface ImportView {
  status: string;
  phase: string;
  counts: { totalRows: number; accepted: number; duplicates: number; rejected: number };
  startedAt: number;
  finishedAt: number | null;
}
let view: ImportView;
let mergeBegan: number | null = null;
for (;;) {
  view = (await (await fetch(`${api}${accepted.statusUrl}`)).json()) as ImportView;
  if (view.phase === 'merging' && mergeBegan === null) {
    mergeBegan = performance.now();
    stalls.label('merging');
  }
  if (view.status !== 'running') break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const committedAt = performance.now();
const cpu = process.cpuUsage(cpuBefore);
const fileToCommitted = (committedAt - began) / 1000;
delay.disable();
const recorded = stalls.stop();
imported();
const health = await healthPoller;
const callsDuring = (await endedCalls()) - callsBefore;
if (view.status !== 'completed') throw new Error(`import ${JSON.stringify(view)}`);
const leadsStored = (
  await reader.db
    .selectFrom('lead')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow()
).n;

console.log(
  `import, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, ` +
    `${rowCount} rows, ${(bytes / 1e6).toFixed(1)} MB, checkpoints ${values.checkpoints}, WAL sync ${config.db.walSync}, simulator ${placement}, pace ${values.pace}, ` +
    `loadavg at start ${load}`,
);
const ms = (ns: number) => (ns / 1e6).toFixed(0);
console.log(
  `first import of the process (100 rows): event loop max ${(warmDelay.max / 1e6).toFixed(0)} ms`,
);
console.log(
  `calls alone (10 s): event loop p99 / max ${ms(baseDelay.percentile(99))} / ${ms(baseDelay.max)} ms, ` +
    `/health p99 / max ${percentile(baseHealth, 99).toFixed(0)} / ${(baseHealth.at(-1) ?? 0).toFixed(0)} ms, ` +
    `${baseCallsPerSecond.toFixed(0)} calls ended/s`,
);
console.log(
  '| rows | file → committed s | of which merging s | import s | CPU s, all threads | peak RSS MB (before) | event loop p99 / max ms | /health p99 / max ms | calls ended/s during | leads | accepted / duplicates / rejected |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
const { counts } = view;
console.log(
  `| ${counts.totalRows} | ${fileToCommitted.toFixed(2)} | ` +
    `${mergeBegan === null ? '–' : ((committedAt - mergeBegan) / 1000).toFixed(2)} | ` +
    `${(((view.finishedAt ?? 0) - view.startedAt) / 1000).toFixed(2)} | ` +
    `${((cpu.user + cpu.system) / 1e6).toFixed(1)} | ` +
    `${(peakRss / 1e6).toFixed(0)} (${(rssBefore / 1e6).toFixed(0)}) | ` +
    `${ms(delay.percentile(99))} / ${ms(delay.max)} | ` +
    `${percentile(health, 99).toFixed(0)} / ${(health.at(-1) ?? 0).toFixed(0)} | ` +
    `${(callsDuring / fileToCommitted).toFixed(0)} | ${leadsStored} | ` +
    `${counts.accepted} / ${counts.duplicates} / ${counts.rejected} |`,
);
for (const line of describeStalls(recorded)) console.log(line);
// What the other campaign's calls came to: at `real` pace, people handed to the AI agent.
const outcomes = await reader.db
  .selectFrom('attempt')
  .select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
  .where('done', '=', 1)
  .groupBy('outcome')
  .execute();
console.log(
  `calls ended, by outcome: ${outcomes.map(({ outcome, n }) => `${outcome} ${n}`).join(', ')}`,
);
console.log(`loadavg at end ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
await reader.close();
await dialstate.stop();
await sim?.stop();

if (values.floor) {
  // SQLite alone: the same rows (as the import stores them) into a fresh lead table.
  const floorDb = path.join(dir, 'floor.db');
  const store = openDatabase({ path: floorDb });
  await migrateToLatest(store.db);
  await createCampaignRepository(store.db).insert({ ...benchCampaign(), id: campaignId });
  const lines = readFileSync(csvPath, 'utf8').split('\n').slice(1, -1);
  const seen = new Set<string>();
  const rows: unknown[][] = [];
  for (const [n, line] of lines.entries()) {
    const [name, phone, timezone] = line.split(',', 3);
    if (!phone || !/^\+1\d{10}$/.test(phone) || seen.has(phone)) continue;
    seen.add(phone);
    const vars = line.slice(line.indexOf('"') + 1, -1).replaceAll('""', '"');
    rows.push([`imp-${String(n).padStart(8, '0')}`, campaignId, phone, name, timezone, vars, n]);
  }
  const t0 = performance.now();
  await store.db.connection().execute(async () => {
    const insert = store.prepare(
      `insert into lead (id, campaign_id, phone, name, timezone, custom_vars, state, import_id,
         import_seq, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 'pending', null, ?, 0, 0)`,
    );
    for (let i = 0; i < rows.length; i += 50_000) {
      store.prepare('begin').run([]);
      for (const row of rows.slice(i, i + 50_000)) insert.run(row);
      store.prepare('commit').run([]);
    }
  });
  console.log(
    `floor: ${rows.length} rows inserted raw in ${((performance.now() - t0) / 1000).toFixed(2)} s ` +
      `(${(statSync(floorDb).size / 1e6).toFixed(0)} MB db before checkpoint)`,
  );
  await store.close();
}
rmSync(dir, { recursive: true, force: true });
