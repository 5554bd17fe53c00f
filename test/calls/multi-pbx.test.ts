import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type Dialstate, startDialstate } from '../../src/main.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { Store } from '../../src/store/db.js';
import { useCleanup } from '../support/cleanup.js';
import { seedDialingCampaign } from '../support/dialing-seed.js';
import { untilLeadsFinished } from '../support/human-campaign-run.js';
import { createTempDir, openMigratedStore, type TempDir } from '../support/store-fixtures.js';
import { until } from '../support/until.js';

/**
 * Several PBXs behind one dialstate (ADR 025), each a real simulator over the real
 * ari-client, with a real SQLite file: calls spread over the PBXs under each one's cap,
 * a campaign kept to the PBXs it names, and one PBX going down mid-campaign while the
 * others carry the campaign to the end.
 */

const USER = 'dialstate';
const PASSWORD = 'multi-pbx';
const NAMES = ['east', 'west', 'north'] as const;

const later = useCleanup();

async function startSims(count: number): Promise<{ sims: Simulator[]; urls: string[] }> {
  const sims: Simulator[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const sim = createSimulator({ user: USER, password: PASSWORD, timeScale: 0.05 });
    later(() => sim.stop());
    urls.push((await sim.start()).url);
    sims.push(sim);
  }
  return { sims, urls };
}

/** Writes the PBX file and starts dialstate on it, over a seeded campaign of people who accept. */
async function startOnPbxs(options: {
  dir: TempDir;
  urls: string[];
  maxChannels: number;
  leads: number;
  campaignPbxs?: string[] | null;
  maxConcurrent: number;
}): Promise<Dialstate> {
  const { dir, urls } = options;
  const phones = Array.from(
    { length: options.leads },
    (_, i) => `+1555${String(i).padStart(5, '0')}01`,
  );
  await seedDialingCampaign(
    dir,
    {
      id: 'campaign-multi',
      maxConcurrent: options.maxConcurrent,
      ringTimeoutSec: 10,
      pbxs: options.campaignPbxs ?? null,
      retry: {
        maxAttempts: 5,
        retryAfterMinutes: { busy: 1, no_answer: 1, congestion: 1, unavailable: 1, interrupted: 0 },
      },
    },
    phones,
  );
  const file = path.join(dir.path, 'pbxs.json');
  writeFileSync(
    file,
    JSON.stringify({
      pbxs: urls.map((url, i) => ({
        name: NAMES[i],
        url,
        user: USER,
        password: PASSWORD,
        maxChannels: options.maxChannels,
      })),
    }),
  );
  const dialstate = await startDialstate(
    loadConfig({
      DIALSTATE_DATA_DIR: dir.path,
      DIALSTATE_HTTP_PORT: '0',
      DIALSTATE_PBX_FILE: file,
      DIALSTATE_MAX_CHANNELS: '100',
      DIALSTATE_HANDOFF_SETTLE_MS: '100',
    }),
    pino({ level: 'silent' }),
  );
  later(() => dialstate.stop());
  return dialstate;
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
  it('spreads the calls over every PBX under each cap, and the others finish the campaign when one goes down', async () => {
    const { sims, urls } = await startSims(3);
    const dir = createTempDir();
    later(dir.remove);
    const leads = 36;
    const dialstate = await startOnPbxs({ dir, urls, maxChannels: 3, leads, maxConcurrent: 20 });

    // Every PBX takes calls, none above its cap; the global cap (100) is no limit here.
    let most = [0, 0, 0];
    const liveOn = () => sims.map((sim) => sim.calls().filter((call) => call.live).length);
    await until(
      () => {
        const live = liveOn();
        most = most.map((m, i) => Math.max(m, live[i] ?? 0));
        return live.every((n) => n >= 2);
      },
      { what: 'calls live on every PBX', timeoutMs: 30_000, everyMs: 20 },
    );
    const west = sims[1] as Simulator;
    // West goes down for good: it hangs its calls up as Asterisk does when stopped.
    await west.shutdown({ drainMs: 100 });
    const downAt = Date.now();

    const reader = await openMigratedStore(dir);
    later(() => reader.close());
    await until(
      async () => {
        const live = liveOn();
        most = most.map((m, i) => Math.max(m, live[i] ?? 0));
        const open = await reader.db
          .selectFrom('lead')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('state', 'in', ['pending', 'dialing'])
          .executeTakeFirstOrThrow();
        return open.count === 0;
      },
      { what: 'every lead finished', timeoutMs: 120_000, everyMs: 50 },
    );
    expect(Math.max(...most)).toBeLessThanOrEqual(3);

    const attempts = await attemptsOf(reader);
    // Every attempt names its PBX; each PBX had calls.
    expect(new Set(attempts.map((a) => a.pbx))).toEqual(new Set(NAMES));
    // West's cut calls are interruptions with the true reason (hung up as it went, or
    // an originate it refused with 503 while going), and retried elsewhere.
    const cut = attempts.filter((a) => a.outcome === 'interrupted');
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.every((a) => a.pbx === 'west')).toBe(true);
    expect(cut.filter((a) => a.error === 'PBX restarted or unreachable').length).toBeGreaterThan(0);
    for (const { error } of cut) {
      expect(error).toMatch(/^PBX restarted or unreachable$|HTTP 503/);
    }
    // Nothing went to west once it was down.
    expect(attempts.filter((a) => a.pbx === 'west' && a.created_at > downAt + 50)).toEqual([]);
    expect(attempts.filter((a) => a.outcome === 'failed' || a.outcome === 'abandoned')).toEqual([]);
    expectNoOverlap(attempts);
    const leadRows = await reader.db.selectFrom('lead').select(['state', 'last_outcome']).execute();
    expect(leadRows).toHaveLength(leads);
    expect(leadRows.filter((lead) => lead.last_outcome !== 'answered_human')).toEqual([]);

    const west2 = dialstate.pbxs().find((pbx) => pbx.name === 'west');
    expect(west2?.state).not.toBe('connected');
  }, 180_000);

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
});
