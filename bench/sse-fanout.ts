/**
 * Live viewers must not slow the calls: a campaign against the embedded simulator
 * (everything `dialstate serve` runs, through `startDialstate`) with 0, 1, 200 and 1,000
 * clients on `/api/events`, the clients in a process of their own (bench/sse-clients.ts).
 *
 *   NODE_OPTIONS=--expose-gc npm run bench:sse-fanout -- [--leads 3000]
 *     [--clients 0,1,200,1000] [--repeat 3]
 *
 * Each run starts afresh (new database, new process state for the engine) with the
 * same leads: far ends that take no scenario time (busy, congestion, invalid number at
 * time scale 0, as in bench/campaign-run.ts), one attempt each, 100 at once. Measured:
 * the campaign's attempts/s from Start until it completes by itself, beside the run
 * with no client; the delivery lag of `attempt` events (p50/p99, on 20 of the
 * clients), beside the same lag up to the journal commit; the server's CPU time per
 * attempt (which, unlike attempts/s, does not depend on what else runs on the machine);
 * resets sent to clients; and the server's RSS and JS heap with the clients connected
 * before the campaign, at its peak, and after the clients have left.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { Campaign } from '../src/campaign/campaign.js';
import { loadConfig } from '../src/config.js';
import { startDialstate } from '../src/main.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createLeadRepository, type NewLead } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/sqlite/db.js';
import { benchCampaign } from './bench-fixtures.js';

const { values } = parseArgs({
  options: {
    leads: { type: 'string', default: '3000' },
    clients: { type: 'string', default: '0,1,200,1000' },
    repeat: { type: 'string', default: '3' },
  },
});
const leadCount = Number(values.leads);
const clientCounts = values.clients.split(',').map(Number);
const SUFFIXES = ['07', '09', '10'];
const MB = 2 ** 20;

interface ClientStats {
  lags: number[];
  /** Events read by the sampled clients; bytes read by all. */
  events: number;
  bytes: number;
  sampledClients: number;
  resets: number;
  /** CPU time of the clients' process (ms). */
  cpuMs: number;
}

async function seed(dbPath: string): Promise<Campaign> {
  const setup = openDatabase({ path: dbPath, synchronous: 'NORMAL' });
  await migrateToLatest(setup.db);
  const campaign: Campaign = {
    ...benchCampaign(),
    status: 'draft',
    consent: { enabled: false, recordingId: null, timeoutSec: 8 },
    voicemail: { enabled: false, recordingId: null, greetingMaxWaitSec: 20 },
    retry: { maxAttempts: 1, retryAfterMinutes: {} },
  };
  await createCampaignRepository(setup.db).insert(campaign);
  const leads: NewLead[] = Array.from({ length: leadCount }, (_, i) => ({
    id: `lead-${i}`,
    campaignId: campaign.id,
    phone: `+1555${String(i).padStart(6, '0')}${SUFFIXES[i % SUFFIXES.length]}`,
    name: null,
    timezone: null,
    callerId: null,
    customVars: {},
    importId: null,
    importSeq: i,
    createdAt: 0,
  }));
  const inserted = await createLeadRepository(setup.db).insert(leads);
  if (!inserted.ok) throw new Error(`lead insert failed: ${inserted.reason}`);
  await setup.close();
  return campaign;
}

/** RSS and the JS heap in use, after a full collection. */
function settleMemory(): Promise<{ rss: number; heap: number }> {
  globalThis.gc?.();
  return new Promise((resolve) =>
    setTimeout(() => {
      globalThis.gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      resolve({ rss, heap: heapUsed });
    }, 1_000),
  );
}

function startClients(url: string, count: number): Promise<ChildProcess> {
  // The same 20 sampled (parsing) clients whatever the count, the rest only count bytes:
  // the clients share the machine with the server, and must cost it as little as they can.
  const sampleEvery = Math.max(1, Math.floor(count / 20));
  const child = fork(
    path.join(import.meta.dirname, 'sse-clients.ts'),
    [url, String(count), String(sampleEvery)],
    { execArgv: ['--import', 'tsx'] },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') resolve(child);
    });
  });
}

