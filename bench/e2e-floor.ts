/**
 * The floor under bench/sim-throughput.ts's dialer: how much CPU an attempt costs the
 * dialer's process at the least, measured in the same run as the dialer itself, with
 * the simulator in a process of its own (bench/sim-host.ts) as a PBX would be.
 *
 *   npm run bench:e2e-floor -- [--live 100,1000] [--attempts 3000] [--rounds 2]
 *     [--synchronous FULL|NORMAL]
 *
 * Per level and round, in turn (every other round in reverse order):
 * - `dialer`: `attempts` refused calls through the whole dialer (claim, runner, machine,
 *   journal, gateway), L live, as bench/sim-throughput.ts runs them;
 * - `ARI alone`: the same calls by the barest ARI client this process can be: one
 *   prebuilt originate request per call on kept-alive sockets (its answer drained
 *   unread), and each event frame looked at only for the two `ChannelDestroyed` that
 *   end the call (no JSON parsed): what any ARI application must at least receive and
 *   send for them;
 * - `SQL alone`: the journal's own statements for as many attempts of the same shape
 *   (a claim, then four events: started, dial status, both hang-ups), run by a bare
 *   better-sqlite3 loop with L attempts per transaction (bench/journal-floor.ts).
 * The floor is the CPU time of the last two added up; the dialer's distance to it is
 * its CPU time per attempt divided by that. (The floor's parts overlap nothing: in the
 * dialer they run on one thread too.)
 */

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { createAriSockets } from '../src/ari/ari-http-pool.js';
import { createCampaignRepository } from '../src/store/campaigns.js';
import { createLeadRepository } from '../src/store/leads.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase, type SynchronousMode } from '../src/store/sqlite/db.js';
import { benchCampaign } from './bench-fixtures.js';
import { SCENARIOS, type Script } from './engine-scenarios.js';
import { recordAttemptUnits, runJournalFloor } from './journal-floor.js';
import {
  closeStack,
  drive,
  insertLeads,
  openStack,
  phoneOf,
  SIM_PASSWORD,
  SIM_USER,
  type Stack,
  type StackOptions,
} from './sim-stack.js';

const BARE_APP = 'bare-floor';
/** The journal's shape of a refused call: started, dial status, both hang-ups. */
const BUSY = SCENARIOS.busy as Script;
const SCENARIO_MIX = ['busy', 'congestion', 'invalid-number'];

const { values } = parseArgs({
  options: {
    live: { type: 'string', default: '100,1000' },
    attempts: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '2' },
    synchronous: { type: 'string', default: 'FULL' },
  },
});
const levels = (values.live ?? '').split(',').map(Number);
const attempts = Number(values.attempts);
const rounds = Number(values.rounds);
const synchronous = values.synchronous?.toUpperCase();
if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
  throw new Error(`--synchronous must be FULL or NORMAL, not ${values.synchronous}`);
}
for (const n of [...levels, attempts, rounds]) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer: ${n}`);
}

interface Measured {
  perSecond: number;
  cpuMsPerAttempt: number;
}

function cpuMsSince(from: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(from);
  return (cpu.user + cpu.system) / 1000;
}

/** The barest ARI client: kept-alive REST sockets and the app's event websocket. */
async function openBareAri(url: string) {
  const authorization = `Basic ${Buffer.from(`${SIM_USER}:${SIM_PASSWORD}`).toString('base64')}`;
  const root = new URL(url);
  // The gateway's own pool (src/ari/ari-http-pool.ts): idle sockets close before the
  // server's own keep-alive timeout (5 s) would close them under a request.
  const { agent } = createAriSockets(url);
  const ended = new Map<string, { halves: number; done: () => void }>();
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ari/events?app=${BARE_APP}`, {
    headers: { authorization },
    skipUTF8Validation: true,
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const DESTROYED = '"type":"ChannelDestroyed"';
  const ID = '"id":"';
  ws.on('message', (data) => {
    const text = String(data);
    if (!text.includes(DESTROYED)) return;
    const at = text.indexOf(ID, text.indexOf('"channel":{')) + ID.length;
    const id = text.slice(at, text.indexOf('"', at)).replace(/;2$/, '');
    const call = ended.get(id);
    if (call && ++call.halves === 2) {
      ended.delete(id);
      call.done();
    }
  });

  /** Sent again once if a kept socket was closed just as it was written on, as the gateway does. */
  async function originate(channelId: string, phone: string): Promise<void> {
    const sent = await originateOnce(channelId, phone);
    if (sent === 'reused socket closed') await originateOnce(channelId, phone);
  }

  function originateOnce(
    channelId: string,
    phone: string,
  ): Promise<'sent' | 'reused socket closed'> {
    const query = new URLSearchParams({
      endpoint: `Local/${phone}@from-internal`,
      app: BARE_APP,
      appArgs: `dial,${channelId}`,
      channelId,
      otherChannelId: `${channelId};2`,
      timeout: '30',
    });
    const body = '{"variables":{}}';
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent,
          hostname: root.hostname,
          port: root.port,
          method: 'POST',
          path: `/ari/channels?${query}`,
          headers: {
            authorization,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (response) => {
          if (response.statusCode !== 200) reject(new Error(`originate: ${response.statusCode}`));
          response.on('end', () => resolve('sent'));
          response.resume();
        },
      );
      request.on('error', (error) =>
        request.reusedSocket ? resolve('reused socket closed') : reject(error),
      );
      request.end(body);
    });
  }

  return {
    /** `calls` calls (numbers from `first` on), `live` at once, each until both halves end. */
    async run(first: number, calls: number, live: number): Promise<Measured> {
      let next = 0;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      async function loop(): Promise<void> {
        while (next < calls) {
          const n = first + next++;
          const channelId = `bare-${n}`;
          const done = new Promise<void>((resolve) =>
            ended.set(channelId, { halves: 0, done: resolve }),
          );
          await originate(channelId, phoneOf(n, SCENARIO_MIX));
          await done;
        }
      }
      await Promise.all(Array.from({ length: live }, loop));
      return {
        perSecond: calls / ((performance.now() - t0) / 1000),
        cpuMsPerAttempt: cpuMsSince(cpu0) / calls,
      };
    },
    close(): void {
      ws.close();
      agent.destroy();
    },
  };
}

