import { describe, expect, it } from 'vitest';
import type { CallingWindowSettings } from '../../src/campaign/calling-window.js';
import { callingZonesOf, checkLeadWindow } from '../../src/campaign/lead-window.js';

const weekdays9to17: CallingWindowSettings = {
  timezone: 'America/New_York',
  window: { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] },
  startsAt: null,
  endsAt: null,
};

describe("a lead's calling zones", () => {
  it("take the lead's own zone, else its number's, else the campaign's", () => {
    const campaign = { timezone: 'America/New_York' };
    expect(
      callingZonesOf(campaign, { timezone: 'Europe/Paris', phoneZones: ['America/Denver'] }),
    ).toEqual({ zones: ['Europe/Paris'], source: 'lead' });
    expect(callingZonesOf(campaign, { timezone: null, phoneZones: ['America/Denver'] })).toEqual({
      zones: ['America/Denver'],
      source: 'number',
    });
    expect(callingZonesOf(campaign, { timezone: null, phoneZones: [] })).toEqual({
      zones: ['America/New_York'],
      source: 'campaign',
    });
  });
});

describe('checkLeadWindow', () => {
  it('opens a number spanning two zones only when the window is open in both (fail closed)', () => {
    // Area code 907: Anchorage (AKST, UTC−9) and Adak (HST, UTC−10), Monday 2026-11-09.
    const zones = ['America/Adak', 'America/Anchorage'];
    const nineInAnchorage = Date.parse('2026-11-09T09:00-09:00');
    const closed = checkLeadWindow(weekdays9to17, [], nineInAnchorage, zones);
    expect(closed).toMatchObject({ open: false, reason: 'outsideHours' });
    // 09:00 in Adak is 10:00 in Anchorage: the first instant both are open.
    expect(closed.open ? null : closed.opensAt).toBe(Date.parse('2026-11-09T09:00-10:00'));
    expect(closed.open ? '' : closed.detail).toMatch(
      /may ring in America\/Adak, America\/Anchorage/,
    );
    expect(checkLeadWindow(weekdays9to17, [], Date.parse('2026-11-09T09:00-10:00'), zones)).toEqual(
      { open: true },
    );
    // 17:00 in Anchorage closes it though Adak is open until 18:00 Anchorage time.
    expect(
      checkLeadWindow(weekdays9to17, [], Date.parse('2026-11-09T17:00-09:00'), zones),
    ).toMatchObject({ open: false });
  });

  it('follows a DST day in the callee zone: 09:00 EDT on the spring-forward Monday', () => {
    const sunday = Date.parse('2026-03-08T08:59-04:00');
    const check = checkLeadWindow(weekdays9to17, [], sunday, ['America/New_York']);
    expect(check.open ? null : check.opensAt).toBe(Date.parse('2026-03-09T09:00-04:00'));
    // Phoenix has no DST: the same instant is a different local hour there.
    const phoenixOpen = Date.parse('2026-03-09T09:00-07:00');
    expect(checkLeadWindow(weekdays9to17, [], phoenixOpen, ['America/Phoenix'])).toEqual({
      open: true,
    });
    expect(
      checkLeadWindow(weekdays9to17, [], phoenixOpen - 60_000, ['America/Phoenix']),
    ).toMatchObject({ open: false });
  });

  it("closes a blackout day crossing midnight in the lead's zone, and opens after it", () => {
    const allDay: CallingWindowSettings = {
      ...weekdays9to17,
      window: { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] },
    };
    const christmas = [{ from: '2026-12-25', to: '2026-12-25', name: 'Christmas Day' }];
    // 2026-12-26 02:00 UTC: the 26th in London, still the 25th in Los Angeles.
    const at = Date.parse('2026-12-26T02:00Z');
    expect(checkLeadWindow(allDay, christmas, at, ['Europe/London'])).toEqual({ open: true });
    const la = checkLeadWindow(allDay, christmas, at, ['America/Los_Angeles']);
    expect(la).toMatchObject({
      open: false,
      reason: 'blackout',
      detail: '2026-12-25 (Christmas Day) is a blackout date in America/Los_Angeles',
      opensAt: Date.parse('2026-12-26T00:00-08:00'),
    });
    // Both zones: open only once the 25th is over in Los Angeles too.
    const both = checkLeadWindow(allDay, christmas, at, ['America/Los_Angeles', 'Europe/London']);
    expect(both.open ? null : both.opensAt).toBe(Date.parse('2026-12-26T00:00-08:00'));
  });

  it('puts an opening that lands on a blackout day after it, to the next window', () => {
    // Thursday 2026-12-24 18:00 New York: the next opening would be Friday the 25th 09:00.
    const check = checkLeadWindow(
      weekdays9to17,
      [{ from: '2026-12-25', to: '2026-12-25', name: null }],
      Date.parse('2026-12-24T18:00-05:00'),
      ['America/New_York'],
    );
    expect(check.open ? null : check.opensAt).toBe(Date.parse('2026-12-28T09:00-05:00'));
  });

  it('finds no common opening when the zones never share the window', () => {
    const check = checkLeadWindow(weekdays9to17, [], Date.parse('2026-11-09T12:00Z'), [
      'Pacific/Honolulu',
      'Asia/Kolkata',
    ]);
    expect(check).toMatchObject({ open: false, opensAt: null });
  });
});
