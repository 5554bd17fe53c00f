import { describe, expect, it } from 'vitest';
import { PBX_TRIP_HOLD_MS } from '../../src/calls/pbx-placement.js';
import type { PbxRoster } from '../../src/calls/ports.js';
import type { PbxLoad } from '../../src/campaign/pbx-choice.js';
import { type SchedulerHarness, schedulerHarnessPerTest } from '../support/scheduler-harness.js';

const CAMPAIGN = 'campaign-reminders';
const BUSY = 17;

const harness = schedulerHarnessPerTest();

/**
 * A roster of PBXs `a` and `b` over the harness's runner: each one's live attempts are
 * those whose input names it; `unavailable` and `maxChannels` are the test's to set.
 */
function rosterOver(get: () => SchedulerHarness) {
  const pbxs: Record<'a' | 'b', { unavailable: string | null; maxChannels: number }> = {
    a: { unavailable: null, maxChannels: 10 },
    b: { unavailable: null, maxChannels: 10 },
  };
  const roster: PbxRoster = {
    loads: (): PbxLoad[] =>
      (['a', 'b'] as const).map((name) => ({
        name,
        maxChannels: pbxs[name].maxChannels,
        unavailable: pbxs[name].unavailable,
        live: get()
          .runner.liveAttemptIds()
          .filter((id) => get().runner.pbxOf(id) === name).length,
      })),
    identityOf: (name) => ({
      stasisApp: `app-${name}`,
      outboundIdentity: '6789',
      defaultDialString: `PJSIP/{e164digits}@trunk-${name}`,
      aavaHandoffContext: 'dialstate-aava-handoff',
    }),
  };
  return { roster, pbxs };
}

async function start(options: { leads: number; maxConcurrent: number; pbxs?: string[] }) {
  let x: SchedulerHarness | undefined;
  const { roster, pbxs } = rosterOver(() => x as SchedulerHarness);
  x = await harness({
    campaign: { maxConcurrent: options.maxConcurrent, pbxs: options.pbxs ?? null },
    leads: options.leads,
    scheduler: { pbxs: roster },
  });
  return { x, pbxs };
}

async function pbxOfAttempts(x: SchedulerHarness): Promise<(string | undefined)[]> {
  const rows = await x.store.db
    .selectFrom('attempt_input')
    .innerJoin('attempt', 'attempt.id', 'attempt_input.attempt_id')
    .select(['attempt_input.input'])
    .orderBy('attempt.created_at')
    .orderBy('attempt.id')
    .execute();
  return rows.map((row) => (JSON.parse(row.input) as { pbx?: string }).pbx);
}

/** Only a can take calls at first: five failed originates there trip the breaker for a alone. */
async function tripOnA() {
  const started = await start({ leads: 20, maxConcurrent: 1 });
  const { x, pbxs } = started;
  pbxs.b.unavailable = 'not connected to its ARI (disconnected)';
  for (let i = 0; i < 5; i += 1) x.callControl.failNext('originate', 400, 'Allocation failed');
  x.scheduler.start();
  await x.quiet();
  expect(x.originates()).toBe(5);
  return started;
}

describe('campaign scheduler: several PBXs', () => {
  it("gives each call the least loaded PBX, under each one's cap, with its identity", async () => {
    const { x, pbxs } = await start({ leads: 8, maxConcurrent: 8 });
    pbxs.a.maxChannels = 2;
    pbxs.b.maxChannels = 4;
    x.scheduler.start();
    await x.quiet();
    // a: 0/2 → a; b 0/4 → b; a 1/2 (0.5) vs b 1/4 → b; a 0.5 vs b 0.5 → fewer live, a;
    // then a is full and b takes the rest up to its cap.
    const placed = await pbxOfAttempts(x);
    expect(placed.filter((p) => p === 'a')).toHaveLength(2);
    expect(placed.filter((p) => p === 'b')).toHaveLength(4);
    expect(x.originates()).toBe(6);
    const attempt = await x.journal.loadAttempt('attempt-1');
    expect(attempt?.input.endpoint).toMatch(/^PJSIP\/\d+@trunk-a$/);
    expect(attempt?.input.originateVariables.DIALSTATE_STASIS_APP).toBe('app-a');
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'pbxUnhealthy',
      detail: 'no PBX can take a call: a: at its channel cap (2/2); b: at its channel cap (4/4)',
    });
  });

  it('dials only on the PBXs the campaign names, and on none that is down', async () => {
    const { x, pbxs } = await start({ leads: 3, maxConcurrent: 3, pbxs: ['b'] });
    pbxs.b.unavailable = 'not connected to its ARI (reconnecting)';
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toMatchObject({
      reason: 'pbxUnhealthy',
      detail: 'no PBX can take a call: b: not connected to its ARI (reconnecting)',
    });
    pbxs.b.unavailable = null;
    await x.scheduler.tick();
    await x.quiet();
    expect(await pbxOfAttempts(x)).toEqual(['b', 'b', 'b']);
  });

  it('keeps a campaign off the PBX its calls keep failing on, and pauses it once every PBX failed', async () => {
    const { x, pbxs } = await tripOnA();
    expect((await x.campaigns.get(CAMPAIGN))?.status).toBe('running');
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toMatchObject({
      reason: 'pbxUnhealthy',
      detail: expect.stringContaining(
        "a: the campaign's calls on it keep failing (circuit breaker)",
      ),
    });
    // b back: the campaign dials there, not on a.
    pbxs.b.unavailable = null;
    await x.scheduler.tick();
    await x.quiet();
    expect(x.originates()).toBe(6);
    expect((await pbxOfAttempts(x)).at(-1)).toBe('b');
    // b fails five times in a row too: no PBX is left, so the campaign pauses.
    for (let i = 0; i < 5; i += 1) x.callControl.failNext('originate', 400, 'Allocation failed');
    await x.hangUp('attempt-6', BUSY);
    await x.quiet();
    expect(x.originates()).toBe(11);
    expect(await x.campaigns.get(CAMPAIGN)).toMatchObject({
      status: 'paused',
      statusReason:
        'circuit breaker: 5 calls in a row failed before being answered (last: originate failed (HTTP 400): Allocation failed)',
    });
  });

  it('gives a tripped PBX calls again after the hold', async () => {
    const { x } = await tripOnA();
    await x.advance(PBX_TRIP_HOLD_MS);
    expect(x.originates()).toBe(6);
    expect((await pbxOfAttempts(x)).at(-1)).toBe('a');
  });
});
