import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type CallingWindowCheck,
  type CallingWindowSettings,
  checkCallingWindow,
  nextWindowOpening,
  validateCallingWindow,
} from '../../src/campaign/calling-window.js';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];

function settings(
  timezone: string,
  window: string,
  days = EVERY_DAY,
  bounds: { startsAt?: string; endsAt?: string } = {},
): CallingWindowSettings {
  const [start = '', end = ''] = window.split('-');
  return {
    timezone,
    window: { start, end, days },
    startsAt: bounds.startsAt === undefined ? null : instant(bounds.startsAt),
    endsAt: bounds.endsAt === undefined ? null : instant(bounds.endsAt),
  };
}

/** Epoch ms of an ISO time written with its UTC offset, e.g. `2026-03-08T03:00-04:00`. */
function instant(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not an ISO time with offset: ${iso}`);
  return ms;
}

/** The instant in the zone's own local time with offset, so DST rules show in the tables. */
function local(ms: number | null, timezone: string): string {
  if (ms === null) return 'never';
  return DateTime.fromMillis(ms, { zone: timezone }).toISO({
    suppressSeconds: true,
    suppressMilliseconds: true,
  }) as string;
}

/** "open until …" or "<reason> until …": the whole answer on one readable line. */
function verdict(check: CallingWindowCheck, timezone: string): string {
  return check.open
    ? `open until ${local(check.closesAt, timezone)}`
    : `${check.reason} until ${local(check.opensAt, timezone)}`;
}

function verdictAt(
  window: CallingWindowSettings,
  at: string,
  leadTimezone?: string | null,
): string {
  return verdict(
    checkCallingWindow(window, instant(at), leadTimezone),
    leadTimezone ?? window.timezone,
  );
}

describe('checkCallingWindow on ordinary days', () => {
  const kolkata = settings('Asia/Kolkata', '09:00-21:00', [1, 2, 3, 4, 5, 6]);

  // biome-ignore format: one case per line reads as a table
  it.each([
    ['opens at the start time', '2026-03-09T09:00+05:30', 'open until 2026-03-09T21:00+05:30'],
    ['is closed a minute before it', '2026-03-09T08:59+05:30', 'outsideHours until 2026-03-09T09:00+05:30'],
    ['excludes the end time', '2026-03-09T21:00+05:30', 'outsideHours until 2026-03-10T09:00+05:30'],
    ['is closed on an unlisted day', '2026-03-08T12:00+05:30', 'closedToday until 2026-03-09T09:00+05:30'],
    ['skips unlisted days to the next opening', '2026-03-14T21:30+05:30', 'outsideHours until 2026-03-16T09:00+05:30'],
  ])('%s (Asia/Kolkata, +05:30 all year)', (_, at, expected) => {
    expect(verdictAt(kolkata, at)).toBe(expected);
  });

  // biome-ignore format: one case per line reads as a table
  it.each([
    ['Tuesday', '2026-03-10T12:00+05:30', 'open until 2026-03-10T16:00+05:30'],
    ['Wednesday', '2026-03-11T12:00+05:30', 'closedToday until 2026-03-12T10:00+05:30'],
    ['Thursday', '2026-03-12T12:00+05:30', 'open until 2026-03-12T16:00+05:30'],
    ['Friday', '2026-03-13T12:00+05:30', 'closedToday until 2026-03-17T10:00+05:30'],
  ])('follows the listed days of the week on %s', (_, at, expected) => {
    expect(verdictAt(settings('Asia/Kolkata', '10:00-16:00', [2, 4]), at)).toBe(expected);
  });
});

describe('checkCallingWindow across midnight', () => {
  // Mon–Fri 22:00–02:00 in winter: 2026-01-09 is a Friday.
  const nights = settings('America/New_York', '22:00-02:00', WEEKDAYS);

  // biome-ignore format: one case per line reads as a table
  it.each([
    ['opens Friday night', '2026-01-09T23:00-05:00', 'open until 2026-01-10T02:00-05:00'],
    ['keeps Friday night open into Saturday', '2026-01-10T01:00-05:00', 'open until 2026-01-10T02:00-05:00'],
    ['closes Saturday when Friday night ends', '2026-01-10T02:00-05:00', 'closedToday until 2026-01-12T22:00-05:00'],
    ['has no Sunday night', '2026-01-11T23:00-05:00', 'closedToday until 2026-01-12T22:00-05:00'],
    ['is closed early Monday, as Sunday had no window', '2026-01-12T01:00-05:00', 'outsideHours until 2026-01-12T22:00-05:00'],
    ['keeps Monday night open into Tuesday', '2026-01-13T01:59-05:00', 'open until 2026-01-13T02:00-05:00'],
  ])('%s', (_, at, expected) => {
    expect(verdictAt(nights, at)).toBe(expected);
  });
});

describe('checkCallingWindow with start equal to end', () => {
  // biome-ignore format: one case per line reads as a table
  it.each([
    ['opens the whole listed day', '2026-01-12T00:00-05:00', 'open until 2026-01-17T00:00-05:00'],
    ['joins listed days in a row', '2026-01-16T23:59-05:00', 'open until 2026-01-17T00:00-05:00'],
    ['stays closed on unlisted days', '2026-01-18T23:59-05:00', 'closedToday until 2026-01-19T00:00-05:00'],
  ])('%s', (_, at, expected) => {
    expect(verdictAt(settings('America/New_York', '00:00-00:00', WEEKDAYS), at)).toBe(expected);
  });

  it('means the calendar day whatever the time given', () => {
    const window = settings('America/New_York', '09:00-09:00', WEEKDAYS);
    expect(verdictAt(window, '2026-01-12T05:00-05:00')).toBe('open until 2026-01-17T00:00-05:00');
  });

  it('never closes when open every day', () => {
    const window = settings('America/New_York', '00:00-00:00');
    expect(verdictAt(window, '2026-01-12T05:00-05:00')).toBe('open until never');
  });
});

describe('checkCallingWindow with absolute start and end', () => {
  const bounded = settings('America/New_York', '09:00-17:00', WEEKDAYS, {
    startsAt: '2026-01-12T12:00-05:00',
    endsAt: '2026-01-16T15:00-05:00',
  });

  // biome-ignore format: one case per line reads as a table
  it.each([
    ['is closed before the start, opening at it', '2026-01-12T10:00-05:00', 'beforeStart until 2026-01-12T12:00-05:00'],
    ['opens at the start', '2026-01-12T12:00-05:00', 'open until 2026-01-12T17:00-05:00'],
    ['closes at the end mid-window', '2026-01-16T14:00-05:00', 'open until 2026-01-16T15:00-05:00'],
    ['never opens again after the end', '2026-01-16T15:00-05:00', 'afterEnd until never'],
  ])('%s', (_, at, expected) => {
    expect(verdictAt(bounded, at)).toBe(expected);
  });

  it('opens at the first window after a start that falls at night', () => {
    const window = settings('America/New_York', '09:00-17:00', WEEKDAYS, {
      startsAt: '2026-01-09T20:00-05:00',
    });
    expect(verdictAt(window, '2026-01-09T10:00-05:00')).toBe(
      'beforeStart until 2026-01-12T09:00-05:00',
    );
  });

  it('closes an all-day window at the end', () => {
    const window = settings('America/New_York', '00:00-00:00', EVERY_DAY, {
      endsAt: '2026-02-01T00:00-05:00',
    });
    expect(verdictAt(window, '2026-01-12T05:00-05:00')).toBe('open until 2026-02-01T00:00-05:00');
  });

  it('does not open when the next window starts after the end', () => {
    const window = settings('America/New_York', '09:00-17:00', WEEKDAYS, {
      endsAt: '2026-01-12T09:00-05:00',
    });
    expect(verdictAt(window, '2026-01-10T12:00-05:00')).toBe('closedToday until never');
  });

  it('gives the end time in the detail', () => {
    const check = checkCallingWindow(bounded, instant('2026-01-20T10:00-05:00'));
    expect(check).toMatchObject({
      detail: 'the campaign ended at 2026-01-16 15:00 (America/New_York)',
    });
  });
});

describe('checkCallingWindow in the lead’s time zone', () => {
  const newYork = settings('America/New_York', '09:00-17:00', WEEKDAYS);

  it('uses the lead’s time zone over the campaign’s', () => {
    // 13:00 in New York is 18:00 in London: the campaign's window is open, the lead's is not.
    expect(verdictAt(newYork, '2026-01-12T18:00+00:00')).toBe('open until 2026-01-12T17:00-05:00');
    expect(verdictAt(newYork, '2026-01-12T18:00+00:00', 'Europe/London')).toBe(
      'outsideHours until 2026-01-13T09:00+00:00',
    );
  });

  it('opens for the lead while the campaign’s window is still closed', () => {
    expect(verdictAt(newYork, '2026-01-12T09:00+00:00', 'Europe/London')).toBe(
      'open until 2026-01-12T17:00+00:00',
    );
  });

  it('uses the campaign’s time zone when the lead has none', () => {
    expect(verdictAt(newYork, '2026-01-12T09:00-05:00', null)).toBe(
      'open until 2026-01-12T17:00-05:00',
    );
  });

  it('fails closed on an unknown lead time zone and names it', () => {
    const check = checkCallingWindow(
      newYork,
      instant('2026-01-12T12:00-05:00'),
      'Mars/Olympus_Mons',
    );
    expect(check).toEqual({
      open: false,
      reason: 'invalid',
      detail: 'lead time zone "Mars/Olympus_Mons" is not a known IANA time zone',
      opensAt: null,
    });
  });
});

describe('checkCallingWindow on days the clocks change', () => {
  // biome-ignore format: one case per line reads as a table
  it.each([
    // America/New_York springs forward 2026-03-08 02:00 EST → 03:00 EDT.
    ['America/New_York', '02:30-10:00', '2026-03-08T01:59-05:00', 'outsideHours until 2026-03-08T03:00-04:00'],
    ['America/New_York', '02:30-10:00', '2026-03-08T03:00-04:00', 'open until 2026-03-08T10:00-04:00'],
    ['America/New_York', '22:00-02:30', '2026-03-08T01:59-05:00', 'open until 2026-03-08T03:00-04:00'],
    ['America/New_York', '02:00-02:45', '2026-03-08T01:00-05:00', 'outsideHours until 2026-03-09T02:00-04:00'],
    ['America/New_York', '09:00-17:00', '2026-03-08T09:00-04:00', 'open until 2026-03-08T17:00-04:00'],
    ['America/New_York', '22:00-06:00', '2026-03-07T22:00-05:00', 'open until 2026-03-08T06:00-04:00'],
    // America/New_York falls back 2026-11-01 02:00 EDT → 01:00 EST.
    ['America/New_York', '01:30-09:00', '2026-11-01T01:45-04:00', 'outsideHours until 2026-11-01T01:30-05:00'],
    ['America/New_York', '20:00-01:30', '2026-11-01T01:15-04:00', 'open until 2026-11-01T01:30-04:00'],
    ['America/New_York', '20:00-01:30', '2026-11-01T01:15-05:00', 'outsideHours until 2026-11-01T20:00-05:00'],
    ['America/New_York', '01:00-01:30', '2026-11-01T00:30-04:00', 'outsideHours until 2026-11-02T01:00-05:00'],
    ['America/New_York', '22:00-06:00', '2026-10-31T22:00-04:00', 'open until 2026-11-01T06:00-05:00'],
    // Europe/London springs forward 2026-03-29 01:00 GMT → 02:00 BST.
    ['Europe/London', '01:30-08:00', '2026-03-29T00:59+00:00', 'outsideHours until 2026-03-29T02:00+01:00'],
    ['Europe/London', '23:00-01:30', '2026-03-29T00:30+00:00', 'open until 2026-03-29T02:00+01:00'],
    // Europe/London falls back 2026-10-25 02:00 BST → 01:00 GMT.
    ['Europe/London', '01:30-09:00', '2026-10-25T01:30+01:00', 'outsideHours until 2026-10-25T01:30+00:00'],
    ['Europe/London', '18:00-01:30', '2026-10-25T01:29+01:00', 'open until 2026-10-25T01:30+01:00'],
    ['Europe/London', '18:00-01:30', '2026-10-25T01:10+00:00', 'outsideHours until 2026-10-25T18:00+00:00'],
    // Australia/Lord_Howe falls back half an hour 2026-04-05 02:00 +11:00 → 01:30 +10:30.
    ['Australia/Lord_Howe', '01:45-08:00', '2026-04-05T01:45+11:00', 'outsideHours until 2026-04-05T01:45+10:30'],
    ['Australia/Lord_Howe', '20:00-01:45', '2026-04-05T01:40+11:00', 'open until 2026-04-05T01:45+11:00'],
    ['Australia/Lord_Howe', '20:00-01:45', '2026-04-05T01:40+10:30', 'outsideHours until 2026-04-05T20:00+10:30'],
    // Australia/Lord_Howe springs forward half an hour 2026-10-04 02:00 +10:30 → 02:30 +11:00.
    ['Australia/Lord_Howe', '02:15-09:00', '2026-10-04T01:59+10:30', 'outsideHours until 2026-10-04T02:30+11:00'],
    ['Australia/Lord_Howe', '09:00-17:00', '2026-10-04T09:00+11:00', 'open until 2026-10-04T17:00+11:00'],
    ['Australia/Lord_Howe', '09:00-17:00', '2026-10-03T17:00+10:30', 'outsideHours until 2026-10-04T09:00+11:00'],
    // Asia/Kolkata has no DST: New York's change day is an ordinary day there.
    ['Asia/Kolkata', '09:00-21:00', '2026-03-08T08:59+05:30', 'outsideHours until 2026-03-08T09:00+05:30'],
  ])('%s %s at %s is %s', (timezone, window, at, expected) => {
    expect(verdictAt(settings(timezone, window), at)).toBe(expected);
  });

  it('makes an all-day window as long as the local day', () => {
    const sundays = settings('America/New_York', '00:00-00:00', [7]);
    expect(verdictAt(sundays, '2026-03-08T00:00-05:00')).toBe('open until 2026-03-09T00:00-04:00');
    expect(verdictAt(sundays, '2026-11-01T00:00-04:00')).toBe('open until 2026-11-02T00:00-05:00');
  });

  const changes = [
    ['America/New_York', '2026-03-08'],
    ['America/New_York', '2026-11-01'],
    ['Europe/London', '2026-03-29'],
    ['Europe/London', '2026-10-25'],
    ['Australia/Lord_Howe', '2026-04-05'],
    ['Australia/Lord_Howe', '2026-10-04'],
  ] as const;
  const windows = [
    '01:30-09:00',
    '01:45-08:00',
    '20:00-01:45',
    '02:15-02:45',
    '22:00-06:00',
    '00:00-00:00',
  ];

  it.each(changes)('follows the wall clock in %s around %s, with exact edges', (timezone, date) => {
    const violations: string[] = [];
    const from = instant(`${date}T00:00Z`) - 86_400_000;
    for (const window of windows) {
      const every = settings(timezone, window, [2, 4, 6, 7]);
      const isOpenAt = (ms: number) => checkCallingWindow(every, ms).open;
      const edgesSeen = new Set<number>();
      for (let at = from; at < from + 3 * 86_400_000; at += 10 * 60_000) {
        const check = checkCallingWindow(every, at);
        const where = `${window} at ${local(at, timezone)}`;
        const inside = isInsideByWallClock(every, at);
        // Closed while the clock reads inside is the price of the DST rules, so only near a change.
        if (check.open && !inside) violations.push(`${where}: open, clock reads outside`);
        if (!check.open && inside && !isNearClockChange(timezone, at)) {
          violations.push(`${where}: closed, clock reads inside`);
        }
        const edge = check.open ? check.closesAt : check.opensAt;
        if (edge === null || edgesSeen.has(edge)) continue;
        edgesSeen.add(edge);
        if (isOpenAt(edge - 1) !== check.open || isOpenAt(edge) === check.open) {
          violations.push(`${where}: the window does not change at ${local(edge, timezone)}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});

