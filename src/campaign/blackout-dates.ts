import type { IANAZone } from 'luxon';
import { instantOfLocalTime, localTimeOf, startOfLocalDay } from './local-time.js';

/**
 * Blackout dates: calendar days with no calling at all (public holidays, days of
 * mourning), per campaign and for the whole server. A day is a local calendar day in the
 * zone a lead is called in — the lead's own, its number's, else the campaign's — so
 * 25 December is off from midnight to midnight in New York and in Los Angeles alike.
 */
export interface BlackoutDate {
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Last day (included), `YYYY-MM-DD`; equal to `from` for a single day. */
  to: string;
  /** What the day is, shown in reasons ("Christmas Day"); null when not given. */
  name: string | null;
}

const DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Most entries in one list: a calendar for years, not a list of every day. */
export const MAX_BLACKOUT_ENTRIES = 1_000;
/** Longest range of one entry: a year, so a typo ("2026-12-24..2062-12-26") is caught. */
const MAX_RANGE_DAYS = 366;

/** The epoch ms of a `YYYY-MM-DD` date at UTC midnight, or null when it is not a real date. */
function dateValue(text: string): number | null {
  const match = ISO_DATE.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = Date.UTC(year, month - 1, day);
  const back = new Date(value);
  // Date.UTC rolls 2026-02-30 over into March: a real date reads back the same.
  return back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day
    ? value
    : null;
}

/** Problems with a list of blackout dates, each naming its entry; empty when usable. */
export function validateBlackoutDates(entries: readonly BlackoutDate[]): string[] {
  const problems: string[] = [];
  if (entries.length > MAX_BLACKOUT_ENTRIES) {
    problems.push(`${entries.length} blackout entries; at most ${MAX_BLACKOUT_ENTRIES}`);
  }
  entries.forEach((entry, index) => {
    const label = `blackout ${index + 1} (${entry.from}${entry.to === entry.from ? '' : `..${entry.to}`})`;
    const from = dateValue(entry.from);
    const to = dateValue(entry.to);
    if (from === null) problems.push(`${label}: "${entry.from}" is not a YYYY-MM-DD date`);
    if (to === null && entry.to !== entry.from) {
      problems.push(`${label}: "${entry.to}" is not a YYYY-MM-DD date`);
    }
    if (from === null || to === null) return;
    if (to < from) problems.push(`${label}: ends before it starts`);
    else if ((to - from) / DAY + 1 > MAX_RANGE_DAYS) {
      problems.push(`${label}: longer than ${MAX_RANGE_DAYS} days`);
    }
  });
  return problems;
}

/**
 * Reads the server setting's form: entries separated by commas, each a `YYYY-MM-DD` day
 * or a `YYYY-MM-DD..YYYY-MM-DD` range, e.g. `2026-12-25,2026-12-31..2027-01-01`.
 * Returns the entries, or the problems with the text (every one, not just the first).
 */
export function parseBlackoutList(
  text: string,
): { ok: true; entries: BlackoutDate[] } | { ok: false; problems: string[] } {
  const entries: BlackoutDate[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const [from, to, ...rest] = item.split('..').map((side) => side.trim());
    if (from === undefined || rest.length > 0) {
      return { ok: false, problems: [`"${item}" is not a date or a from..to range`] };
    }
    entries.push({ from, to: to ?? from, name: null });
  }
  const problems = validateBlackoutDates(entries);
  return problems.length === 0 ? { ok: true, entries } : { ok: false, problems };
}

/** The entry covering the local calendar day `at` falls on in `zone`, if any. */
export function blackoutAt(
  entries: readonly BlackoutDate[],
  zone: IANAZone,
  at: number,
): BlackoutDate | undefined {
  if (entries.length === 0) return undefined;
  // `YYYY-MM-DD` strings compare as the dates they name.
  const day = new Date(startOfLocalDay(localTimeOf(zone, at))).toISOString().slice(0, 10);
  return entries.find((entry) => entry.from <= day && day <= entry.to);
}

/**
 * The first instant at or after `at` whose local day in `zone` is not blacked out: `at`
 * itself when its day is free, else the local midnight after the run of blacked-out
 * days (ranges that touch or overlap are stepped over together).
 */
export function endOfBlackout(
  entries: readonly BlackoutDate[],
  zone: IANAZone,
  at: number,
): number {
  let instant = at;
  // Each step moves past one entry's last day; no list has more entries than this.
  for (let step = 0; step <= entries.length; step += 1) {
    const entry = blackoutAt(entries, zone, instant);
    if (entry === undefined) return instant;
    const lastDay = dateValue(entry.to);
    if (lastDay === null) return Number.POSITIVE_INFINITY;
    // Local midnight of the day after, as an instant (midnight is never skipped in
    // practice; where it is, the first instant after the jump).
    instant = instantOfLocalTime(zone, lastDay + DAY, 'first');
  }
  return instant;
}
