import { describe, expect, it, vi } from 'vitest';
import { createDncRepository } from '../../src/store/dnc.js';
import { createLeadOperations } from '../../src/store/lead-operations.js';
import { type SchedulerHarness, schedulerHarnessPerTest } from '../support/scheduler-harness.js';
import { T0 } from '../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';
const OTHER = 'campaign-other';
const MINUTE = 60_000;
/** Q.850 causes of calls ended before an answer. */
const BUSY = 17;
const INVALID_NUMBER = 1;

const harness = schedulerHarnessPerTest();

async function liveCount(x: SchedulerHarness, campaignId?: string): Promise<number> {
  const open = await x.openAttempts();
  return open.filter((a) => campaignId === undefined || a.campaignId === campaignId).length;
}

async function status(x: SchedulerHarness, campaignId = CAMPAIGN) {
  const campaign = await x.campaigns.get(campaignId);
  return { status: campaign?.status, reason: campaign?.statusReason };
}

describe('campaign scheduler: pacing', () => {
  it("never has more calls live than the campaign's maxConcurrent", async () => {
    const x = await harness({ campaign: { maxConcurrent: 3 }, leads: 10 });
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(3);

    for (let ended = 0; ended < 10; ended += 1) {
      const [oldest] = await x.openAttempts();
      if (!oldest) throw new Error('nothing live');
      await x.hangUp(oldest.attemptId, INVALID_NUMBER);
      expect(await liveCount(x)).toBeLessThanOrEqual(3);
      expect(x.originates()).toBe(Math.min(10, 4 + ended));
    }
    expect(await liveCount(x)).toBe(0);
  });

  it('claims the free slots together, in one transaction rather than one each', async () => {
    const x = await harness({ campaign: { maxConcurrent: 8 }, leads: 8 });
    const transactions = vi.spyOn(x.store, 'prepare');
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(8);
    const begun = transactions.mock.calls.filter(([sql]) => sql === 'begin immediate').length;
    // The eight claims share one; the attempts' first commits share the next.
    expect(begun).toBeGreaterThan(0);
    expect(begun).toBeLessThanOrEqual(3);
  });

  it('holds the global channel cap across campaigns, taking turns fairly', async () => {
    const x = await harness({ campaign: { maxConcurrent: 10 }, leads: 10, maxChannels: 4 });
    await x.addCampaign({ id: OTHER, maxConcurrent: 10 }, 10, 11);
    x.scheduler.start();
    await x.quiet();

    let open = await x.openAttempts();
    expect(open.map((a) => a.campaignId)).toEqual([OTHER, CAMPAIGN, OTHER, CAMPAIGN]);
    for (let step = 0; step < 16; step += 1) {
      const oldest = open[0];
      if (!oldest) throw new Error('nothing live');
      await x.hangUp(oldest.attemptId, INVALID_NUMBER);
      open = await x.openAttempts();
      expect(open.length).toBeLessThanOrEqual(4);
    }
    expect(x.originates()).toBe(20);
    const perCampaign = await x.store.db
      .selectFrom('attempt')
      .select(['campaign_id', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('campaign_id')
      .execute();
    expect(perCampaign.map((row) => row.count)).toEqual([10, 10]);
  });

  it('keeps the minimum interval between two originates of a campaign', async () => {
    const x = await harness({ campaign: { maxConcurrent: 10, minIntervalMs: 2_000 }, leads: 4 });
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(1);
    await x.advance(1_999);
    expect(x.originates()).toBe(1);
    await x.advance(1);
    expect(x.originates()).toBe(2);
    for (let step = 0; step < 5; step += 1) await x.advance(1_000);

    const open = await x.openAttempts();
    expect(open.map((a) => a.createdAt - T0)).toEqual([0, 2_000, 4_000, 6_000]);
  });

  it('counts live attempts it did not start itself, such as those restored after a restart', async () => {
    const x = await harness({ campaign: { maxConcurrent: 3 }, leads: 5 });
    await x.launch(1);
    await x.launch(2);
    x.scheduler.start();
    await x.quiet();
    expect(await liveCount(x)).toBe(3);
    expect(x.originates()).toBe(3);
  });
});

describe('campaign scheduler: calling windows', () => {
  it('claims nothing outside the calling window and starts when it opens', async () => {
    // 08:00 in New York, an hour before the window opens.
    const x = await harness({ now: T0 - 60 * MINUTE });
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toMatchObject({
      ok: false,
      reason: 'outsideWindow',
      opensAt: T0,
    });

    await x.advance(60 * MINUTE - 1);
    expect(x.originates()).toBe(0);
    await x.advance(1);
    expect(x.originates()).toBe(3);
  });

  it("checks each lead against the window in the lead's own time zone", async () => {
    const x = await harness();
    await x.store.db
      .updateTable('lead')
      .set({ timezone: 'America/Los_Angeles' })
      .where('id', '=', 'lead-1')
      .execute();
    x.scheduler.start();
    await x.quiet();
    // 06:00 in Los Angeles: lead 1 waits, the others are called.
    expect((await x.openAttempts()).map((a) => a.leadId)).toEqual(['lead-2', 'lead-3']);
    expect((await x.lead(1)).state).toBe('pending');

    await x.advance(3 * 60 * MINUTE);
    expect((await x.lead(1)).state).toBe('dialing');
  });

  it('finishes a lead whose time zone is unknown as failed, saying why', async () => {
    const x = await harness({ leads: 1 });
    await x.store.db
      .updateTable('lead')
      .set({ timezone: 'Mars/Olympus' })
      .where('id', '=', 'lead-1')
      .execute();
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect(await x.lead(1)).toMatchObject({
      state: 'failed',
      lastError: 'cannot be called: lead time zone "Mars/Olympus" is not a known IANA time zone',
    });
  });

  it('pauses a campaign whose calling window is invalid, with the reason', async () => {
    const x = await harness({ campaign: { window: { start: '25:00', end: '18:00', days: [2] } } });
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect(await status(x)).toEqual({
      status: 'paused',
      reason: 'the calling window is invalid: window start "25:00" is not a 24-hour HH:MM time',
    });
  });
});

describe('campaign scheduler: retries and claims', () => {
  it('dials a busy lead again only once its retry is due', async () => {
    const x = await harness({ leads: 1 });
    x.scheduler.start();
    await x.quiet();
    await x.hangUp('attempt-1', BUSY);
    expect(await x.lead(1)).toMatchObject({
      state: 'pending',
      lastOutcome: 'busy',
      nextAttemptAt: T0 + 10 * MINUTE,
    });

    await x.advance(10 * MINUTE - 1);
    expect(x.originates()).toBe(1);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'nothingDue',
      nextDueAt: T0 + 10 * MINUTE,
      waitReason: null,
    });
    await x.advance(1);
    expect(x.originates()).toBe(2);
    expect(await x.lead(1)).toMatchObject({ state: 'dialing', attempts: 2 });
  });

  it('fails a lead after its last attempt and then completes the campaign', async () => {
    const x = await harness({ leads: 1 });
    x.scheduler.start();
    await x.quiet();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await x.hangUp(`attempt-${attempt}`, BUSY);
      await x.advance(10 * MINUTE);
    }
    expect(x.originates()).toBe(3);
    expect(await x.lead(1)).toMatchObject({ state: 'failed', attempts: 3, lastOutcome: 'busy' });
    expect((await status(x)).status).toBe('completed');
  });

  it('gives a lead recycled for a redial a fresh set of attempts', async () => {
    const x = await harness({ leads: 1 });
    x.scheduler.start();
    await x.quiet();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await x.hangUp(`attempt-${attempt}`, BUSY);
      await x.advance(10 * MINUTE);
    }
    expect((await x.lead(1)).state).toBe('failed');
    await createLeadOperations(x.store.db).recycle('lead-1', 'failed', 'redial', x.clock.now());
    await x.campaigns.changeStatus(CAMPAIGN, 'completed', 'running', null, x.clock.now());
    await x.quiet();
    await x.hangUp('attempt-4', BUSY);
    // The fourth attempt is the first of its round: busy is retried, not final.
    expect(await x.lead(1)).toMatchObject({ state: 'pending', attempts: 4, lastOutcome: 'busy' });
  });

  it('re-checks the do-not-call list at claim time', async () => {
    const x = await harness({ leads: 2 });
    await createDncRepository(x.store.db).add({
      campaignId: null,
      phone: '+15550200001',
      reason: 'complaint',
      createdAt: T0,
    });
    x.scheduler.start();
    await x.quiet();
    expect((await x.openAttempts()).map((a) => a.leadId)).toEqual(['lead-2']);
    expect(await x.lead(1)).toMatchObject({
      state: 'dnc',
      attempts: 0,
      lastError: 'on the global do-not-call list (complaint)',
    });
  });

  it('pauses a campaign with the consent gate on but no recording, saying why', async () => {
    const x = await harness({
      campaign: { consent: { enabled: true, recordingId: null, timeoutSec: 8 } },
    });
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect(await status(x)).toEqual({
      status: 'paused',
      reason: 'the consent gate is on but no recording is chosen',
    });
  });

  it("plays the campaign's consent recording as the library has it", async () => {
    const x = await harness({
      campaign: { consent: { enabled: true, recordingId: 'rec-consent', timeoutSec: 8 } },
      leads: 1,
      media: { 'rec-consent': { uri: 'sound:dialstate/consent-3f2a', durationMs: 2_000 } },
      withRecordings: ['rec-consent'],
    });
    x.scheduler.start();
    await x.quiet();
    const attempt = await x.journal.loadAttempt('attempt-1');
    expect(attempt?.input.consent).toEqual({
      media: 'sound:dialstate/consent-3f2a',
      timeoutMs: 8_000,
      promptMaxMs: 7_000,
    });
  });
});

