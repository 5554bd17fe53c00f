/**
 * Calling windows: whether a lead may be called at a given instant, checked at the moment
 * of each claim, in the lead's own time zone when it has one, else the campaign's.
 *
 * - The window is local wall-clock time in that zone, open on the listed ISO weekdays
 *   from `start` (included) to `end` (excluded).
 * - `end < start` crosses midnight, and the part after midnight belongs to the day the
 *   window started: Mon–Fri 22:00–02:00 is open on Saturday at 01:00 (Friday night's
 *   window) but not on Monday at 01:00 (Sunday has no window).
 * - `start === end` is open the whole calendar day, from midnight to midnight; listed
 *   days in a row join into one stretch.
 * - `startsAt` and `endsAt` (epoch ms) bound it all: closed before `startsAt` and from
 *   `endsAt` on.
 * - Invalid settings, or a lead time zone that is not a known IANA zone, fail closed.
 *
 * On days when the clocks change, the window is never open while the wall clock reads
 * outside it, and each day's window stays one unbroken stretch:
 * - A start or end time the clocks skip (spring forward) takes effect at the jump, the
 *   first instant after it: 02:30–10:00 in New York on 2026-03-08 opens at 03:00 EDT.
 * - A start time that occurs twice (fall back) opens at its last occurrence; an end time
 *   that occurs twice closes at its first. 01:30–09:00 in New York on 2026-11-01 opens
 *   at 01:30 EST, and 20:00–01:30 the evening before closes at 01:30 EDT.
 * - Midnight, the edge of an all-day window, is the first instant of the calendar day.
 *
 * So a window can open later or close earlier than its times alone suggest, never the
 * other way, and one lying wholly inside a skipped or repeated stretch does not open at all.
 */
import { DateTime, IANAZone } from 'luxon';
import type { CampaignSettings } from './campaign.js';
import { instantOfLocalTime, type LocalTime, localTimeOf, startOfLocalDay } from './local-time.js';
import { isKnownTimeZone } from './time-zone-names.js';

/** The campaign settings a calling window depends on. */
export type CallingWindowSettings = Pick<
  CampaignSettings,
  'timezone' | 'window' | 'startsAt' | 'endsAt'
>;

export type CallingWindowClosedReason =
  | 'beforeStart'
  | 'afterEnd'
  | 'outsideHours'
  | 'closedToday'
  | 'invalid';

/**
 * Whether the window is open at an instant. `closesAt` is null when it never closes
 * (every day all day, no `endsAt`); `opensAt` is null when it never opens again (after
 * `endsAt`, or invalid settings).
 */
export type CallingWindowCheck =
  | { open: true; closesAt: number | null }
  | { open: false; reason: CallingWindowClosedReason; detail: string; opensAt: number | null };

const MINUTE = 60_000;
const DAY = 86_400_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** Days searched ahead: two weeks cover a weekly schedule even if a clock change erases a day. */
const HORIZON_DAYS = 16;

/** A window in a form ready for arithmetic: minutes after midnight and a set of weekdays. */
interface Schedule {
  zone: IANAZone;
  start: number;
  end: number;
  days: ReadonlySet<number>;
  /** Names the schedule among the remembered positions (see `locate`). */
  positionsKey: string;
}

interface Stretch {
  opensAt: number;
  closesAt: number;
}

/** Problems with the calling-window settings, empty when they are usable. */
export function validateCallingWindow(settings: CallingWindowSettings): string[] {
  const problems: string[] = [];
  if (!isKnownZone(settings.timezone)) {
    problems.push(`time zone "${settings.timezone}" is not a known IANA time zone`);
  }
  for (const edge of ['start', 'end'] as const) {
    if (minutesOf(settings.window[edge]) === null) {
      problems.push(`window ${edge} "${settings.window[edge]}" is not a 24-hour HH:MM time`);
    }
  }
  const { days } = settings.window;
  if (days.length === 0) problems.push('window has no days of the week');
  const badDays = days.filter((day) => !Number.isInteger(day) || day < 1 || day > 7);
  if (badDays.length > 0) {
    problems.push(
      `window days ${badDays.join(', ')} are not ISO weekdays (1 = Monday … 7 = Sunday)`,
    );
  }
  for (const bound of ['startsAt', 'endsAt'] as const) {
    const value = settings[bound];
    if (value !== null && !Number.isFinite(value)) problems.push(`${bound} is not a time`);
  }
  if (
    settings.startsAt !== null &&
    settings.endsAt !== null &&
    settings.startsAt >= settings.endsAt
  ) {
    problems.push('startsAt is not before endsAt');
  }
  return problems;
}

/**
 * Whether a lead may be called at `at` (epoch ms), in `leadTimezone` when given, else in
 * the campaign's time zone. Never throws: bad settings come back as reason `invalid`.
 */
