import { describe, expect, it } from 'vitest';
import {
  checkFrequencyCaps,
  effectiveCaps,
  NO_FREQUENCY_CAPS,
} from '../../src/campaign/frequency-caps.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AT = Date.parse('2026-11-09T15:00Z');

describe('frequency caps', () => {
  it('takes the stricter of the server and the campaign; 0 and null are no limit', () => {
    expect(
      effectiveCaps({ per24h: 3, per7d: null, per30d: 0 }, { per24h: 5, per7d: 4, per30d: null }),
    ).toEqual({ per24h: 3, per7d: 4, per30d: null });
    expect(effectiveCaps(NO_FREQUENCY_CAPS, NO_FREQUENCY_CAPS)).toEqual(NO_FREQUENCY_CAPS);
  });

  it('allows N−1 attempts in the window, blocks at exactly N until the oldest leaves', () => {
    const caps = { per24h: 2, per7d: null, per30d: null };
    expect(checkFrequencyCaps(caps, [AT - HOUR], AT)).toEqual({ capped: false });
    const twice = [AT - HOUR, AT - 5 * HOUR];
    expect(checkFrequencyCaps(caps, twice, AT)).toEqual({
      capped: true,
      dueAt: AT - 5 * HOUR + DAY,
      reason:
        'frequency cap: 2 calls to this number in the last 24 hours (limit 2, across all campaigns)',
    });
    // At the boundary: an attempt exactly 24 hours old no longer counts.
    expect(checkFrequencyCaps(caps, [AT - HOUR, AT - DAY], AT)).toEqual({ capped: false });
    expect(checkFrequencyCaps(caps, [AT - HOUR, AT - DAY + 1], AT)).toMatchObject({
      capped: true,
      dueAt: AT + 1,
    });
  });

  it('waits for the latest of the caps broken', () => {
    const caps = { per24h: 1, per7d: 2, per30d: null };
    const made = [AT - HOUR, AT - 3 * DAY];
    expect(checkFrequencyCaps(caps, made, AT)).toMatchObject({
      capped: true,
      dueAt: AT - 3 * DAY + 7 * DAY,
      reason: expect.stringContaining('last 7 days'),
    });
  });
});
