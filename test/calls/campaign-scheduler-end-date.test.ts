import { describe, expect, it } from 'vitest';
import { type SchedulerHarness, schedulerHarnessPerTest } from '../support/scheduler-harness.js';
import { T0 } from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';
const MINUTE = 60_000;
const BUSY = 17;
/** 09:30 in New York on the harness's Tuesday, inside the 09:00–18:00 window. */
const ENDS_AT = T0 + 30 * MINUTE;

const harness = schedulerHarnessPerTest();

async function campaignStatus(x: SchedulerHarness) {
  const campaign = await x.campaigns.get(CAMPAIGN);
  return { status: campaign?.status, reason: campaign?.statusReason };
}

describe('campaign scheduler: absolute end date', () => {
  it('completes a campaign past its end date once its last live call ends, leaving leads pending', async () => {
    const x = await harness({
      campaign: { maxConcurrent: 1, endsAt: ENDS_AT },
      leads: 3,
    });
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(1);

    // Past the end date with a call still live: nothing new, but not completed yet.
    await x.advance(31 * MINUTE);
    expect(x.originates()).toBe(1);
    expect((await campaignStatus(x)).status).toBe('running');

    await x.hangUp('attempt-1', BUSY);
    expect(x.originates()).toBe(1);
    expect(await campaignStatus(x)).toEqual({
      status: 'completed',
      reason:
        'the end date passed (the campaign ended at 2026-11-24 09:30 (America/New_York)); leads still pending were not called: extend the end date and start the campaign again to call them',
    });
    expect(await x.leads.countByState(CAMPAIGN)).toMatchObject({ pending: 3, dialing: 0 });
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toMatchObject({
      reason: 'notRunning',
      status: 'completed',
      statusReason: expect.stringMatching(/^the end date passed/),
    });
  });

  it('dials the pending leads again once the end date is extended and the campaign started', async () => {
    const x = await harness({
      campaign: { maxConcurrent: 1, endsAt: ENDS_AT },
      leads: 2,
      now: ENDS_AT,
    });
    const control = x.control();
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect((await campaignStatus(x)).status).toBe('completed');
    expect(await control.start(CAMPAIGN)).toMatchObject({
      ok: false,
      reason: 'preconditions',
      problems: [expect.objectContaining({ code: 'windowNeverOpens' })],
    });

    await x.campaigns.update(CAMPAIGN, { endsAt: ENDS_AT + 60 * MINUTE }, x.clock.now());
    expect(await control.start(CAMPAIGN)).toMatchObject({ ok: true, status: 'running' });
    await x.quiet();
    expect(x.originates()).toBe(1);
    expect((await campaignStatus(x)).status).toBe('running');
  });

  it('keeps a campaign whose end date is still ahead running while leads wait', async () => {
    const x = await harness({
      campaign: { endsAt: ENDS_AT + 24 * 60 * MINUTE },
      leads: 1,
    });
    x.scheduler.start();
    await x.quiet();
    await x.hangUp('attempt-1', BUSY);
    expect(await x.lead(1)).toMatchObject({ state: 'pending' });
    expect((await campaignStatus(x)).status).toBe('running');
  });
});
