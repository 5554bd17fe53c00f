import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CallingWindowSettings,
  callingWindowSchedulesBuilt,
  checkCallingWindow,
  forgetCallingWindowPositions,
  nextWindowOpening,
} from '../../src/campaign/calling-window.js';

const AT = Date.UTC(2026, 10, 24, 15, 0, 0);
const weekdays = (): CallingWindowSettings => ({
  timezone: 'America/New_York',
  window: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] },
  startsAt: null,
  endsAt: null,
});

describe('calling window schedules remembered between checks', () => {
  it('builds the schedule of equal settings once, whichever object carries them', () => {
    forgetCallingWindowPositions();
    const before = callingWindowSchedulesBuilt();
    // Each claim reads its campaign afresh: a new object with the same values.
    for (let i = 0; i < 5; i++) expect(checkCallingWindow(weekdays(), AT).open).toBe(true);
    expect(callingWindowSchedulesBuilt() - before).toBe(1);
    // Another lead time zone, or another window, is another schedule.
    checkCallingWindow(weekdays(), AT, 'Europe/London');
    checkCallingWindow({ ...weekdays(), window: { ...weekdays().window, end: '21:00' } }, AT);
    expect(callingWindowSchedulesBuilt() - before).toBe(3);
  });

  it('keeps apart settings that differ only in ways a key could blur', () => {
    forgetCallingWindowPositions();
    const base = weekdays();
    const cases: [CallingWindowSettings, (string | null)?][] = [
      [base],
      [base, null],
      [base, ''],
      [base, 'Nowhere/Else'],
      [{ ...base, startsAt: Number.NaN }],
      [{ ...base, endsAt: Number.POSITIVE_INFINITY }],
      [{ ...base, startsAt: AT + 1, endsAt: AT }],
      [{ ...base, timezone: 'Not/AZone' }],
      [{ ...base, window: { ...base.window, days: [1, 2, 3, 4, 5.5] } }],
      // Bad data from outside the types: not remembered, still judged.
      [{ ...base, window: { ...base.window, days: ['1'] as unknown as number[] } }],
      [{ ...base, timezone: undefined as unknown as string }],
    ];
    const remembered = cases.map(([settings, zone]) => checkCallingWindow(settings, AT, zone));
    const again = cases.map(([settings, zone]) => checkCallingWindow(settings, AT, zone));
    const fresh = cases.map(([settings, zone]) => {
      forgetCallingWindowPositions();
      return checkCallingWindow(settings, AT, zone);
    });
    expect(remembered).toEqual(fresh);
    expect(again).toEqual(fresh);
    expect(fresh.map((check) => (check.open ? 'open' : check.reason))).toEqual([
      'open',
      'open',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
    ]);
  });

  it('answers exactly as a fresh computation for any settings and lead zones', () => {
    const zones = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Not/AZone', ''];
    const hhmm = fc.constantFrom('00:00', '09:00', '17:30', '22:00', '24:00', '9:00');
    const settings: fc.Arbitrary<CallingWindowSettings> = fc.record({
      timezone: fc.constantFrom(...zones),
      window: fc.record({
        start: hhmm,
        end: hhmm,
        days: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 7 }),
      }),
      startsAt: fc.constantFrom(null, AT - 1, AT + 86_400_000, Number.NaN),
      endsAt: fc.constantFrom(null, AT + 1, AT - 86_400_000, Number.POSITIVE_INFINITY),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(settings, fc.option(fc.constantFrom(...zones), { nil: null })), {
          minLength: 1,
          maxLength: 20,
        }),
        (checks) => {
          forgetCallingWindowPositions();
          const remembered = checks.map(([window, zone]) => [
            checkCallingWindow(window, AT, zone),
            nextWindowOpening(window, AT, zone),
          ]);
          const fresh = checks.map(([window, zone]) => {
            forgetCallingWindowPositions();
            return [checkCallingWindow(window, AT, zone), nextWindowOpening(window, AT, zone)];
          });
          expect(remembered).toEqual(fresh);
        },
      ),
      { numRuns: 200 },
    );
  });
});