/** The journal's statements of `attempts` refused calls, alone, on a fresh database. */
async function sqlAlone(live: number, mode: SynchronousMode): Promise<Measured> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dialstate-floor-'));
  try {
    const dbPath = path.join(dir, 'floor.db');
    const store = openDatabase({ path: dbPath, synchronous: mode });
    await migrateToLatest(store.db);
    await createCampaignRepository(store.db).insert(benchCampaign());
    await insertLeads({ leads: createLeadRepository(store.db) }, 0, attempts, SCENARIO_MIX);
    await store.close();
    const recorded = await recordAttemptUnits(attempts, benchCampaign().id, () => BUSY);
    const cpu0 = process.cpuUsage();
    const floor = runJournalFloor(dbPath, mode, recorded, live);
    return { perSecond: attempts / floor.seconds, cpuMsPerAttempt: cpuMsSince(cpu0) / attempts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function dialer(stack: Stack, options: StackOptions, first: number, live: number) {
  const run = await drive(stack, options, { first, leads: attempts, live });
  if (run.problems.length > 0) throw new Error(`live ${live}:\n${run.problems.join('\n')}`);
  return {
    perSecond: run.claimed / (run.ms / 1000),
    cpuMsPerAttempt: run.cpuMs / run.claimed,
    simCpuMsPerAttempt: (run.simCpuMs ?? Number.NaN) / run.claimed,
  };
}

const loadBefore = os.loadavg().map((n) => n.toFixed(2));
const rows: string[] = [];
for (const live of levels) {
  const options: StackOptions = {
    synchronous,
    timeScale: 0,
    scenarios: SCENARIO_MIX,
    rest: 'pool',
    sim: 'process',
  };
  const stack = await openStack(options);
  try {
    const warm = Math.min(live * 4, 2000);
    await insertLeads(stack, 0, warm + rounds * attempts, SCENARIO_MIX);
    const warmRun = await drive(stack, options, { first: 0, leads: warm, live });
    if (warmRun.problems.length > 0) throw new Error(warmRun.problems.join('\n'));
    const bare = await openBareAri(stack.ari.url);
    await bare.run(0, warm, live);
    for (let round = 1; round <= rounds; round += 1) {
      const first = warm + (round - 1) * attempts;
      const order = ['dialer', 'ari', 'sql'];
      if (round % 2 === 0) order.reverse();
      const got: Record<string, Measured & { simCpuMsPerAttempt?: number }> = {};
      for (const part of order) {
        if (part === 'dialer') got.dialer = await dialer(stack, options, first, live);
        else if (part === 'ari') got.ari = await bare.run(first, attempts, live);
        else got.sql = await sqlAlone(live, synchronous);
      }
      const { dialer: d, ari, sql } = got as Record<string, Measured>;
      const floor = (ari?.cpuMsPerAttempt ?? 0) + (sql?.cpuMsPerAttempt ?? 0);
      rows.push(
        `| ${live} | ${round} | ${Math.round(d?.perSecond ?? 0)} | ${d?.cpuMsPerAttempt.toFixed(3)} | ${got.dialer?.simCpuMsPerAttempt?.toFixed(3)} | ${Math.round(ari?.perSecond ?? 0)} | ${ari?.cpuMsPerAttempt.toFixed(3)} | ${Math.round(sql?.perSecond ?? 0)} | ${sql?.cpuMsPerAttempt.toFixed(3)} | ${floor.toFixed(3)} | ${((d?.cpuMsPerAttempt ?? 0) / floor).toFixed(2)} |`,
      );
      console.error(rows.at(-1));
    }
    bare.close();
  } finally {
    await closeStack(stack);
  }
}

const cpus = os.cpus();
console.log(
  `the dialer's floor, simulator in a process of its own (busy, congestion, invalid number), ` +
    `${attempts} attempts per part; node ${process.version}, ${cpus.length} cores, ` +
    `${cpus[0]?.model ?? ''}, synchronous=${synchronous}; load average ${loadBefore.join(' ')} ` +
    `before, ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} after`,
);
console.log(
  '| live | round | dialer attempts/s | dialer CPU ms/attempt | simulator CPU ms/attempt | ARI alone calls/s | ARI alone CPU ms/call | SQL alone attempts/s | SQL alone CPU ms/attempt | floor CPU ms/attempt | dialer ÷ floor |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
