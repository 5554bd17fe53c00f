import type { BlackoutDate } from '../campaign/blackout-dates.js';

/**
 * Blackout presets an operator can copy into a campaign's `blackoutDates` or the
 * server's `DIALSTATE_BLACKOUT_DATES`: computed from the rules that define the days, so
 * they are right for any year rather than a table that runs out. They are a starting
 * point: which days to keep free of calls (state holidays, religious days, local rules)
 * stays the operator's decision.
 */
export interface BlackoutPreset {
  id: string;
  name: string;
  description: string;
  blackoutDates: BlackoutDate[];
}

type Rule =
  | { name: string; month: number; day: number }
  /** The `nth` `weekday` (1 = Monday … 7 = Sunday) of the month; -1 = the last. */
  | { name: string; month: number; weekday: number; nth: number };

/** The legal public holidays of 5 U.S.C. 6103(a). */
const US_FEDERAL: readonly Rule[] = [
  { name: "New Year's Day", month: 1, day: 1 },
  { name: 'Birthday of Martin Luther King, Jr.', month: 1, weekday: 1, nth: 3 },
  { name: "Washington's Birthday", month: 2, weekday: 1, nth: 3 },
  { name: 'Memorial Day', month: 5, weekday: 1, nth: -1 },
  { name: 'Juneteenth National Independence Day', month: 6, day: 19 },
  { name: 'Independence Day', month: 7, day: 4 },
  { name: 'Labor Day', month: 9, weekday: 1, nth: 1 },
  { name: 'Columbus Day', month: 10, weekday: 1, nth: 2 },
  { name: 'Veterans Day', month: 11, day: 11 },
  { name: 'Thanksgiving Day', month: 11, weekday: 4, nth: 4 },
  { name: 'Christmas Day', month: 12, day: 25 },
];

const DAY = 86_400_000;

/** ISO weekday of a UTC-midnight date. */
function isoWeekday(date: number): number {
  return ((new Date(date).getUTCDay() + 6) % 7) + 1;
}

function dateOf(rule: Rule, year: number): number {
  if ('day' in rule) return Date.UTC(year, rule.month - 1, rule.day);
  if (rule.nth > 0) {
    const first = Date.UTC(year, rule.month - 1, 1);
    const shift = (rule.weekday - isoWeekday(first) + 7) % 7;
    return first + (shift + (rule.nth - 1) * 7) * DAY;
  }
  const last = Date.UTC(year, rule.month, 0);
  return last - ((isoWeekday(last) - rule.weekday + 7) % 7) * DAY;
}

const iso = (date: number) => new Date(date).toISOString().slice(0, 10);

/**
 * US federal holidays of `years` years from `fromYear`. A fixed-date holiday on a
 * Saturday is observed the Friday before, on a Sunday the Monday after (5 U.S.C. 6103(b)
 * and Executive Order 11582): both the day and its observance are listed.
 */
export function usFederalHolidays(fromYear: number, years: number): BlackoutPreset {
  const blackoutDates: BlackoutDate[] = [];
  for (let year = fromYear; year < fromYear + years; year += 1) {
    for (const rule of US_FEDERAL) {
      const date = dateOf(rule, year);
      blackoutDates.push({ from: iso(date), to: iso(date), name: rule.name });
      const weekday = isoWeekday(date);
      if ('day' in rule && (weekday === 6 || weekday === 7)) {
        const observed = date + (weekday === 6 ? -DAY : DAY);
        blackoutDates.push({
          from: iso(observed),
          to: iso(observed),
          name: `${rule.name} (observed)`,
        });
      }
    }
  }
  blackoutDates.sort((a, b) => a.from.localeCompare(b.from));
  return {
    id: 'us-federal',
    name: `US federal holidays ${fromYear}–${fromYear + years - 1}`,
    description:
      'The legal public holidays of 5 U.S.C. 6103, with the weekday a weekend holiday is observed on. State holidays and local rules are not included.',
    blackoutDates,
  };
}
