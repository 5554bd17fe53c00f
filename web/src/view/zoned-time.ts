/**
 * Wall-clock times in an IANA time zone, with the browser's Intl (no zone database of
 * our own). Used for a campaign's absolute start and end, entered in campaign time.
 */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `at` (ms; positive east of Greenwich). */
function offsetAt(at: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * `2026-03-29T09:30` in `timeZone` as epoch ms; null when the text is not such a time
 * or the zone is unknown. A wall time skipped by a DST jump resolves to the instant
 * after the jump, as the calling window does.
 */
export function wallTimeToEpoch(wall: string, timeZone: string): number | null {
  const m = WALL.exec(wall);
  if (m === null) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  try {
    // Two passes: the offset at the first guess can differ from the offset at the answer.
    const first = naive - offsetAt(naive, timeZone);
    const second = naive - offsetAt(first, timeZone);
    return Math.max(first, second);
  } catch {
    return null;
  }
}

/** Epoch ms as the `YYYY-MM-DDTHH:MM` wall time in `timeZone` (for datetime-local inputs). */
export function epochToWallTime(at: number, timeZone: string): string {
  try {
    const local = new Date(at + offsetAt(at, timeZone));
    return local.toISOString().slice(0, 16);
  } catch {
    return new Date(at).toISOString().slice(0, 16);
  }
}
