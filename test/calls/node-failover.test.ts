import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { replayStoredAttempt } from '../../src/calls/replay-stored-attempt.js';
import { isTerminalLeadState } from '../../src/campaign/lead.js';
import type { LeadState } from '../../src/campaign/retry-policy.js';
import { SCENARIOS } from '../../src/sim/sim-scenarios.js';
import { createSimulator, type SimScenario, type Simulator } from '../../src/sim/simulator.js';
import { openPostgres, type PostgresStore } from '../../src/store/postgres/open-postgres.js';
import { createPostgresAttemptJournal } from '../../src/store/postgres/postgres-attempt-journal.js';
import {
  createPostgresDatabase,
  postgresAvailable,
  type TestPostgresDatabase,
} from '../support/postgres.js';
import { type ServeChild, spawnServe } from '../support/serve-child.js';
import { createTempDir, type TempDir } from '../support/store-fixtures.js';
import { until, untilDone } from '../support/until.js';

/**
 * The failover test: two `dialstate serve` processes (node-a, node-b) share one
 * PostgreSQL database and one simulated Asterisk, and dial one campaign (2,000 leads;
 * 1,000 in the default suite) created and imported through the HTTP API. node-a is SIGKILLed while both have live
 * calls; node-b takes its calls over once node-a's lease has expired — adopting
 * node-a's Stasis app, so the calls still up go on under node-b and those gone end
 * `interrupted` — and finishes the campaign. Then: every lead in a final state, none
 * lost, no lead with two attempts open at once, no attempt left open, every journal
 * replays to the outcome stored.
 */

/**
 * `npm run test:faults` runs the full campaign (2,000 leads); the default suite 1,000,
 * which still has both nodes busy at the kill and node-b finishing hundreds after it.
 */
const FULL = process.env.DIALSTATE_FAULTS_FULL === '1';
const LEADS = FULL ? 2_000 : 1_000;
/** Real ms per scenario ms: a human call (answer, AMD, talk) takes about 0.4 s. */
const TIME_SCALE = 0.02;
/** Short, so that node-b takes over within seconds of the kill (ADR 025). */
const LEASE_MS = 3_000;
const CHANNELS = 60;
/**
 * Ring timeout of the campaign (s): the longest a call rings before we hang up. 120 s of
 * scenario time is 2.4 s real here.
 */
const RING_TIMEOUT_SEC = 120;
/**
 * Numbers ending in 90 or 95 would ring for 30 s of real time, but the simulator counts
 * the originate's ring timeout in scenario time too, so they ring 2.4 s and end as
 * no-answer. The kill waits for one to start on node-a, so that node-a has an unanswered
 * call open when it dies: 2.4 s is a window a poll of a loaded machine does not miss
 * (with the 0.2 s of a 10 s timeout, polls under load caught one in 0 or 1 of 600).
 */
const LONG_CALL = /9[05]$/;
const LONG_RING: SimScenario = {
  ...SCENARIOS.human,
  name: 'long-ring',
  ringMs: 30_000 / TIME_SCALE,
};
const ARI = { user: 'dialstate', password: 'failover-secret' };
const silent = pino({ level: 'silent' });

/** A TCP port nothing listens on now, for a node's HTTP API. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Node {
  id: string;
  url: string;
  run: ServeChild;
}

async function startNode(id: string, dir: TempDir, ariUrl: string, dbUrl: string): Promise<Node> {
  const port = await freePort();
  const run = spawnServe(dir.path, {
    DIALSTATE_DATABASE_URL: dbUrl,
    DIALSTATE_NODE_ID: id,
    DIALSTATE_NODE_LEASE_MS: String(LEASE_MS),
    DIALSTATE_ARI_URL: ariUrl,
    DIALSTATE_ARI_USER: ARI.user,
    DIALSTATE_ARI_PASSWORD: ARI.password,
    DIALSTATE_HTTP_PORT: String(port),
    DIALSTATE_MAX_CHANNELS: String(CHANNELS),
    // The takeover is logged as a warning: the test reads it.
    DIALSTATE_LOG_LEVEL: 'warn',
  });
  return { id, url: `http://127.0.0.1:${port}`, run };
}

async function healthy(node: Node): Promise<boolean> {
  try {
    return (await fetch(`${node.url}/health`)).ok;
  } catch {
    return false;
  }
}

async function api(node: Node, path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${node.url}${path}`, init);
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Open attempts per owner node. */
async function openByNode(store: PostgresStore): Promise<Map<string, number>> {
  const rows = await store.db
    .selectFrom('attempt')
    .select(['owner_node', (eb) => eb.fn.countAll<number>().as('open')])
    .where('done', '=', 0)
    .groupBy('owner_node')
    .execute();
  return new Map(rows.map((row) => [row.owner_node ?? '', Number(row.open)]));
}