/** Independent reading of the rules from the wall clock alone, ignoring DST subtleties. */
function isInsideByWallClock({ timezone, window }: CallingWindowSettings, at: number): boolean {
  const clock = DateTime.fromMillis(at, { zone: timezone });
  const minutes = clock.hour * 60 + clock.minute;
  const [start, end] = [window.start, window.end].map((time) => {
    const [hours = 0, mins = 0] = time.split(':').map(Number);
    return hours * 60 + mins;
  }) as [number, number];
  const today = window.days.includes(clock.weekday);
  const yesterday = window.days.includes(((clock.weekday + 5) % 7) + 1);
  if (start === end) return today;
  if (start < end) return today && minutes >= start && minutes < end;
  return (today && minutes >= start) || (yesterday && minutes < end);
}

function isNearClockChange(timezone: string, at: number): boolean {
  const offset = (ms: number) => DateTime.fromMillis(ms, { zone: timezone }).offset;
  return offset(at - 3_600_000) !== offset(at + 3_600_000);
}

describe('nextWindowOpening', () => {
  // biome-ignore format: one case per line reads as a table
  it.each([
    ['America/New_York', 'across a weekend and a spring-forward change', '2026-03-06T17:00-05:00', '2026-03-09T09:00-04:00'],
    ['Europe/London', 'across a weekend and a fall-back change', '2026-10-23T18:00+01:00', '2026-10-26T09:00+00:00'],
    ['Australia/Lord_Howe', 'across a half-hour change', '2026-10-02T17:00+10:30', '2026-10-05T09:00+11:00'],
    ['Asia/Kolkata', 'later the same day', '2026-03-09T07:00+05:30', '2026-03-09T09:00+05:30'],
  ])('finds the next weekday opening in %s %s', (timezone, _, at, expected) => {
    const opening = nextWindowOpening(settings(timezone, '09:00-17:00', WEEKDAYS), instant(at));
    expect(local(opening, timezone)).toBe(expected);
  });

  it('returns the instant itself when the window is open', () => {
    const at = instant('2026-03-09T10:00-04:00');
    expect(nextWindowOpening(settings('America/New_York', '09:00-17:00'), at)).toBe(at);
  });

  it('opens no earlier than startsAt', () => {
    const window = settings('America/New_York', '09:00-17:00', WEEKDAYS, {
      startsAt: '2026-03-10T11:00-04:00',
    });
    expect(nextWindowOpening(window, instant('2026-03-09T10:00-04:00'))).toBe(
      instant('2026-03-10T11:00-04:00'),
    );
  });

  it('is null from endsAt on', () => {
    const window = settings('America/New_York', '09:00-17:00', WEEKDAYS, {
      endsAt: '2026-03-10T11:00-04:00',
    });
    expect(nextWindowOpening(window, instant('2026-03-10T11:00-04:00'))).toBeNull();
  });

  it('uses the lead’s time zone', () => {
    const window = settings('America/New_York', '09:00-17:00', WEEKDAYS);
    expect(nextWindowOpening(window, instant('2026-03-09T07:00+05:30'), 'Asia/Kolkata')).toBe(
      instant('2026-03-09T09:00+05:30'),
    );
  });

  it('is null when the settings are invalid', () => {
    expect(nextWindowOpening(settings('America/New_York', '09:00-17:00', []), 0)).toBeNull();
  });
});

