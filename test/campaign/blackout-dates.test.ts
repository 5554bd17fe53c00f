import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  blackoutAt,
  endOfBlackout,
  parseBlackoutList,
  validateBlackoutDates,
} from '../../src/campaign/blackout-dates.js';

const day = (date: string, name: string | null = null) => ({ from: date, to: date, name });

describe('blackout calendars', () => {
  it('reads the server setting: days and ranges, commas, spaces', () => {
    expect(parseBlackoutList(' 2026-12-25, 2026-12-31..2027-01-01 ,')).toEqual({
      ok: true,
      entries: [day('2026-12-25'), { from: '2026-12-31', to: '2027-01-01', name: null }],
    });
    expect(parseBlackoutList('')).toEqual({ ok: true, entries: [] });
  });

  it('fails closed on an invalid calendar, naming every bad entry', () => {
    expect(parseBlackoutList('2026-02-30,2026-12-25..2026-12-24,25/12/2026')).toEqual({
      ok: false,
      problems: [
        'blackout 1 (2026-02-30): "2026-02-30" is not a YYYY-MM-DD date',
        'blackout 2 (2026-12-25..2026-12-24): ends before it starts',
        'blackout 3 (25/12/2026): "25/12/2026" is not a YYYY-MM-DD date',
      ],
    });
    expect(parseBlackoutList('2026-01-01..2026-01-02..2026-01-03')).toMatchObject({ ok: false });
    expect(validateBlackoutDates([{ from: '2026-01-01', to: '2027-06-01', name: null }])).toEqual([
      'blackout 1 (2026-01-01..2027-06-01): longer than 366 days',
    ]);
    expect(validateBlackoutDates([day('2028-02-29')])).toEqual([]);
  });

  it("is a local calendar day: Christmas ends at midnight in each callee's zone", () => {
    const christmas = [day('2026-12-25', 'Christmas Day')];
    const newYork = IANAZone.create('America/New_York');
    const losAngeles = IANAZone.create('America/Los_Angeles');
    // 2026-12-26 05:30 UTC: 00:30 on the 26th in New York, 21:30 on the 25th in LA.
    const at = Date.parse('2026-12-26T05:30Z');
    expect(blackoutAt(christmas, newYork, at)).toBeUndefined();
    expect(blackoutAt(christmas, losAngeles, at)?.name).toBe('Christmas Day');
    expect(endOfBlackout(christmas, losAngeles, at)).toBe(Date.parse('2026-12-26T00:00-08:00'));
    expect(endOfBlackout(christmas, newYork, at)).toBe(at);
  });

  it('steps over ranges that touch, and past a DST change', () => {
    const entries = [{ from: '2026-03-07', to: '2026-03-08', name: null }, day('2026-03-09')];
    const newYork = IANAZone.create('America/New_York');
    // Clocks spring forward on 2026-03-08: the end is midnight EDT, not EST.
    expect(endOfBlackout(entries, newYork, Date.parse('2026-03-07T12:00-05:00'))).toBe(
      Date.parse('2026-03-10T00:00-04:00'),
    );
  });
});