describe('campaign scheduler: circuit breaker', () => {
  it('pauses the campaign after 5 originates in a row fail, recording why', async () => {
    const x = await harness({ campaign: { maxConcurrent: 1 }, leads: 8 });
    for (let i = 0; i < 6; i += 1) x.callControl.failNext('originate', 400, 'Allocation failed');
    x.scheduler.start();
    await x.quiet();

    expect(x.originates()).toBe(5);
    expect(await status(x)).toEqual({
      status: 'paused',
      reason:
        'circuit breaker: 5 calls in a row failed before being answered (last: originate failed (HTTP 400): Allocation failed)',
    });
    await x.advance(MINUTE);
    expect(x.originates()).toBe(5);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'circuitOpen',
      detail:
        '5 calls in a row failed before being answered (last: originate failed (HTTP 400): Allocation failed)',
      retryAt: null,
    });
  });

  it('starts counting again after a call that got through', async () => {
    const x = await harness({ campaign: { maxConcurrent: 1 }, leads: 10 });
    for (let i = 0; i < 4; i += 1) x.callControl.failNext('originate', 400, 'boom');
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(5);
    for (let i = 0; i < 4; i += 1) x.callControl.failNext('originate', 400, 'boom');
    await x.hangUp('attempt-5', BUSY);
    expect(x.originates()).toBe(10);
    expect((await status(x)).status).toBe('running');
  });
});

