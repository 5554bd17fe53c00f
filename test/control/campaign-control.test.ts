import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignControl } from '../../src/control/campaign-control.js';
import { createLeadOperations } from '../../src/store/lead-operations.js';
import { createSchedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';

const CAMPAIGN = 'campaign-reminders';
const INVALID_NUMBER = 1;

let h: SchedulerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setUp(
  options: Parameters<typeof createSchedulerHarness>[0] = {},
): Promise<{ x: SchedulerHarness; control: CampaignControl }> {
  const x = await createSchedulerHarness(options);
  h = x;
  const control = x.control();
  x.scheduler.start();
  await x.quiet();
  return { x, control };
}

const statusOf = async (x: SchedulerHarness) => (await x.campaigns.get(CAMPAIGN))?.status;

describe('campaign control', () => {
  it('starts a draft campaign and dials at once', async () => {
    const { x, control } = await setUp({ campaign: { status: 'draft' } });
    expect(x.originates()).toBe(0);
    expect(await control.start(CAMPAIGN)).toEqual({
      ok: true,
      status: 'running',
      canceledLeads: 0,
    });
    await x.quiet();
    expect(x.originates()).toBe(3);
  });

  it('refuses to start with every problem listed, changing nothing', async () => {
    const { x, control } = await setUp({
      campaign: { status: 'draft', consent: { enabled: true, recordingId: null, timeoutSec: 8 } },
    });
    await createLeadOperations(x.store.db).cancelAllPending(CAMPAIGN, x.clock.now());
    const result = await control.start(CAMPAIGN);
    if (result.ok || result.reason !== 'preconditions') throw new Error('expected preconditions');
    expect(result.problems.map((p) => p.code)).toEqual([
      'noDialableLeads',
      'consentWithoutRecording',
    ]);
    expect(await statusOf(x)).toBe('draft');
  });

  it('refuses an action the status does not allow, saying which statuses it applies to', async () => {
    const { control } = await setUp();
    expect(await control.archive(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'notAllowed',
      message:
        'cannot archive a campaign that is running; archive applies to draft, stopped or completed campaigns',
    });
    expect(await control.start('nope')).toEqual({ ok: false, reason: 'notFound' });
  });

  it('pauses: live calls go on, nothing new is dialed, and resuming dials again', async () => {
    const { x, control } = await setUp({ campaign: { maxConcurrent: 1 } });
    expect(await control.pause(CAMPAIGN)).toMatchObject({ ok: true, status: 'paused' });
    await x.quiet();
    // The live call is left to finish: no hang-up goes out, and its attempt stays open.
    expect(x.callControl.typesFor('dialstate-attempt-1')).toEqual(['originate']);
    expect((await x.openAttempts()).map((a) => a.attemptId)).toEqual(['attempt-1']);
    await x.hangUp('attempt-1', INVALID_NUMBER);
    expect(x.originates()).toBe(1);
    expect(await control.start(CAMPAIGN)).toMatchObject({ ok: true, status: 'running' });
    await x.quiet();
    expect(x.originates()).toBe(2);
  });

  it('stops with "cancel pending": pending leads are canceled, the live call finishes', async () => {
    const { x, control } = await setUp({ campaign: { maxConcurrent: 1 } });
    expect(await control.stop(CAMPAIGN, { cancelPending: true })).toEqual({
      ok: true,
      status: 'stopped',
      canceledLeads: 2,
    });
    expect(await x.leads.countByState(CAMPAIGN)).toMatchObject({ dialing: 1, canceled: 2 });
    await x.hangUp('attempt-1', INVALID_NUMBER);
    expect(x.originates()).toBe(1);
    expect(await control.archive(CAMPAIGN)).toMatchObject({ ok: true, status: 'archived' });
    expect(await control.unarchive(CAMPAIGN)).toMatchObject({ ok: true, status: 'stopped' });
  });

  it('stops and cancels pending leads together or not at all', async () => {
    const { x, control } = await setUp({ campaign: { maxConcurrent: 1 } });
    // Canceling the leads fails half way through the stop, as a crash or a full disk would.
    await sql`create trigger refuse_cancel before update of state on lead
      when new.state = 'canceled' begin select raise(abort, 'cancel refused'); end`.execute(
      x.store.db,
    );
    await expect(control.stop(CAMPAIGN, { cancelPending: true })).rejects.toThrow(/cancel refused/);
    expect(await statusOf(x)).toBe('running');
    expect(await x.leads.countByState(CAMPAIGN)).toMatchObject({ pending: 2, canceled: 0 });
  });

  it('restarts a completed campaign once a lead is recycled', async () => {
    const { x, control } = await setUp({ leads: 1 });
    await x.hangUp('attempt-1', INVALID_NUMBER);
    expect(await statusOf(x)).toBe('completed');
    expect(await control.start(CAMPAIGN)).toMatchObject({ reason: 'preconditions' });

    await createLeadOperations(x.store.db).recycle('lead-1', 'failed', 'redial', x.clock.now());
    expect(await control.start(CAMPAIGN)).toMatchObject({ ok: true, status: 'running' });
    await x.quiet();
    expect(x.originates()).toBe(2);
    expect(await x.lead(1)).toMatchObject({ state: 'dialing', attempts: 2 });
  });

  it('cancels a live call: hangs it up and records the attempt and lead canceled', async () => {
    const { x, control } = await setUp({ campaign: { maxConcurrent: 1 } });
    expect(await control.cancelLead('lead-1')).toEqual({ ok: true, canceled: 'liveAttempt' });
    await x.runner.settled();
    expect(x.callControl.typesFor('dialstate-attempt-1')).toEqual(['originate', 'hangUp']);
    await x.hangUp('attempt-1', 16);
    expect(await x.lead(1)).toMatchObject({ state: 'canceled', lastOutcome: 'canceled' });
    expect((await x.journal.loadAttempt('attempt-1'))?.snapshot.context.outcome).toBe('canceled');
  });

  it('cancels a pending lead so it is never dialed, and refuses a finished one', async () => {
    const { x, control } = await setUp({ campaign: { maxConcurrent: 1 } });
    expect(await control.cancelLead('lead-2')).toEqual({ ok: true, canceled: 'pending' });
    await x.hangUp('attempt-1', INVALID_NUMBER);
    expect(await control.cancelLead('lead-1')).toEqual({
      ok: false,
      reason: 'notCancelable',
      state: 'failed',
    });
    expect((await x.openAttempts()).map((a) => a.leadId)).toEqual(['lead-3']);
  });

  it('refuses to delete a running campaign, or one with a live call, and deletes it after', async () => {
    const { x, control } = await setUp({ campaign: { maxConcurrent: 1 } });
    expect(await control.delete(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'busy',
      message: 'a running campaign cannot be deleted; stop it first',
    });
    expect(await control.pause(CAMPAIGN)).toMatchObject({ ok: true });
    // Paused, its call still live: deleting it would take the attempt's lead from under it.
    expect(await control.delete(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'busy',
      message: 'the campaign has 1 live call; wait for them to end',
      live: 1,
    });
    expect(await statusOf(x)).toBe('paused');
    await x.hangUp('attempt-1', INVALID_NUMBER);
    expect(await control.delete(CAMPAIGN)).toEqual({ ok: true });
    expect(await x.campaigns.get(CAMPAIGN)).toBeUndefined();
    expect(await control.delete(CAMPAIGN)).toEqual({ ok: false, reason: 'notFound' });
  });
});