describe('validateCallingWindow', () => {
  it('accepts good settings', () => {
    expect(validateCallingWindow(settings('Australia/Lord_Howe', '22:00-02:00', WEEKDAYS))).toEqual(
      [],
    );
  });

  // biome-ignore format: one case per line reads as a table
  it.each([
    ['an unknown time zone', settings('America/Springfield', '09:00-17:00'), 'time zone "America/Springfield" is not a known IANA time zone'],
    ['an empty time zone', settings('', '09:00-17:00'), 'time zone "" is not a known IANA time zone'],
    ['a start without a leading zero', settings('UTC', '9:00-17:00'), 'window start "9:00" is not a 24-hour HH:MM time'],
    ['an end at 24:00', settings('UTC', '09:00-24:00'), 'window end "24:00" is not a 24-hour HH:MM time'],
    ['minute 60', settings('UTC', '09:60-17:00'), 'window start "09:60" is not a 24-hour HH:MM time'],
    ['no days', settings('UTC', '09:00-17:00', []), 'window has no days of the week'],
    ['days outside 1–7', settings('UTC', '09:00-17:00', [0, 1, 8]), 'window days 0, 8 are not ISO weekdays (1 = Monday … 7 = Sunday)'],
    ['a fractional day', settings('UTC', '09:00-17:00', [1.5]), 'window days 1.5 are not ISO weekdays (1 = Monday … 7 = Sunday)'],
    ['startsAt equal to endsAt', settings('UTC', '09:00-17:00', WEEKDAYS, { startsAt: '2026-01-01T00:00Z', endsAt: '2026-01-01T00:00Z' }), 'startsAt is not before endsAt'],
  ])('reports %s', (_, invalid, problem) => {
    expect(validateCallingWindow(invalid)).toEqual([problem]);
  });

  it('reports every problem at once', () => {
    expect(validateCallingWindow(settings('Nowhere', '25:00-x', []))).toHaveLength(4);
  });

  it('makes checkCallingWindow fail closed with the problems as detail', () => {
    const check = checkCallingWindow(
      settings('UTC', '09:00-17:00', []),
      instant('2026-01-12T10:00Z'),
    );
    expect(check).toEqual({
      open: false,
      reason: 'invalid',
      detail: 'window has no days of the week',
      opensAt: null,
    });
  });
});
