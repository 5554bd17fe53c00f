import type { IANAZone } from 'luxon';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * A local wall-clock reading encoded as epoch ms as if the zone were UTC, e.g.
 * 2026-03-08 02:30 is `Date.UTC(2026, 2, 8, 2, 30)`. Days and minutes add without
 * DST surprises, which keeps the calendar arithmetic apart from the time-zone rules.
 */
export type LocalTime = number;

/**
 * Which instant a local time that occurs twice (the hour repeated when clocks fall back)
 * stands for: its `first` or its `last` occurrence.
 */
export type Occurrence = 'first' | 'last';

/** The local wall-clock reading of an instant (epoch ms) in `zone`. */
export function localTimeOf(zone: IANAZone, at: number): LocalTime {
  return at + zone.offset(at) * MINUTE;
}

/** Local midnight starting the calendar day that `local` falls on. */
export function startOfLocalDay(local: LocalTime): LocalTime {
  return Math.floor(local / DAY) * DAY;
}

/**
 * The instant (epoch ms) at which the clocks in `zone` read `local`.
 *
 * A reading that occurs twice resolves to the `occurrence` asked for. A reading that
 * never occurs, because the clocks jump over it, resolves to the instant of the jump:
 * the first instant whose reading is later than `local`.
 */
export function instantOfLocalTime(
  zone: IANAZone,
  local: LocalTime,
  occurrence: Occurrence,
): number {
  // Zone offsets a day either side bracket any change near `local`; real zones never
  // change twice within two days.
  const offsetBefore = zone.offset(local - DAY);
  const offsetAfter = zone.offset(local + DAY);
  if (offsetBefore === offsetAfter) return local - offsetBefore * MINUTE;
  const candidates = [local - offsetBefore * MINUTE, local - offsetAfter * MINUTE]
    .filter((at) => localTimeOf(zone, at) === local)
    .sort((a, b) => a - b);
  const found = occurrence === 'first' ? candidates[0] : candidates.at(-1);
  if (found !== undefined) return found;
  // Skipped: the clocks read earlier than `local` at `before` and later at `after`.
  let before = local - offsetAfter * MINUTE;
  let after = local - offsetBefore * MINUTE;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (localTimeOf(zone, middle) < local) before = middle;
    else after = middle;
  }
  return after;
}