describe('campaign scheduler: completion and stopping', () => {
  it('completes a campaign once every lead is finished and nothing is live', async () => {
    const x = await harness({ leads: 2 });
    x.scheduler.start();
    await x.quiet();
    await x.hangUp('attempt-1', INVALID_NUMBER);
    expect((await status(x)).status).toBe('running');
    await x.hangUp('attempt-2', INVALID_NUMBER);
    expect((await status(x)).status).toBe('completed');
  });

  it('completes a finished campaign outside its calling window too', async () => {
    const x = await harness({ now: T0 - 60 * MINUTE });
    const leads = createLeadOperations(x.store.db);
    for (const id of ['lead-1', 'lead-2', 'lead-3']) await leads.cancelPending(id, T0);
    x.scheduler.start();
    await x.quiet();
    expect((await status(x)).status).toBe('completed');
  });

  it('stops claiming once stopped and leaves live calls alone', async () => {
    const x = await harness({ campaign: { maxConcurrent: 2 }, leads: 5 });
    x.scheduler.start();
    await x.quiet();
    await x.scheduler.stop();
    await x.send('attempt-1', { type: 'channel.hungUp', cause: BUSY });
    x.clock.increment(MINUTE);
    await x.runner.settled();
    expect(x.originates()).toBe(2);
    expect(await liveCount(x)).toBe(1);
  });

  it('dials nothing while ARI is disconnected and says so', async () => {
    const x = await harness();
    x.ari.connected = false;
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'ariDisconnected',
    });
    x.ari.connected = true;
    await x.advance(5_000);
    expect(x.originates()).toBe(3);
  });

  it('claims nothing while storage is unwritable and says so, then claims again', async () => {
    const storage = { writable: false };
    const x = await harness({ scheduler: { storageWritable: () => storage.writable } });
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'storageUnwritable',
    });
    storage.writable = true;
    await x.scheduler.tick();
    await x.quiet();
    expect(x.originates()).toBe(3);
  });

  it('dials nothing while the PBX is held after a transient originate failure, and says why', async () => {
    const x = await harness();
    x.ari.hold = 'an originate just failed (HTTP 503: 503 Service Unavailable)';
    x.scheduler.start();
    await x.quiet();
    expect(x.originates()).toBe(0);
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'pbxUnhealthy',
      detail: 'an originate just failed (HTTP 503: 503 Service Unavailable)',
    });
    x.ari.hold = null;
    await x.advance(5_000);
    expect(x.originates()).toBe(3);
  });

  it('explains capacity, and knows no unknown campaign', async () => {
    const x = await harness({ campaign: { maxConcurrent: 2 }, leads: 3 });
    x.scheduler.start();
    await x.quiet();
    expect(await x.scheduler.whyNotDialing(CAMPAIGN)).toEqual({
      ok: false,
      reason: 'atCampaignCapacity',
      live: 2,
      maxConcurrent: 2,
    });
    expect(await x.scheduler.whyNotDialing('nope')).toBeUndefined();
  });
});