export function checkCallingWindow(
  settings: CallingWindowSettings,
  at: number,
  leadTimezone?: string | null,
): CallingWindowCheck {
  const schedule = scheduleOf(settings, leadTimezone);
  if (typeof schedule === 'string') {
    return { open: false, reason: 'invalid', detail: schedule, opensAt: null };
  }
  const { startsAt, endsAt } = settings;
  if (endsAt !== null && at >= endsAt) {
    const detail = `the campaign ended at ${formatInstant(endsAt, schedule.zone)}`;
    return { open: false, reason: 'afterEnd', detail, opensAt: null };
  }
  if (startsAt !== null && at < startsAt) {
    const detail = `the campaign starts at ${formatInstant(startsAt, schedule.zone)}`;
    return {
      open: false,
      reason: 'beforeStart',
      detail,
      opensAt: openingFrom(schedule, settings, startsAt),
    };
  }
  const position = locate(schedule, at);
  if (position.open) {
    const closesAt =
      position.closesAt === null || endsAt === null
        ? (position.closesAt ?? endsAt)
        : Math.min(position.closesAt, endsAt);
    return { open: true, closesAt };
  }
  const opensAt = openingFrom(schedule, settings, at);
  const local = DateTime.fromMillis(at, { zone: schedule.zone, locale: 'en-US' });
  if (!schedule.days.has(local.weekday)) {
    const detail = `${local.weekdayLong} is not a calling day in ${schedule.zone.name}`;
    return { open: false, reason: 'closedToday', detail, opensAt };
  }
  const { start, end } = settings.window;
  const detail = `outside the calling hours ${start}–${end} in ${schedule.zone.name}`;
  return { open: false, reason: 'outsideHours', detail, opensAt };
}

/**
 * The first instant at or after `at` (epoch ms) at which the window is open: `at` itself
 * when it is open now, null when it never opens again or the settings are invalid.
 */
export function nextWindowOpening(
  settings: CallingWindowSettings,
  at: number,
  leadTimezone?: string | null,
): number | null {
  const schedule = scheduleOf(settings, leadTimezone);
  if (typeof schedule === 'string') return null;
  return openingFrom(schedule, settings, Math.max(at, settings.startsAt ?? at));
}

function openingFrom(
  schedule: Schedule,
  settings: CallingWindowSettings,
  from: number,
): number | null {
  const position = locate(schedule, from);
  const opensAt = position.open ? from : position.opensAt;
  return opensAt === null || (settings.endsAt !== null && opensAt >= settings.endsAt)
    ? null
    : opensAt;
}

/** Where `at` stands in the daily window alone (see {@link locateUncached}). */
type Position = { open: true; closesAt: number | null } | { open: false; opensAt: number | null };

/**
 * The last two positions computed for each schedule, with the instants each holds for:
 * an open position holds until its run of stretches closes, a closed one until the next
 * opens. Every claim checks the window, and most ask about the same few schedules a
 * moment apart; computing a position walks up to the horizon's stretches through the
 * zone's offsets (an all-day window, which never closes, walks all of them: ~200 µs a
 * check). Two, not one: a lead whose number spans several zones is also checked at the
 * instant they all open, and that look ahead must not push out the position of now.
 */
interface KnownPosition {
  from: number;
  until: number;
  position: Position;
}
const positions = new Map<string, [KnownPosition, KnownPosition?]>();
const POSITIONS_KEPT = 1_000;

/**
 * Forgets every remembered position and schedule (for tests that compare with a fresh
 * computation).
 */
export function forgetCallingWindowPositions(): void {
  positions.clear();
  schedules.clear();
}

function locate(schedule: Schedule, at: number): Position {
  const key = schedule.positionsKey;
  const known = positions.get(key);
  if (known !== undefined) {
    for (const entry of known) {
      if (entry !== undefined && at >= entry.from && at < entry.until) return entry.position;
    }
  }
  const position = locateUncached(schedule, at);
  const until = position.open ? position.closesAt : position.opensAt;
  const entry = { from: at, until: until ?? Number.POSITIVE_INFINITY, position };
  if (known === undefined && positions.size >= POSITIONS_KEPT) positions.clear();
  positions.set(key, [entry, known?.[0]]);
  return position;
}

/**
 * Where `at` stands in the daily window alone: inside it, with the moment the run of
 * touching stretches around it closes (null past the horizon: it never closes), or
 * outside it, with the moment the next stretch opens (null: none within the horizon).
 * The answer is the same for every instant from `at` until that moment.
 */
function locateUncached(schedule: Schedule, at: number): Position {
  let closesAt: number | undefined;
  for (const stretch of stretchesFrom(schedule, at)) {
    if (closesAt === undefined) {
      if (stretch.opensAt > at) return { open: false, opensAt: stretch.opensAt };
      if (at < stretch.closesAt) closesAt = stretch.closesAt;
    } else if (stretch.opensAt <= closesAt) {
      closesAt = stretch.closesAt;
    } else {
      return { open: true, closesAt };
    }
  }
  return closesAt === undefined ? { open: false, opensAt: null } : { open: true, closesAt: null };
}

