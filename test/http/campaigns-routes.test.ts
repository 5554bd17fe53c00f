import { describe, expect, it } from 'vitest';
import { apiHarnessPerTest, errorOf, issuesOf } from '../support/api-harness.js';
import { countCampaignRows, seedCampaignRows } from '../support/campaign-rows-seed.js';

const CAMPAIGN = 'campaign-reminders';
const setUp = apiHarnessPerTest();

describe('creating and reading campaigns', () => {
  it('creates a draft with the defaults for what the request leaves out', async () => {
    const x = await setUp();
    const created = await x.api('$post', '/campaigns', {
      json: { name: 'Flu shots', timezone: 'Europe/London', maxConcurrent: 5 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'id-1',
      name: 'Flu shots',
      timezone: 'Europe/London',
      status: 'draft',
      maxConcurrent: 5,
      minIntervalMs: 1000,
      window: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
      consent: { enabled: false, recordingId: null, timeoutSec: 8 },
      amd: { initialSilence: 2000, greeting: 2000, notSureAs: 'machine' },
      availableActions: expect.arrayContaining(['start']),
    });
    expect(await x.ok('$get', '/campaigns/:id', { param: { id: 'id-1' } })).toEqual(created.body);
    const list = await x.ok('$get', '/campaigns', {});
    expect(list.campaigns.map((c) => c.id)).toEqual([CAMPAIGN, 'id-1']);
  });

  it('refuses bad settings with every problem and where it is, creating nothing', async () => {
    const x = await setUp();
    const response = await x.call('POST', '/api/campaigns', {
      name: '',
      timezone: 'Mars/Olympus',
      window: { start: '9:00', end: '17:00', days: [1, 8] },
      maxConcurrent: 0,
      dialEverything: true,
    });
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('validation');
    const paths = issuesOf(errorOf(response)).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.timezone',
        'body.window.start',
        'body.window.days.1',
        'body.maxConcurrent',
      ]),
    );
    expect(errorOf(response).message).toMatch(/and \d+ more/);
    const list = await x.ok('$get', '/campaigns', {});
    expect(list.campaigns).toHaveLength(1);
  });

  it('refuses unknown fields rather than ignoring them', async () => {
    const x = await setUp();
    const response = await x.call('POST', '/api/campaigns', {
      name: 'A',
      timezone: 'UTC',
      maxConcurent: 3,
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(errorOf(response).details)).toContain('maxConcurent');
  });

  it('checks settings across fields: an absolute end before the start', async () => {
    const x = await setUp();
    const refused = await x.refused('$post', '/campaigns', {
      json: { name: 'A', timezone: 'UTC', startsAt: 2_000, endsAt: 1_000 },
    });
    expect(refused.status).toBe(400);
    expect(issuesOf(refused)).toEqual([
      { path: 'body.window', message: expect.stringMatching(/startsAt|end/) },
    ]);
  });

  it('answers a body that is not JSON with a 400 in the API error shape', async () => {
    const x = await setUp();
    const response = await x.call('POST', '/api/campaigns', '{"name": ');
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('validation');
  });

  it('answers unknown campaigns and routes with 404', async () => {
    const x = await setUp();
    const unknown = await x.api('$get', '/campaigns/:id', { param: { id: 'nope' } });
    expect(unknown).toMatchObject({ ok: false, status: 404 });
    expect(unknown.body).toEqual({
      error: { code: 'notFound', message: 'campaign nope does not exist' },
    });
    expect((await x.call('GET', '/api/nothing-here')).status).toBe(404);
  });

  it('answers 404 for an unknown id on every campaign route, changing nothing', async () => {
    const x = await setUp();
    const nope = { param: { id: 'nope' } };
    const refusals = {
      patch: await x.refused('$patch', '/campaigns/:id', { ...nope, json: { maxConcurrent: 2 } }),
      delete: await x.refused('$delete', '/campaigns/:id', nope),
      clone: await x.refused('$post', '/campaigns/:id/clone', nope),
      stats: await x.refused('$get', '/campaigns/:id/stats', nope),
      status: await x.refused('$get', '/campaigns/:id/status', nope),
    };
    for (const [route, refused] of Object.entries(refusals)) {
      expect({ route, ...refused }).toEqual({
        route,
        status: 404,
        code: 'notFound',
        message: 'campaign nope does not exist',
      });
    }
    const list = await x.ok('$get', '/campaigns', {});
    expect(list.campaigns.map((c) => c.id)).toEqual([CAMPAIGN]);
  });
});

