import { describe, expect, it } from 'vitest';
import {
  ABANDON_CAP_MIN_ANSWERED,
  type AbandonCounts,
  abandonCapVerdict,
  abandonRatePercent,
} from '../../src/campaign/abandon-cap.js';

const quiet: AbandonCounts = { answered: 0, abandoned: 0 };
const month = (answered: number, abandoned: number) => ({
  last24h: quiet,
  last30d: { answered, abandoned },
});

describe('abandoned-call cap', () => {
  it('does nothing without a cap, whatever the rate', () => {
    expect(abandonCapVerdict(null, month(10, 10))).toEqual({ action: 'none' });
  });

  it('is within the cap at exactly 3 %, and pauses just over it', () => {
    expect(abandonRatePercent({ answered: 100, abandoned: 3 })).toBe(3);
    expect(abandonCapVerdict(3, month(100, 3)).action).toBe('slow');
    expect(abandonCapVerdict(3, month(100, 4))).toEqual({
      action: 'pause',
      detail: 'abandoned calls at 4 % of 100 answered over the last 30 days, above the 3 % cap',
    });
    // 3.03 %: over by a hair.
    expect(abandonCapVerdict(3, month(99, 3)).action).toBe('pause');
  });

  it('slows while one more abandoned call would put it over, and dials freely otherwise', () => {
    // 3 of 100, one more: 4 of 101, 3.96 %.
    expect(abandonCapVerdict(3, month(100, 3))).toEqual({
      action: 'slow',
      detail:
        'slowed: one more abandoned call would put the rate over the last 30 days (3 of 100) above the 3 % cap',
    });
    // 2 of 100, one more: 3 of 101, 2.97 %.
    expect(abandonCapVerdict(3, month(100, 2))).toEqual({ action: 'none' });
    // A new campaign dials freely until a call is abandoned, then slows.
    expect(abandonCapVerdict(3, month(0, 0)).action).toBe('none');
    expect(abandonCapVerdict(3, month(5, 1))).toEqual({
      action: 'slow',
      detail:
        'slowed: 1 of 5 answered over the last 30 days abandoned, above the 3 % cap (it pauses from 20 answered on)',
    });
  });

  it('slows rather than pauses below the fewest answered calls a rate may pause on', () => {
    expect(abandonCapVerdict(3, month(ABANDON_CAP_MIN_ANSWERED - 1, 5)).action).toBe('slow');
    expect(abandonCapVerdict(3, month(ABANDON_CAP_MIN_ANSWERED, 5)).action).toBe('pause');
  });

  it('holds the 24-hour window to the cap too (Ofcom)', () => {
    const verdict = abandonCapVerdict(3, {
      last24h: { answered: 40, abandoned: 2 },
      last30d: { answered: 1_000, abandoned: 10 },
    });
    expect(verdict).toEqual({
      action: 'pause',
      detail: 'abandoned calls at 5 % of 40 answered over the last 24 hours, above the 3 % cap',
    });
  });
});
