import { describe, expect, it } from 'vitest';
import { apiHarnessPerTest } from '../support/api-harness.js';

const CAMPAIGN = 'campaign-reminders';
const campaign = { param: { id: CAMPAIGN } };
const setUp = apiHarnessPerTest();

describe('blackout dates and frequency caps over the API', () => {
  it("saves a campaign's calendar and caps, and refuses an invalid calendar where it is", async () => {
    const x = await setUp();
    const saved = await x.ok('$patch', '/campaigns/:id', {
      ...campaign,
      json: {
        blackoutDates: [{ from: '2026-12-24', to: '2026-12-26', name: 'Christmas' }],
        frequencyCaps: { per24h: 1, per7d: null, per30d: 4 },
      },
    });
    expect(saved).toMatchObject({
      blackoutDates: [{ from: '2026-12-24', to: '2026-12-26', name: 'Christmas' }],
      frequencyCaps: { per24h: 1, per7d: null, per30d: 4 },
    });
    const invalid = await x.refused('$patch', '/campaigns/:id', {
      ...campaign,
      json: { blackoutDates: [{ from: '2026-02-30', to: '2026-02-30' }] },
    });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid)).toContain('body.blackoutDates');
    expect(JSON.stringify(invalid)).toContain('is not a YYYY-MM-DD date');
    // Nothing of the bad request was kept.
    const after = await x.ok('$get', '/campaigns/:id', campaign);
    expect(after.blackoutDates).toEqual(saved.blackoutDates);
  });

  it("shows the zones of a lead's number", async () => {
    const x = await setUp();
    const added = await x.api('$post', '/campaigns/:id/leads', {
      ...campaign,
      json: { phone: '+1 907 555 0100' },
    });
    expect(added.status).toBe(201);
    expect(added.ok && added.body.lead).toMatchObject({
      phone: '+19075550100',
      timezone: null,
      phoneZones: ['America/Adak', 'America/Anchorage'],
      waitReason: null,
    });
  });

  it('serves US federal holidays to copy, in both forms', async () => {
    const x = await setUp();
    const [preset] = await x.ok('$get', '/blackout-presets', {
      query: { from: '2027', years: '1' },
    });
    expect(preset?.id).toBe('us-federal');
    expect(preset?.blackoutDates[0]).toEqual({
      from: '2027-01-01',
      to: '2027-01-01',
      name: "New Year's Day",
    });
    expect(preset?.setting.split(',')).toHaveLength(preset?.blackoutDates.length ?? -1);
    const tooMany = await x.refused('$get', '/blackout-presets', { query: { years: '11' } });
    expect(tooMany.status).toBe(400);
  });
});
