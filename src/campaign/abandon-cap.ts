/**
 * The abandoned-call rate of a campaign and what its cap does to its dialing. The US
 * Telemarketing Sales Rule caps abandoned calls at 3 % of the calls a person answered,
 * per campaign over 30 days; Ofcom at 3 % over 24 hours. A campaign with a cap
 * (`abandonCapPercent`) is held to it over both windows: it slows down while one more
 * abandoned call would put it over the cap, and pauses once it is over.
 */

/** Calls a person answered in a window, and how many of them were abandoned. */
export interface AbandonCounts {
  /** Calls answered by a person (AMD took them for one). */
  answered: number;
  abandoned: number;
}

/** The windows the rules measure over. */
export const ABANDON_WINDOWS = {
  last24h: 24 * 3_600_000,
  last30d: 30 * 24 * 3_600_000,
} as const;

export type AbandonWindow = keyof typeof ABANDON_WINDOWS;

const WINDOW_WORDS: Record<AbandonWindow, string> = {
  last24h: 'the last 24 hours',
  last30d: 'the last 30 days',
};

/**
 * Fewest answered calls in a window before its rate may pause a campaign: below it one
 * abandoned call is several percent, and a campaign paused on it could not dial the
 * calls that bring the rate down until the call left the window. Below it the campaign
 * is slowed instead.
 */
export const ABANDON_CAP_MIN_ANSWERED = 20;

/**
 * How a slowed campaign dials: one call at a time, so that no call is placed while
 * another may still be waiting for the AI target.
 */
export const SLOWED_MAX_CONCURRENT = 1;

/** The rate in percent; null when no person answered. */
export function abandonRatePercent(counts: AbandonCounts): number | null {
  return counts.answered === 0 ? null : (100 * counts.abandoned) / counts.answered;
}

export type AbandonCapVerdict =
  | { action: 'none' }
  | { action: 'slow'; detail: string }
  | { action: 'pause'; detail: string };

const percent = (value: number) => `${Number(value.toFixed(2))} %`;

/**
 * What the cap does now, window by window. With at least
 * {@link ABANDON_CAP_MIN_ANSWERED} answered calls: over the cap pauses (exactly at the
 * cap is within it: the rules say "not more than"), and slows when one more abandoned
 * call would put it over. With fewer: a rate over the cap slows (it is one call or two),
 * none abandoned dials freely. A null cap does nothing.
 */
export function abandonCapVerdict(
  capPercent: number | null,
  windows: Record<AbandonWindow, AbandonCounts>,
): AbandonCapVerdict {
  if (capPercent === null) return { action: 'none' };
  let slow: string | null = null;
  for (const window of ['last30d', 'last24h'] as const) {
    const counts = windows[window];
    const rate = abandonRatePercent(counts);
    const sampled = counts.answered >= ABANDON_CAP_MIN_ANSWERED;
    if (rate !== null && rate > capPercent && sampled) {
      return {
        action: 'pause',
        detail: `abandoned calls at ${percent(rate)} of ${counts.answered} answered over ${WINDOW_WORDS[window]}, above the ${percent(capPercent)} cap`,
      };
    }
    const next = abandonRatePercent({
      answered: counts.answered + 1,
      abandoned: counts.abandoned + 1,
    });
    if (slow !== null) continue;
    if (sampled && next !== null && next > capPercent) {
      slow = `slowed: one more abandoned call would put the rate over ${WINDOW_WORDS[window]} (${counts.abandoned} of ${counts.answered}) above the ${percent(capPercent)} cap`;
    } else if (!sampled && rate !== null && rate > capPercent) {
      slow = `slowed: ${counts.abandoned} of ${counts.answered} answered over ${WINDOW_WORDS[window]} abandoned, above the ${percent(capPercent)} cap (it pauses from ${ABANDON_CAP_MIN_ANSWERED} answered on)`;
    }
  }
  return slow === null ? { action: 'none' } : { action: 'slow', detail: slow };
}