/** The window's stretches in time order, starting with the day before the one `at` falls on. */
function* stretchesFrom(schedule: Schedule, at: number): Generator<Stretch> {
  const firstDay = startOfLocalDay(localTimeOf(schedule.zone, at)) - DAY;
  for (let index = 0; index < HORIZON_DAYS; index += 1) {
    const day = firstDay + index * DAY;
    if (!schedule.days.has(isoWeekdayOf(day))) continue;
    const stretch = stretchOn(schedule, day);
    if (stretch.opensAt < stretch.closesAt) yield stretch;
  }
}

/** ISO weekday of a local day; 1970-01-01 was a Thursday. */
function isoWeekdayOf(day: LocalTime): number {
  return ((((Math.floor(day / DAY) + 3) % 7) + 7) % 7) + 1;
}

function stretchOn({ zone, start, end }: Schedule, day: LocalTime): Stretch {
  const allDay = start === end;
  const opens = allDay ? day : day + start * MINUTE;
  const closes = allDay ? day + DAY : (end < start ? day + DAY : day) + end * MINUTE;
  // Every edge of this stretch falls between these two instants. The same offset at both
  // means no clock change in between (no zone changes twice within four days), so the
  // edges need no resolving.
  const offset = zone.offset(day - DAY);
  if (offset === zone.offset(day + 3 * DAY)) {
    return { opensAt: opens - offset * MINUTE, closesAt: closes - offset * MINUTE };
  }
  return {
    opensAt: instantOfLocalTime(zone, opens, allDay ? 'first' : 'last'),
    closesAt: instantOfLocalTime(zone, closes, 'first'),
  };
}

/**
 * The schedules built so far, or the reasons they could not be, by the settings they
 * came from (see `scheduleKey`). Every claim checks the window of each lead it looks at,
 * with settings read afresh from the campaign's row: validating them and building the
 * schedule each time was half of that check (bench/claim.ts). The answer depends on the
 * settings' values only, so equal settings share it.
 */
const schedules = new Map<string, Schedule | string>();
const SCHEDULES_KEPT = 1_000;
let schedulesBuilt = 0;

/** How many schedules were built rather than found among those remembered (for tests). */
export function callingWindowSchedulesBuilt(): number {
  return schedulesBuilt;
}

/**
 * The key of the settings a schedule depends on, or null when they are not of the types
 * they should be (not remembered: their problems are worked out each time). Strings go
 * through JSON, so that no text can pass for a separator; numbers as `String` gives
 * them, which tells NaN, infinities and null apart.
 */
function scheduleKey(settings: CallingWindowSettings, leadTimezone?: string | null): string | null {
  const { timezone, window, startsAt, endsAt } = settings;
  if (typeof timezone !== 'string' || typeof window.start !== 'string') return null;
  if (typeof window.end !== 'string' || !Array.isArray(window.days)) return null;
  if (leadTimezone != null && typeof leadTimezone !== 'string') return null;
  if (!window.days.every((day) => typeof day === 'number')) return null;
  if (startsAt !== null && typeof startsAt !== 'number') return null;
  if (endsAt !== null && typeof endsAt !== 'number') return null;
  return `${JSON.stringify([timezone, window.start, window.end, leadTimezone ?? null])}${window.days.join(',')}|${String(startsAt)}|${String(endsAt)}`;
}

/** The schedule to apply, or the reason it cannot be built (remembered; see `schedules`). */
function scheduleOf(
  settings: CallingWindowSettings,
  leadTimezone?: string | null,
): Schedule | string {
  const key = scheduleKey(settings, leadTimezone);
  if (key === null) return buildSchedule(settings, leadTimezone);
  const known = schedules.get(key);
  if (known !== undefined) return known;
  const built = buildSchedule(settings, leadTimezone);
  if (schedules.size >= SCHEDULES_KEPT) schedules.clear();
  schedules.set(key, built);
  return built;
}

function buildSchedule(
  settings: CallingWindowSettings,
  leadTimezone?: string | null,
): Schedule | string {
  schedulesBuilt += 1;
  const problems = validateCallingWindow(settings);
  if (leadTimezone != null && !isKnownZone(leadTimezone)) {
    problems.push(`lead time zone "${leadTimezone}" is not a known IANA time zone`);
  }
  const start = minutesOf(settings.window.start);
  const end = minutesOf(settings.window.end);
  if (problems.length > 0 || start === null || end === null) return problems.join('; ');
  const zone = IANAZone.create(leadTimezone ?? settings.timezone);
  const days = new Set(settings.window.days);
  return {
    zone,
    start,
    end,
    days,
    positionsKey: `${zone.name}|${start}|${end}|${[...days].join(',')}`,
  };
}

function isKnownZone(name: string): boolean {
  return typeof name === 'string' && name.trim() !== '' && isKnownTimeZone(name);
}

function minutesOf(time: string): number | null {
  const match = HH_MM.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function formatInstant(at: number, zone: IANAZone): string {
  return `${DateTime.fromMillis(at, { zone }).toFormat('yyyy-MM-dd HH:mm')} (${zone.name})`;
}