/** How many times a node logged each message, for a failure's report. */
function logSummary(output: string): string {
  const messages = [...output.matchAll(/"msg":"([^"]*)"/g)].map((match) => match[1] ?? '');
  return JSON.stringify(countOf(messages));
}

function countOf(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe.skipIf(!postgresAvailable())('two nodes on one PostgreSQL, one killed', () => {
  it('the other finishes the campaign: no lead lost or dialed twice at once, none left open, every journal replays', async () => {
    const database: TestPostgresDatabase = await createPostgresDatabase();
    cleanups.push(() => database.drop());
    const reader = openPostgres({ url: database.url, maxConnections: 2 });
    cleanups.push(() => reader.close());
    const sim: Simulator = createSimulator({
      ...ARI,
      timeScale: TIME_SCALE,
      rules: [{ number: LONG_CALL, scenario: LONG_RING }],
      log: silent,
    });
    const { url: ariUrl } = await sim.start();
    cleanups.push(() => sim.stop());

    const nodes: Node[] = [];
    for (const id of ['node-a', 'node-b']) {
      const dir = createTempDir();
      cleanups.push(() => dir.remove());
      const node = await startNode(id, dir, ariUrl, database.url);
      cleanups.push(() => node.run.child.kill('SIGKILL'));
      nodes.push(node);
    }
    const [a, b] = nodes as [Node, Node];
    for (const node of nodes) {
      await until(() => healthy(node), {
        timeoutMs: 60_000,
        what: `${node.id} answering /health\n${node.run.output()}`,
      });
    }

    // The campaign, through node-a's API: every day, all day, no retry (each lead's
    // one attempt decides it, so the run ends when the last call does).
    const created = (await api(a, '/api/campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Failover',
        timezone: 'UTC',
        window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
        maxConcurrent: CHANNELS,
        minIntervalMs: 0,
        ringTimeoutSec: RING_TIMEOUT_SEC,
        retry: { maxAttempts: 1, retryAfterMinutes: {} },
        // The simulator's stand-in agent answers in this context.
        aiTarget: { kind: 'dialplan', context: 'ai-agent', extension: 's', priority: 1 },
      }),
    })) as { id: string };
    const campaignId = created.id;
    // The last two digits pick the far end (docs/simulator.md): humans, machines,
    // busy, no answer, hang-ups at every stage… so calls of every length are live.
    const csv = `phone\n${Array.from(
      { length: LEADS },
      (_, i) => `+1415555${String(i).padStart(4, '0')}`,
    ).join('\n')}\n`;
    const imported = (await api(a, `/api/campaigns/${campaignId}/leads/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    })) as { counts: { accepted: number } };
    expect(imported.counts.accepted).toBe(LEADS);
    await api(a, `/api/campaigns/${campaignId}/start`, { method: 'POST' });

    /** Leads of the campaign not yet decided. */
    const unfinishedLeads = async () =>
      Number(
        (
          await reader.db
            .selectFrom('lead')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('campaign_id', '=', campaignId)
            .where('state', 'in', ['pending', 'dialing'])
            .executeTakeFirstOrThrow()
        ).n,
      );

    // Mid-run, both nodes with live calls, node-a's with a long-ringing one among them
    // that has just started (it rings past the takeover): kill node-a.
    const longCallJustStarted = async (): Promise<boolean> => {
      const rows = await reader.db
        .selectFrom('attempt')
        .innerJoin('lead', 'lead.id', 'attempt.lead_id')
        .select(['lead.phone', 'attempt.created_at'])
        .where('attempt.done', '=', 0)
        .where('attempt.owner_node', '=', a.id)
        .execute();
      return rows.some(
        (row) => LONG_CALL.test(row.phone) && Date.now() - Number(row.created_at) < 3_000,
      );
    };
    // What each poll saw, for the message when the moment never comes.
    const seen: string[] = [];
    try {
      await until(
        async () => {
          const open = await openByNode(reader);
          const long = await longCallJustStarted();
          seen.push(`a ${open.get(a.id) ?? 0} b ${open.get(b.id) ?? 0} long ${long}`);
          if ((await unfinishedLeads()) === 0) throw new Error('the campaign ended first');
          return (open.get(a.id) ?? 0) > 5 && (open.get(b.id) ?? 0) > 5 && long;
        },
        {
          // A loaded machine dials slowly (350 leads a minute at load 10): the wait ends
          // when the moment comes or the campaign does, whichever is first.
          timeoutMs: 240_000,
          what: 'both nodes with live calls, a long one just started on node-a',
        },
      );
    } catch (error) {
      const campaign = JSON.stringify(await api(b, `/api/campaigns/${campaignId}`));
      throw new Error(
        `${String(error)}; ${seen.length} polls, ${seen.filter((poll) => poll.endsWith('true')).length} with a long call just started on node-a, the last: ${seen.slice(-8).join(' | ')}; ${await unfinishedLeads()} leads unfinished; the campaign: ${campaign}\nnode-a logged: ${logSummary(a.run.output())}\nnode-b logged: ${logSummary(b.run.output())}`,
      );
    }
    const leftOpen = (await openByNode(reader)).get(a.id) ?? 0;
    a.run.child.kill('SIGKILL');
    expect(await a.run.exited).toBeNull();
    const killedAt = Date.now();

    // node-b finishes the campaign.
    try {
      // However slow the machine, node-b must keep finishing leads: it fails when stuck.
      const openAttempts = async () =>
        [...(await openByNode(reader)).values()].reduce((sum, n) => sum + n, 0);
      await untilDone(async () => (await unfinishedLeads()) + (await openAttempts()), {
        stallMs: 60_000,
        what: 'node-b finishing the campaign',
      });
    } catch (error) {
      const open = JSON.stringify([...(await openByNode(reader))]);
      throw new Error(
        `${String(error)}: ${await unfinishedLeads()} leads unfinished, open attempts by node ${open}\n${b.run.output().slice(-4_000)}`,
      );
    }
    const finishedInMs = Date.now() - killedAt;

    const leads = await reader.db
      .selectFrom('lead')
      .select(['id', 'state', 'attempts', 'last_outcome'])
      .where('campaign_id', '=', campaignId)
      .execute();
    const attempts = await reader.db
      .selectFrom('attempt')
      .select(['id', 'lead_id', 'done', 'outcome', 'created_at', 'ended_at', 'owner_node'])
      .where('campaign_id', '=', campaignId)
      .orderBy('lead_id')
      .orderBy('created_at')
      .execute();

    // No lead lost: every one, each in a final state, each with the attempts it counts.
    expect(leads).toHaveLength(LEADS);
    expect(leads.filter((lead) => !isTerminalLeadState(lead.state as LeadState))).toEqual([]);
    // No attempt left open; every one ended by node-b or before the kill by node-a.
    expect(attempts.filter((attempt) => attempt.done !== 1)).toEqual([]);
    const byLead = new Map<string, typeof attempts>();
    for (const attempt of attempts) {
      byLead.set(attempt.lead_id, [...(byLead.get(attempt.lead_id) ?? []), attempt]);
    }
    for (const lead of leads) {
      const mine = byLead.get(lead.id) ?? [];
      expect(mine.length, lead.id).toBe(lead.attempts);
      // Never two attempts of a lead open at once.
      for (let i = 1; i < mine.length; i += 1) {
        const before = mine[i - 1] as (typeof mine)[number];
        const after = mine[i] as (typeof mine)[number];
        expect(after.created_at, lead.id).toBeGreaterThanOrEqual(before.ended_at ?? Infinity);
      }
    }
    // Every journal replays, to the outcome stored.
    const journal = createPostgresAttemptJournal(reader.db, 'checker');
    const mismatches: string[] = [];
    // Outcomes of the attempts node-a placed (on its app) and node-b ended.
    const takenOver: string[] = [];
    for (const attempt of attempts) {
      const replayed = await replayStoredAttempt(journal, attempt.id);
      if (replayed?.replay.status !== 'ok') {
        mismatches.push(`${attempt.id}: ${JSON.stringify(replayed?.replay)}`);
        continue;
      }
      if (replayed.attempt.snapshot.context.outcome !== attempt.outcome) {
        mismatches.push(`${attempt.id}: outcome ${attempt.outcome}`);
      }
      const app = replayed.attempt.input.originateVariables.DIALSTATE_STASIS_APP;
      if (app === `dialstate-${a.id}` && attempt.owner_node === b.id) {
        takenOver.push(attempt.outcome ?? 'none');
      }
    }
    expect(mismatches).toEqual([]);
    // node-a's open calls were taken over by node-b: those still up went on under it
    // (their events reached it through node-a's app), the others ended interrupted.
    expect(b.run.output()).toContain('took over the open attempts of a dead node');
    expect(takenOver.length).toBeGreaterThan(0);
    const continued = takenOver.filter((outcome) => outcome !== 'interrupted');
    // How many went on under node-b is reported, not asserted: at this time scale nearly
    // every call has ended by itself before the takeover (ADR 025, the failover test).

    b.run.child.kill('SIGTERM');
    expect(await b.run.exited, b.run.output().slice(-4_000)).toBe(0);
    console.log(
      `failover: ${leftOpen} calls open on node-a at the kill, ${takenOver.length} taken over, ${continued.length} of them went on under node-b (${JSON.stringify(countOf(takenOver))}); node-b finished ${finishedInMs} ms after the kill`,
    );
  }, 900_000);
});