function stopClients(child: ChildProcess): Promise<ClientStats> {
  return new Promise((resolve) => {
    child.on('message', (m: { type: string } & ClientStats) => {
      if (m.type === 'stats') resolve(m);
    });
    child.send({ type: 'stop' });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function run(clients: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-sse-fanout-'));
  const config = {
    ...loadConfig({
      DIALSTATE_DATA_DIR: dir,
      DIALSTATE_DB_SYNCHRONOUS: 'NORMAL',
      DIALSTATE_MAX_CHANNELS: '100',
      DIALSTATE_HTTP_PORT: '0',
      // Originates that time out on a loaded machine must not pause the campaign.
      DIALSTATE_CIRCUIT_BREAKER_FAILURES: '1000',
    }),
    simTimeScale: 0,
  };
  const campaign = await seed(config.db.path);
  const dialstate = await startDialstate(config, pino({ level: 'error' }));
  const reader = openDatabase({ path: config.db.path });
  const child = await startClients(dialstate.httpUrl, clients);
  const connected = await settleMemory();
  let peakRss = connected.rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);

  // The same lag up to the journal commit, in the server: what the fan-out adds is the rest.
  const commitLags: number[] = [];
  const unfollow = dialstate.runner.onTransition((t) => {
    if (t.event.type !== 'attempt.started') commitLags.push(Date.now() - t.event.at);
  });
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const result = await dialstate.control.start(campaign.id);
  if (!result.ok) throw new Error(`campaign did not start: ${JSON.stringify(result)}`);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const row = await reader.db
      .selectFrom('campaign')
      .select(['status', 'status_reason'])
      .where('id', '=', campaign.id)
      .executeTakeFirstOrThrow();
    if (row.status === 'completed') break;
    if (row.status !== 'running') {
      throw new Error(`campaign went ${row.status}: ${row.status_reason ?? ''}`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  unfollow();
  clearInterval(sampler);
  // The last events (counters after the end) reach the clients before they leave.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const stats = await stopClients(child);
  const after = await settleMemory();
  await reader.close();
  await dialstate.stop();
  rmSync(dir, { recursive: true, force: true });
  const lags = [...stats.lags].sort((a, b) => a - b);
  commitLags.sort((a, b) => a - b);
  return {
    clients,
    seconds,
    perSecond: leadCount / seconds,
    // CPU time per attempt does not depend on how much of the machine others leave us.
    cpuMsPerAttempt: (cpu.user + cpu.system) / 1_000 / leadCount,
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    commitLagP50: percentile(commitLags, 50),
    commitLagP99: percentile(commitLags, 99),
    eventsPerClient: stats.sampledClients === 0 ? 0 : stats.events / stats.sampledClients,
    mbPerClient: clients === 0 ? 0 : stats.bytes / clients / MB,
    resets: stats.resets,
    clientCpuMs: stats.cpuMs,
    connected,
    peakRss,
    after,
  };
}

type Result = Awaited<ReturnType<typeof run>>;
// Rounds of every client count in turn: on a shared machine the load drifts, and
// interleaving spreads the drift over all of them; each figure is the median run.
const runs = new Map<number, Result[]>(clientCounts.map((c) => [c, []]));
for (let round = 0; round < Number(values.repeat); round += 1) {
  for (const clients of clientCounts) {
    runs.get(clients)?.push(await run(clients));
    console.error(`done: ${clients} clients, round ${round + 1}`);
  }
}
const results = clientCounts.map((clients) => {
  const all = [...(runs.get(clients) ?? [])].sort((a, b) => a.perSecond - b.perSecond);
  return all[Math.floor(all.length / 2)] as Result;
});
const baseline = results.find((r) => r.clients === 0)?.perSecond ?? Number.NaN;
const baselineCpu = results.find((r) => r.clients === 0)?.cpuMsPerAttempt ?? Number.NaN;
console.log(
  `sse fan-out, ${leadCount} leads, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${new Date().toISOString()}`,
);
console.log(
  '| clients | seconds | attempts/s | vs 0 clients | server CPU ms/attempt | vs 0 clients | commit lag p50 / p99 ms | delivery lag p50 / p99 ms | events/client | MB/client | resets | clients CPU s | RSS connected / peak / after leaving MB | JS heap connected / after leaving MB |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.clients} | ${r.seconds.toFixed(1)} | ${r.perSecond.toFixed(0)} | ${((100 * r.perSecond) / baseline).toFixed(0)} % | ${r.cpuMsPerAttempt.toFixed(2)} | ${((100 * r.cpuMsPerAttempt) / baselineCpu).toFixed(0)} % | ${r.commitLagP50} / ${r.commitLagP99} | ${r.lagP50} / ${r.lagP99} | ${r.eventsPerClient.toFixed(0)} | ${r.mbPerClient.toFixed(1)} | ${r.resets} | ${(r.clientCpuMs / 1000).toFixed(1)} | ${(r.connected.rss / MB).toFixed(0)} / ${(r.peakRss / MB).toFixed(0)} / ${(r.after.rss / MB).toFixed(0)} | ${(r.connected.heap / MB).toFixed(0)} / ${(r.after.heap / MB).toFixed(0)} |`,
  );
}
