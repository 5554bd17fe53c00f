import { describe, expect, it } from 'vitest';
import { apiHarnessPerTest, errorOf, issuesOf, openApiOf } from '../support/api-harness.js';

const CAMPAIGN = 'campaign-reminders';
const setUp = apiHarnessPerTest();
/** The sample campaign, as a route's params. */
const campaign = { param: { id: CAMPAIGN } };

describe('lifecycle actions', () => {
  it('starts a campaign and reports live calls in its stats and status', async () => {
    const x = await setUp({
      campaign: { consent: { enabled: false, recordingId: null, timeoutSec: 8 } },
    });
    x.scheduler.start();
    const started = await x.ok('$post', '/campaigns/:id/start', campaign);
    expect(started.campaign.status).toBe('running');
    await x.quiet();
    expect(x.originates()).toBe(3);

    const stats = await x.ok('$get', '/campaigns/:id/stats', campaign);
    expect(stats).toMatchObject({ leads: { dialing: 3, pending: 0 }, liveTotal: 3 });
    expect(stats.live.dialing).toBe(3);

    const [first] = await x.openAttempts();
    await x.hangUp(first?.attemptId ?? '', 17);
    const after = await x.ok('$get', '/campaigns/:id/stats', campaign);
    expect(after.outcomes).toEqual({ busy: 1 });
    expect(after.outcomesToday).toEqual({ busy: 1 });

    const status = await x.ok('$get', '/campaigns/:id/status', campaign);
    expect(status).toMatchObject({
      dialing: false,
      reason: 'nothingDue',
      window: { open: true },
      campaignTime: '2026-11-24T09:00:00-05:00',
    });
    expect(status.message).toEqual(expect.any(String));
  });

  it('says when every due lead waits for the window of its own time zone, as the schema lists', async () => {
    const x = await setUp({ campaign: { status: 'running' } });
    // 09:00 in New York, the campaign's zone, is 06:00 in Los Angeles.
    await x.store.db.updateTable('lead').set({ timezone: 'America/Los_Angeles' }).execute();
    x.scheduler.start();
    await x.quiet();
    const status = await x.ok('$get', '/campaigns/:id/status', campaign);
    expect(status).toMatchObject({
      dialing: false,
      reason: 'leadsOutsideWindow',
      message:
        'Every due lead waits for its own calling hours (the time zone of the lead or of its number, or a blackout date there); the first opens Tue 24 Nov 12:00 (America/New_York).',
      window: { open: true },
      nextWindowOpensAt: Date.parse('2026-11-24T12:00-05:00'),
    });
    const doc = openApiOf(await x.call('GET', '/api/openapi.json'));
    expect(doc.components.schemas.DialingStatus).toMatchObject({
      properties: { reason: { enum: expect.arrayContaining(['leadsOutsideWindow']) } },
    });
  });

  it('refuses to start with the reasons, as a conflict', async () => {
    const x = await setUp({
      campaign: { consent: { enabled: true, recordingId: null, timeoutSec: 8 } },
    });
    const refused = await x.refused('$post', '/campaigns/:id/start', campaign);
    expect(refused.status).toBe(409);
    expect(refused.details).toEqual({
      problems: [expect.objectContaining({ code: 'consentWithoutRecording' })],
    });
    expect((await x.campaigns.get(CAMPAIGN))?.status).toBe('draft');
  });

  it('stops with the choice to cancel pending leads', async () => {
    const x = await setUp({ campaign: { status: 'paused' }, leads: 4 });
    const published: { type: string; data: unknown }[] = [];
    x.liveHub.subscribe((event) => published.push(event));
    const stopped = await x.ok('$post', '/campaigns/:id/stop', {
      ...campaign,
      json: { cancelPending: true },
    });
    expect(stopped).toMatchObject({ campaign: { status: 'stopped' }, canceledLeads: 4 });
    const stats = await x.ok('$get', '/campaigns/:id/stats', campaign);
    expect(stats.leads.canceled).toBe(4);
    // Open lead tables hear that many leads changed at once, and reload.
    expect(published.filter((event) => event.type === 'leads')).toEqual([
      expect.objectContaining({ data: { campaignId: CAMPAIGN, leadIds: null } }),
    ]);
  });

  it('stops without a body, keeping the pending leads', async () => {
    const x = await setUp({ campaign: { status: 'paused' }, leads: 2 });
    const published: string[] = [];
    x.liveHub.subscribe((event) => published.push(event.type));
    // No body at all, which the route's type (a JSON body) does not express: sent raw.
    const response = await x.call('POST', `/api/campaigns/${CAMPAIGN}/stop`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ canceledLeads: 0 });
    expect(published).not.toContain('leads');
  });

  it('answers an action not allowed from the status with 409', async () => {
    const x = await setUp();
    const refused = await x.refused('$post', '/campaigns/:id/pause', campaign);
    expect(refused).toMatchObject({ status: 409, code: 'conflict' });
  });
});

describe('archiving', () => {
  it('unarchives an archived campaign, which then takes changes again', async () => {
    const x = await setUp({ campaign: { status: 'completed' } });
    await x.ok('$post', '/campaigns/:id/archive', campaign);
    const unarchived = await x.ok('$post', '/campaigns/:id/unarchive', campaign);
    expect(unarchived.campaign.status).not.toBe('archived');
    expect(unarchived.canceledLeads).toBe(0);
    expect((await x.campaigns.get(CAMPAIGN))?.status).toBe(unarchived.campaign.status);
    await x.ok('$patch', '/campaigns/:id', { ...campaign, json: { maxConcurrent: 2 } });
  });

  it('refuses to unarchive a campaign that is not archived', async () => {
    const x = await setUp();
    const refused = await x.refused('$post', '/campaigns/:id/unarchive', campaign);
    expect(refused.status).toBe(409);
    expect((await x.campaigns.get(CAMPAIGN))?.status).toBe('draft');
  });
});

describe('bad requests', () => {
  it('answers 404 for an unknown id on every action', async () => {
    const x = await setUp();
    for (const action of ['start', 'pause', 'stop', 'archive', 'unarchive']) {
      const response = await x.call('POST', `/api/campaigns/nope/${action}`);
      expect({ action, status: response.status, body: response.body }).toEqual({
        action,
        status: 404,
        body: { error: { code: 'notFound', message: 'campaign nope does not exist' } },
      });
    }
  });

  it('refuses a stop body whose cancelPending is not a boolean, stopping nothing', async () => {
    const x = await setUp({ campaign: { status: 'paused' }, leads: 2 });
    const response = await x.call('POST', `/api/campaigns/${CAMPAIGN}/stop`, {
      cancelPending: 'yes',
    });
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('validation');
    expect(issuesOf(errorOf(response))).toEqual([
      expect.objectContaining({ path: 'body.cancelPending' }),
    ]);
    expect((await x.campaigns.get(CAMPAIGN))?.status).toBe('paused');
  });
});
