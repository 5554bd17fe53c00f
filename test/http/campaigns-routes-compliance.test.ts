import { describe, expect, it } from 'vitest';
import { apiHarnessPerTest } from '../support/api-harness.js';

const setUp = apiHarnessPerTest();

describe('the compliance settings of a campaign', () => {
  it('are off by default, and round-trip when set', async () => {
    const x = await setUp();
    const created = await x.call('POST', '/api/campaigns', { name: 'Capped', timezone: 'UTC' });
    expect(created.body).toMatchObject({
      optOutDigit: null,
      optOutRecordingId: null,
      abandonCapPercent: null,
      safeHarbourRecordingId: null,
    });

    const changed = await x.call('PATCH', '/api/campaigns/id-1', {
      optOutDigit: '9',
      abandonCapPercent: 3,
    });
    expect(changed.status).toBe(200);
    expect((await x.call('GET', '/api/campaigns/id-1')).body).toMatchObject({
      optOutDigit: '9',
      abandonCapPercent: 3,
    });
  });

  it('refuses 1 and 2 as the opt-out key, a cap of 0 and a recording the library lacks', async () => {
    const x = await setUp();
    const response = await x.call('POST', '/api/campaigns', {
      name: 'Bad',
      timezone: 'UTC',
      optOutDigit: '1',
      abandonCapPercent: 0,
    });
    expect(response.status).toBe(400);
    const paths = response.body.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['body.optOutDigit', 'body.abandonCapPercent']));

    const missing = await x.call('POST', '/api/campaigns', {
      name: 'Missing',
      timezone: 'UTC',
      safeHarbourRecordingId: 'no-such-recording',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues[0].path).toBe('body.safeHarbourRecordingId');
  });

  it('answers the abandoned-call rates with the stats, empty for a new campaign', async () => {
    const x = await setUp();
    const stats = await x.call('GET', '/api/campaigns/campaign-reminders/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.abandonment).toMatchObject({
      thresholdMs: 2_000,
      capPercent: null,
      last24h: { answered: 0, abandoned: 0, ratePercent: null },
      last30d: { answered: 0, abandoned: 0, ratePercent: null },
    });
    expect(stats.body.abandonment.daily).toHaveLength(30);
  });
});
