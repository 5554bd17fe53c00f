import { describe, expect, it } from 'vitest';
import { apiHarnessPerTest, issuesOf } from '../support/api-harness.js';

const setUp = apiHarnessPerTest();

describe('the compliance settings of a campaign', () => {
  it('are off by default, and round-trip when set', async () => {
    const x = await setUp();
    const created = await x.ok('$post', '/campaigns', {
      json: { name: 'Capped', timezone: 'UTC' },
    });
    expect(created).toMatchObject({
      optOutDigit: null,
      optOutRecordingId: null,
      abandonCapPercent: null,
      safeHarbourRecordingId: null,
    });

    const id1 = { param: { id: 'id-1' } };
    const changed = await x.api('$patch', '/campaigns/:id', {
      ...id1,
      json: { optOutDigit: '9', abandonCapPercent: 3 },
    });
    expect(changed.status).toBe(200);
    expect(await x.ok('$get', '/campaigns/:id', id1)).toMatchObject({
      optOutDigit: '9',
      abandonCapPercent: 3,
    });
  });

  it('refuses 1 and 2 as the opt-out key, a cap of 0 and a recording the library lacks', async () => {
    const x = await setUp();
    const response = await x.refused('$post', '/campaigns', {
      json: { name: 'Bad', timezone: 'UTC', optOutDigit: '1', abandonCapPercent: 0 },
    });
    expect(response.status).toBe(400);
    const paths = issuesOf(response).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['body.optOutDigit', 'body.abandonCapPercent']));

    const missing = await x.refused('$post', '/campaigns', {
      json: { name: 'Missing', timezone: 'UTC', safeHarbourRecordingId: 'no-such-recording' },
    });
    expect(missing.status).toBe(400);
    expect(issuesOf(missing)[0]?.path).toBe('body.safeHarbourRecordingId');
  });

  it('answers the abandoned-call rates with the stats, empty for a new campaign', async () => {
    const x = await setUp();
    const stats = await x.ok('$get', '/campaigns/:id/stats', {
      param: { id: 'campaign-reminders' },
    });
    expect(stats.abandonment).toMatchObject({
      thresholdMs: 2_000,
      capPercent: null,
      last24h: { answered: 0, abandoned: 0, ratePercent: null },
      last30d: { answered: 0, abandoned: 0, ratePercent: null },
    });
    expect(stats.abandonment.daily).toHaveLength(30);
  });
});
