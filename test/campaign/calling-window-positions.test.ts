import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CallingWindowSettings,
  checkCallingWindow,
  forgetCallingWindowPositions,
} from '../../src/campaign/calling-window.js';

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata'];
const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const settings: fc.Arbitrary<CallingWindowSettings> = fc.record({
  timezone: fc.constantFrom(...ZONES),
  window: fc.record({
    start: hhmm,
    end: hhmm,
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
  }),
  startsAt: fc.constant(null),
  endsAt: fc.constant(null),
});
// Around the 2026 clock changes of the zones above (March/April and October/November).
const BASE = Date.UTC(2026, 2, 1);
const instant = fc.integer({ min: 0, max: 300 * 86_400_000 }).map((offset) => BASE + offset);

describe('calling window positions remembered between checks', () => {
  it('answer exactly as a fresh computation, in any order of instants and zones', () => {
    fc.assert(
      fc.property(
        settings,
        fc.array(fc.tuple(instant, fc.option(fc.constantFrom(...ZONES), { nil: null })), {
          minLength: 1,
          maxLength: 40,
        }),
        (window, checks) => {
          forgetCallingWindowPositions();
          // Monotonic runs (as claims make) and jumps back, interleaved.
          const ordered = [...checks].sort((a, b) => a[0] - b[0]).concat(checks);
          const remembered = ordered.map(([at, zone]) => checkCallingWindow(window, at, zone));
          const fresh = ordered.map(([at, zone]) => {
            forgetCallingWindowPositions();
            return checkCallingWindow(window, at, zone);
          });
          expect(remembered).toEqual(fresh);
        },
      ),
      { numRuns: 150 },
    );
  });
});
