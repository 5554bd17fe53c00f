import { describe, expect, it } from 'vitest';
import { validateBlackoutDates } from '../../src/campaign/blackout-dates.js';
import { usFederalHolidays } from '../../src/compliance/holiday-presets.js';

describe('US federal holiday preset', () => {
  it('computes 2027 from the rules, with weekend holidays observed', () => {
    const preset = usFederalHolidays(2027, 1);
    expect(preset.blackoutDates.map((d) => `${d.from} ${d.name}`)).toEqual([
      "2027-01-01 New Year's Day",
      '2027-01-18 Birthday of Martin Luther King, Jr.',
      "2027-02-15 Washington's Birthday",
      '2027-05-31 Memorial Day',
      '2027-06-18 Juneteenth National Independence Day (observed)',
      '2027-06-19 Juneteenth National Independence Day',
      '2027-07-04 Independence Day',
      '2027-07-05 Independence Day (observed)',
      '2027-09-06 Labor Day',
      '2027-10-11 Columbus Day',
      '2027-11-11 Veterans Day',
      '2027-11-25 Thanksgiving Day',
      '2027-12-24 Christmas Day (observed)',
      '2027-12-25 Christmas Day',
    ]);
    expect(validateBlackoutDates(preset.blackoutDates)).toEqual([]);
  });

  it('covers several years', () => {
    const preset = usFederalHolidays(2026, 3);
    expect(
      preset.blackoutDates.filter((d) => d.name === 'Thanksgiving Day').map((d) => d.from),
    ).toEqual(['2026-11-26', '2027-11-25', '2028-11-23']);
  });
});
