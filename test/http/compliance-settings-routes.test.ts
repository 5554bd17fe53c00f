import { describe, expect, it } from 'vitest';
import { apiHarnessPerTest } from '../support/api-harness.js';

const CAMPAIGN = 'campaign-reminders';
const setUp = apiHarnessPerTest();

describe('blackout dates and frequency caps over the API', () => {
  it("saves a campaign's calendar and caps, and refuses an invalid calendar where it is", async () => {
    const x = await setUp();
    const saved = await x.call('PATCH', `/api/campaigns/${CAMPAIGN}`, {
      blackoutDates: [{ from: '2026-12-24', to: '2026-12-26', name: 'Christmas' }],
      frequencyCaps: { per24h: 1, per7d: null, per30d: 4 },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      blackoutDates: [{ from: '2026-12-24', to: '2026-12-26', name: 'Christmas' }],
      frequencyCaps: { per24h: 1, per7d: null, per30d: 4 },
    });
    const invalid = await x.call('PATCH', `/api/campaigns/${CAMPAIGN}`, {
      blackoutDates: [{ from: '2026-02-30', to: '2026-02-30' }],
    });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).toContain('body.blackoutDates');
    expect(JSON.stringify(invalid.body)).toContain('is not a YYYY-MM-DD date');
    // Nothing of the bad request was kept.
    const after = await x.call('GET', `/api/campaigns/${CAMPAIGN}`);
    expect(after.body.blackoutDates).toEqual(saved.body.blackoutDates);
  });

  it("shows the zones of a lead's number", async () => {
    const x = await setUp();
    const added = await x.call('POST', `/api/campaigns/${CAMPAIGN}/leads`, {
      phone: '+1 907 555 0100',
    });
    expect(added.status).toBe(201);
    expect(added.body.lead).toMatchObject({
      phone: '+19075550100',
      timezone: null,
      phoneZones: ['America/Adak', 'America/Anchorage'],
      waitReason: null,
    });
  });

  it('serves US federal holidays to copy, in both forms', async () => {
    const x = await setUp();
    const response = await x.call('GET', '/api/blackout-presets?from=2027&years=1');
    expect(response.status).toBe(200);
    const [preset] = response.body;
    expect(preset.id).toBe('us-federal');
    expect(preset.blackoutDates[0]).toEqual({
      from: '2027-01-01',
      to: '2027-01-01',
      name: "New Year's Day",
    });
    expect(preset.setting.split(',')).toHaveLength(preset.blackoutDates.length);
    expect((await x.call('GET', '/api/blackout-presets?years=11')).status).toBe(400);
  });
});
