import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { useCleanup } from '../support/cleanup.js';
import { seedDialingCampaign } from '../support/dialing-seed.js';
import { untilLeadsFinished } from '../support/human-campaign-run.js';
import { createTempDir, openMigratedStore, type TempDir } from '../support/store-fixtures.js';
import { until } from '../support/until.js';

/**
 * Several PBXs behind one dialstate (ADR 028), each a real simulator over the real
 * ari-client, with a real SQLite file: calls spread over the PBXs under each one's cap,
 * a campaign kept to the PBXs it names, and one PBX going down mid-campaign while the
 * others carry the campaign to the end.
 */

const USER = 'dialstate';
const passwordOf = (i: number) => `multi-pbx-${i}`;
const NAMES = ['east', 'west', 'north'] as const;

const later = useCleanup();

async function startSims(count: number): Promise<{ sims: Simulator[]; urls: string[] }> {
  const sims: Simulator[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i += 1) {
    // A password each: ari-client's process-wide credentials must not mix them up.
    const sim = createSimulator({ user: USER, password: passwordOf(i), timeScale: 0.05 });
    later(() => sim.stop());
    urls.push((await sim.start()).url);
    sims.push(sim);
  }
  return { sims, urls };
}

/** Seeds one running campaign of `leads` numbers ending in `suffix` (01: people who accept). */
async function seedCampaign(
  dir: TempDir,
  options: {
    leads: number;
    maxConcurrent: number;
    campaignPbxs?: string[] | null;
    suffix?: string;
    ringTimeoutSec?: number;
    maxAttempts?: number;
  },
): Promise<void> {
  const phones = Array.from(
    { length: options.leads },
    (_, i) => `+1555${String(i).padStart(5, '0')}${options.suffix ?? '01'}`,
  );
  await seedDialingCampaign(
    dir,
    {
      id: 'campaign-multi',
      maxConcurrent: options.maxConcurrent,
      ringTimeoutSec: options.ringTimeoutSec ?? 10,
      pbxs: options.campaignPbxs ?? null,
      retry: {
        maxAttempts: options.maxAttempts ?? 5,
        // A call cut without a trace ends at its ring timeout: retried at once too.
        retryAfterMinutes: { busy: 1, no_answer: 0, congestion: 1, unavailable: 1, interrupted: 0 },
      },
    },
    phones,
  );
}

/** Writes the PBX file (`pbxs`: name and URL, in this order) and starts dialstate on it. */
async function startWithFile(
  dir: TempDir,
  pbxs: readonly { name: string; url: string; password: string }[],
  maxChannels: number,
): Promise<Dialstate> {
  const file = path.join(dir.path, 'pbxs.json');
  writeFileSync(
    file,
    JSON.stringify({
      pbxs: pbxs.map(({ name, url, password }) => ({
        name,
        url,
        user: USER,
        password,
        maxChannels,
      })),
    }),
  );
  const dialstate = await startDialstate(
    loadConfig({
      DIALSTATE_DATA_DIR: dir.path,
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_PBX_FILE: file,
      DIALSTATE_MAX_CHANNELS: '100',
      // Far below the 0.1-0.2 s a simulated caller talks to the agent at this time scale:
      // with 100 ms, a loaded machine's late settle timer let two of them hang up first
      // (handoff_failed on a PBX that never went down).
      DIALSTATE_HANDOFF_SETTLE_MS: '20',
    }),
    pino({ level: 'silent' }),
  );
  later(() => dialstate.stop());
  return dialstate;
}

/** Seeds the campaign and starts dialstate on the PBXs at `urls`, named after NAMES. */
async function startOnPbxs(options: {
  dir: TempDir;
  urls: string[];
  maxChannels: number;
  leads: number;
  campaignPbxs?: string[] | null;
  maxConcurrent: number;
}): Promise<Dialstate> {
  await seedCampaign(options.dir, options);
  const pbxs = options.urls.map((url, i) => ({
    name: NAMES[i] as string,
    url,
    password: passwordOf(i),
  }));
  return startWithFile(options.dir, pbxs, options.maxChannels);
}

interface AttemptRow {
  id: string;
  lead_id: string;
  outcome: string | null;
  error: string | null;
  created_at: number;
  ended_at: number | null;
  pbx: string | undefined;
}

async function attemptsOf(store: Store): Promise<AttemptRow[]> {
  const rows = await store.db
    .selectFrom('attempt')
    .innerJoin('attempt_input', 'attempt_input.attempt_id', 'attempt.id')
    .select([
      'attempt.id',
      'attempt.lead_id',
      'attempt.outcome',
      'attempt.error',
      'attempt.created_at',
      'attempt.ended_at',
      'attempt_input.input',
    ])
    .execute();
  return rows.map(({ input, ...row }) => ({
    ...row,
    pbx: (JSON.parse(input) as { pbx?: string }).pbx,
  }));
}

