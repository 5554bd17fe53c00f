import { describe, expect, it } from 'vitest';
import { type SchedulerHarness, schedulerHarnessPerTest } from '../support/scheduler-harness.js';
import { T0 } from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';
const HOUR = 3_600_000;
const BUSY = 17;

const harness = schedulerHarnessPerTest();

/** Puts every lead of the campaign in `timezone`. */
async function moveLeadsTo(x: SchedulerHarness, timezone: string): Promise<void> {
  await x.store.db.updateTable('lead').set({ timezone }).execute();
}

/** Starts the scheduler and checks that every due lead waits for its own window. */
async function startWithEveryLeadWaitingUntil(x: SchedulerHarness, opensAt: number) {
  x.scheduler.start();
  await x.quiet();
  expect(x.originates()).toBe(0);
  expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
    ok: false,
    reason: 'leadsOutsideWindow',
    opensAt,
  });
}

/** Gives a lead another number, with the zones it maps to. */
async function renumber(x: SchedulerHarness, id: string, phone: string, zones: string) {
  await x.store.db
    .updateTable('lead')
    .set({ phone, phone_zones: zones })
    .where('id', '=', id)
    .execute();
}

describe('campaign scheduler: why not dialing', () => {
  it("says every due lead is outside its own window, and when the first opens, while the campaign's is open", async () => {
    const x = await harness();
    // 09:00 in New York (the campaign's window is open) is 06:00 in Los Angeles.
    await moveLeadsTo(x, 'America/Los_Angeles');
    await startWithEveryLeadWaitingUntil(x, T0 + 3 * HOUR);

    await x.advance(3 * HOUR);
    expect(x.originates()).toBe(3);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'nothingDue',
      nextDueAt: null,
      waitReason: null,
    });
  });

  it('waits for the own morning of leads whose number is in another zone, and two-zone numbers for both', async () => {
    const x = await harness();
    // T0 is 09:00 in New York: 06:00 in Los Angeles (213), 05:00 in Anchorage and 04:00 in
    // Adak (907).
    await renumber(x, 'lead-1', '+12135550101', 'America/Los_Angeles');
    await renumber(x, 'lead-2', '+19075550102', 'America/Adak America/Anchorage');
    await renumber(x, 'lead-3', '+19075550103', 'America/Adak America/Anchorage');
    await startWithEveryLeadWaitingUntil(x, T0 + 3 * HOUR);
    await x.advance(3 * HOUR);
    expect(x.originates()).toBe(1);
    // 09:00 in Anchorage is still 08:00 in Adak: the 907 numbers wait for Adak.
    await x.advance(HOUR);
    expect(x.originates()).toBe(1);
    await x.advance(HOUR - 1);
    expect(x.originates()).toBe(1);
    await x.advance(1);
    expect(x.originates()).toBe(3);
  });

  it('forgets what the leads said once the campaign settings change', async () => {
    const x = await harness();
    await moveLeadsTo(x, 'America/Los_Angeles');
    x.scheduler.start();
    await x.quiet();
    await x.campaigns.update(CAMPAIGN, { maxConcurrent: 5 }, x.clock.now() + 1);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({ ok: true });
  });

  it('says circuit breaker for a campaign the breaker paused, until it is started again', async () => {
    const x = await harness({ campaign: { maxConcurrent: 1 }, leads: 8 });
    for (let i = 0; i < 5; i += 1) x.callControl.failNext('originate', 400, 'trunk down');
    x.scheduler.start();
    await x.quiet();
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toMatchObject({
      ok: false,
      reason: 'circuitOpen',
      detail: expect.stringMatching(/^5 calls in a row failed .*HTTP 400\): trunk down\)$/),
    });

    expect(await x.control().start(CAMPAIGN)).toMatchObject({ ok: true, status: 'running' });
    await x.quiet();
    expect(x.originates()).toBe(6);
    await x.hangUp('attempt-6', BUSY);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).not.toMatchObject({ reason: 'circuitOpen' });
  });

  it('says paused, not circuit breaker, for a campaign the operator paused', async () => {
    const x = await harness({ campaign: { maxConcurrent: 1 } });
    x.scheduler.start();
    await x.quiet();
    await x.control().pause(CAMPAIGN);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'notRunning',
      status: 'paused',
      statusReason: null,
    });
  });
});