describe('changing, cloning and deleting', () => {
  it('changes some settings and keeps the rest', async () => {
    const x = await setUp();
    const changed = await x.ok('$patch', '/campaigns/:id', {
      param: { id: CAMPAIGN },
      json: {
        maxConcurrent: 7,
        window: { start: '22:00', end: '06:00', days: [1, 2, 3, 4, 5, 6, 7] },
      },
    });
    expect(changed).toMatchObject({
      maxConcurrent: 7,
      window: { start: '22:00', end: '06:00' },
      name: 'Appointment reminders',
    });
    expect((await x.campaigns.get(CAMPAIGN))?.maxConcurrent).toBe(7);
  });

  it('refuses a change that breaks the settings, changing nothing', async () => {
    const x = await setUp();
    const refused = await x.refused('$patch', '/campaigns/:id', {
      param: { id: CAMPAIGN },
      json: { maxConcurrent: 9, ringTimeoutSec: 1 },
    });
    expect(refused.status).toBe(400);
    expect((await x.campaigns.get(CAMPAIGN))?.maxConcurrent).not.toBe(9);
  });

  it('clones the settings into a new draft without leads', async () => {
    const x = await setUp({ campaign: { status: 'running' } });
    const response = await x.api('$post', '/campaigns/:id/clone', { param: { id: CAMPAIGN } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      id: 'id-1',
      name: 'Appointment reminders (copy)',
      status: 'draft',
      timezone: 'America/New_York',
    });
    const stats = await x.ok('$get', '/campaigns/:id/stats', { param: { id: 'id-1' } });
    expect(stats.leads.pending).toBe(0);
  });

  it('refuses to delete a running campaign, and one with live calls', async () => {
    const x = await setUp({ campaign: { status: 'running' } });
    x.scheduler.start();
    await x.quiet();
    const campaign = { param: { id: CAMPAIGN } };
    const running = await x.refused('$delete', '/campaigns/:id', campaign);
    expect(running.status).toBe(409);
    expect(running.message).toMatch(/running/);

    await x.ok('$post', '/campaigns/:id/pause', campaign);
    const live = await x.refused('$delete', '/campaigns/:id', campaign);
    expect(live).toMatchObject({ status: 409, details: { live: 3 } });

    for (const attempt of await x.openAttempts()) await x.hangUp(attempt.attemptId, 17);
    expect((await x.api('$delete', '/campaigns/:id', campaign)).status).toBe(204);
    expect((await x.refused('$get', '/campaigns/:id', campaign)).status).toBe(404);
  });

  it('deletes a big campaign at once, and keeps answering while its rows are removed', async () => {
    const x = await setUp({ campaign: { status: 'stopped' } });
    const { id: other } = await x.ok('$post', '/campaigns', {
      json: { name: 'Other', timezone: 'Europe/London' },
    });
    await seedCampaignRows(x.store, CAMPAIGN, { leads: 40_000 });

    // The harness's health is whatever its idle engine reports; it must not change.
    const health = (await x.call('GET', '/health')).status;
    const began = performance.now();
    expect((await x.call('DELETE', `/api/campaigns/${CAMPAIGN}`)).status).toBe(204);
    expect(performance.now() - began).toBeLessThan(1000);
    expect((await x.call('GET', `/api/campaigns/${CAMPAIGN}`)).status).toBe(404);
    expect((await x.call('GET', `/api/campaigns/${CAMPAIGN}/leads`)).status).toBe(404);
    const list = await x.ok('$get', '/campaigns', {});
    expect(list.campaigns.map((c) => c.id)).toEqual([other]);

    let purging = true;
    const purged = x.campaignPurge.idle().then(() => {
      purging = false;
    });
    let slowest = 0;
    let requests = 0;
    while (purging) {
      const t0 = performance.now();
      expect((await x.call('GET', '/health')).status).toBe(health);
      expect((await x.call('GET', `/api/campaigns/${other}/stats`)).status).toBe(200);
      slowest = Math.max(slowest, performance.now() - t0);
      requests += 1;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await purged;
    expect(requests).toBeGreaterThan(3);
    expect(slowest).toBeLessThan(500);
    expect(Object.values(countCampaignRows(x.store, CAMPAIGN)).every((n) => n === 0)).toBe(true);
  });

  it('refuses changes to an archived campaign', async () => {
    const x = await setUp({ campaign: { status: 'completed' } });
    await x.ok('$post', '/campaigns/:id/archive', { param: { id: CAMPAIGN } });
    const refused = await x.refused('$patch', '/campaigns/:id', {
      param: { id: CAMPAIGN },
      json: { maxConcurrent: 2 },
    });
    expect(refused.status).toBe(409);
  });
});

describe('bearer token', () => {
  const TOKEN = 'a-long-enough-secret-token';

  it('refuses requests without the right token, and lets the right one in', async () => {
    const x = await setUp({ apiToken: TOKEN });
    const none = await x.api('$get', '/campaigns', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(none.ok ? none.body : none.body.error.code).toBe('unauthorized');
    const wrong = await x.api('$get', '/campaigns', {}, { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    const right = await x.api('$get', '/campaigns', {}, { authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(200);
  });

  it('needs no token when none is configured', async () => {
    const x = await setUp();
    expect((await x.api('$get', '/campaigns', {})).status).toBe(200);
  });
});