/** No lead had two attempts open at once: each began after the one before it ended. */
function expectNoOverlap(attempts: readonly AttemptRow[]): void {
  const byLead = new Map<string, AttemptRow[]>();
  for (const attempt of attempts) {
    byLead.set(attempt.lead_id, [...(byLead.get(attempt.lead_id) ?? []), attempt]);
  }
  for (const [leadId, list] of byLead) {
    const sorted = [...list].sort((a, b) => a.created_at - b.created_at);
    for (let i = 1; i < sorted.length; i += 1) {
      const before = sorted[i - 1] as AttemptRow;
      const after = sorted[i] as AttemptRow;
      expect(before.ended_at, `lead ${leadId}`).not.toBeNull();
      expect(after.created_at, `lead ${leadId}`).toBeGreaterThanOrEqual(before.ended_at ?? 0);
    }
  }
}

describe('several PBXs', () => {
  it.each([
    ['shuts down, hanging its calls up', 'shutdown'],
    ['vanishes without a word', 'stop'],
  ] as const)(
    'spreads the calls over every PBX under each cap, and the others finish the campaign when one %s',
    async (_, how) => {
      const { sims, urls } = await startSims(3);
      const dir = createTempDir();
      later(dir.remove);
      const leads = 36;
      const dialstate = await startOnPbxs({ dir, urls, maxChannels: 3, leads, maxConcurrent: 20 });

      // Every PBX takes calls, none above its cap; the global cap (100) is no limit here.
      let most = [0, 0, 0];
      const sample = () => {
        const live = sims.map((sim) => sim.calls().filter((call) => call.live).length);
        most = most.map((m, i) => Math.max(m, live[i] ?? 0));
        return live;
      };
      await until(() => sample().every((n) => n >= 2), {
        what: 'calls live on every PBX',
        timeoutMs: 30_000,
        everyMs: 20,
      });
      const west = sims[1] as Simulator;
      // West goes down for good: as Asterisk stops (its calls hung up with cause 0, 503s
      // while it drains), or as a machine that loses power (nothing more is heard of it).
      if (how === 'shutdown') await west.shutdown({ drainMs: 100 });
      else await west.stop();
      const downAt = Date.now();

      const reader = await openMigratedStore(dir);
      later(() => reader.close());
      await untilLeadsFinished(reader, 120_000, sample);
      expect(Math.max(...most)).toBeLessThanOrEqual(3);

      const attempts = await attemptsOf(reader);
      // Every attempt names its PBX; each PBX had calls.
      expect(new Set(attempts.map((a) => a.pbx))).toEqual(new Set(NAMES));
      // Only west's calls were cut, each ended per the fault rules and retried elsewhere:
      // interrupted when the PBX was seen to go (its hang-ups, a refused originate), or
      // at the ring timeout when nothing more came of a call.
      const cut = attempts.filter((a) => a.outcome !== 'answered_human');
      expect(cut.length).toBeGreaterThan(0);
      expect(cut.filter((a) => a.pbx !== 'west')).toEqual([]);
      for (const { outcome, error } of cut) {
        if (outcome === 'interrupted') {
          expect(error).toMatch(/^PBX restarted or unreachable$|HTTP 503|ECONNRESET|ECONNREFUSED/);
        } else {
          expect(how === 'stop' ? outcome : 'only when it vanished').toBe('no_answer');
        }
      }
      if (how === 'shutdown') {
        expect(
          cut.filter((a) => a.error === 'PBX restarted or unreachable').length,
        ).toBeGreaterThan(0);
      }
      // Nothing went to west once it was down.
      expect(attempts.filter((a) => a.pbx === 'west' && a.created_at > downAt + 50)).toEqual([]);
      expectNoOverlap(attempts);
      const leadRows = await reader.db
        .selectFrom('lead')
        .select(['state', 'last_outcome'])
        .execute();
      expect(leadRows).toHaveLength(leads);
      expect(leadRows.filter((lead) => lead.last_outcome !== 'answered_human')).toEqual([]);
      expect(dialstate.pbxs().find((pbx) => pbx.name === 'west')?.state).not.toBe('connected');
    },
    180_000,
  );

  it('keeps a campaign to the PBXs it names', async () => {
    const { sims, urls } = await startSims(2);
    const dir = createTempDir();
    later(dir.remove);
    await startOnPbxs({
      dir,
      urls,
      maxChannels: 4,
      leads: 8,
      maxConcurrent: 4,
      campaignPbxs: ['west'],
    });
    const reader = await openMigratedStore(dir);
    later(() => reader.close());
    await untilLeadsFinished(reader);
    const attempts = await attemptsOf(reader);
    expect(attempts.length).toBeGreaterThanOrEqual(8);
    expect(new Set(attempts.map((a) => a.pbx))).toEqual(new Set(['west']));
    expect(sims[0]?.calls()).toEqual([]);
  }, 120_000);

  it('routes the attempts a restart finds open back to their own PBX, whatever the order of the file', async () => {
    // Real time: callees who never answer ring until the ring timeout, across the restart.
    const sims: Simulator[] = [];
    const urls: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const sim = createSimulator({ user: USER, password: passwordOf(i) });
      later(() => sim.stop());
      urls.push((await sim.start()).url);
      sims.push(sim);
    }
    const dir = createTempDir();
    later(dir.remove);
    await seedCampaign(dir, {
      leads: 4,
      maxConcurrent: 4,
      suffix: '08',
      ringTimeoutSec: 6,
      maxAttempts: 1,
    });
    const pbxs = [
      { name: 'east', url: urls[0] as string, password: passwordOf(0) },
      { name: 'west', url: urls[1] as string, password: passwordOf(1) },
    ];
    const first = await startWithFile(dir, pbxs, 2);
    const liveOn = (sim: Simulator | undefined) =>
      sim?.calls().filter((call) => call.live).length ?? 0;
    await until(() => liveOn(sims[0]) === 2 && liveOn(sims[1]) === 2, {
      what: 'two calls ringing on each PBX',
      timeoutMs: 20_000,
    });
    await first.stop();

    // The other order: an attempt sent to the first PBX listed would be lost there.
    const second = await startWithFile(dir, [...pbxs].reverse(), 2);
    const reader = await openMigratedStore(dir);
    later(() => reader.close());
    await untilLeadsFinished(reader, 60_000);
    await second.runner.settled();
    const attempts = await attemptsOf(reader);
    expect(attempts).toHaveLength(4);
    // Each rang out on its own PBX, squared with it after the restart: none was lost.
    expect(attempts.map((a) => a.outcome)).toEqual([
      'no_answer',
      'no_answer',
      'no_answer',
      'no_answer',
    ]);
    expect(attempts.filter((a) => a.pbx === 'east')).toHaveLength(2);
    for (const [i, sim] of sims.entries()) {
      const name = pbxs[i]?.name;
      const channels = new Set(sim.calls().map((call) => call.channelId));
      for (const attempt of attempts.filter((a) => a.pbx === name)) {
        expect(channels.has(`dialstate-${attempt.id}`)).toBe(true);
      }
    }
  }, 120_000);

  it('starts DIALSTATE_SIM_PBXS embedded simulators, and reports each PBX in /health and /metrics', async () => {
    const dir = createTempDir();
    later(dir.remove);
    await seedCampaign(dir, { leads: 8, maxConcurrent: 8 });
    const dialstate = await startDialstate(
      loadConfig({
        DIALSTATE_DATA_DIR: dir.path,
        DIALSTATE_HTTP_PORT: '0',
        DIALSTATE_SIM_PBXS: '2',
        DIALSTATE_SIM_TIME_SCALE: '0.05',
        DIALSTATE_MAX_CHANNELS: '4',
      }),
      pino({ level: 'silent' }),
    );
    later(() => dialstate.stop());
    expect(dialstate.simulated).toBe(true);
    const reader = await openMigratedStore(dir);
    later(() => reader.close());
    await untilLeadsFinished(reader);
    const attempts = await attemptsOf(reader);
    expect(new Set(attempts.map((a) => a.pbx))).toEqual(new Set(['sim-1', 'sim-2']));

    const health = (await (await fetch(`${dialstate.httpUrl}/health`)).json()) as {
      status: string;
      pbxs: { name: string; ok: boolean; state: string; maxChannels: number }[];
    };
    expect(health.status).toBe('ok');
    expect(
      health.pbxs.map(({ name, ok, state, maxChannels }) => ({ name, ok, state, maxChannels })),
    ).toEqual([
      { name: 'sim-1', ok: true, state: 'connected', maxChannels: 4 },
      { name: 'sim-2', ok: true, state: 'connected', maxChannels: 4 },
    ]);
    expect(JSON.stringify(health)).not.toMatch(/password/i);
    const metrics = await (await fetch(`${dialstate.httpUrl}/metrics`)).text();
    expect(metrics).toContain('dialstate_pbx_connected{pbx="sim-1"} 1');
    expect(metrics).toContain('dialstate_pbx_connected{pbx="sim-2"} 1');
    expect(metrics).toContain('dialstate_pbx_max_channels{pbx="sim-2"} 4');
  }, 120_000);
});
