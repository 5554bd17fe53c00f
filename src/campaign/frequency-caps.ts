/**
 * Call-frequency caps: at most N attempts to the same number in a rolling 24 hours,
 * 7 days or 30 days, counted across every campaign. The server sets the limits
 * (`DIALSTATE_CAP_PER_24H` …, 0 = off); a campaign may set stricter ones for its own
 * claims, never looser. A number at its cap is not called: its lead waits, pending,
 * until the oldest attempt in the full window leaves it.
 */
export interface FrequencyCaps {
  /** Most attempts to one number in any rolling 24 hours; null = no limit. */
  per24h: number | null;
  per7d: number | null;
  per30d: number | null;
}

export const NO_FREQUENCY_CAPS: FrequencyCaps = { per24h: null, per7d: null, per30d: null };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The rolling windows, longest last, with their length and how a reason names them. */
export const CAP_WINDOWS = [
  { key: 'per24h', ms: DAY, label: '24 hours' },
  { key: 'per7d', ms: 7 * DAY, label: '7 days' },
  { key: 'per30d', ms: 30 * DAY, label: '30 days' },
] as const satisfies readonly { key: keyof FrequencyCaps; ms: number; label: string }[];

/** The longest window any cap looks back over. */
export const LONGEST_CAP_WINDOW_MS = 30 * DAY;

/**
 * The caps a campaign's claims obey: for each window the lower of the server's and the
 * campaign's (a null or 0 is no limit there).
 */
export function effectiveCaps(server: FrequencyCaps, campaign: FrequencyCaps): FrequencyCaps {
  const stricter = (a: number | null, b: number | null) => {
    const limits = [a, b].filter((n): n is number => n !== null && n > 0);
    return limits.length === 0 ? null : Math.min(...limits);
  };
  return {
    per24h: stricter(server.per24h, campaign.per24h),
    per7d: stricter(server.per7d, campaign.per7d),
    per30d: stricter(server.per30d, campaign.per30d),
  };
}

/** Whether any cap is set. */
export function hasCaps(caps: FrequencyCaps): boolean {
  return caps.per24h !== null || caps.per7d !== null || caps.per30d !== null;
}

/** Problems with caps as an operator gave them (whole numbers from 1, or null). */
export function validateFrequencyCaps(caps: FrequencyCaps): string[] {
  const problems: string[] = [];
  for (const { key } of CAP_WINDOWS) {
    const value = caps[key];
    if (value !== null && (!Number.isInteger(value) || value < 0)) {
      problems.push(`${key} must be a whole number of calls (0 or null: no limit)`);
    }
  }
  return problems;
}

export type CapVerdict = { capped: false } | { capped: true; dueAt: number; reason: string };

/**
 * Whether one more attempt at `at` would break a cap, given the times (epoch ms) of the
 * attempts already made to the number within the longest window, newest first. An
 * attempt counts for a window while `at - window < time`: exactly N in the window blocks
 * the next, and the number is due again when the oldest of those N leaves it (at
 * `time + window`). The latest such instant over every cap broken is when it is due.
 */
export function checkFrequencyCaps(
  caps: FrequencyCaps,
  newestFirst: readonly number[],
  at: number,
): CapVerdict {
  let dueAt = at;
  let reason: string | null = null;
  for (const { key, ms, label } of CAP_WINDOWS) {
    const limit = caps[key];
    if (limit === null) continue;
    const inWindow = newestFirst.filter((time) => time > at - ms);
    if (inWindow.length < limit) continue;
    // Oldest of the newest `limit` attempts: once it leaves, one more call fits.
    const blocking = inWindow[limit - 1];
    if (blocking === undefined) continue;
    const freeAt = blocking + ms;
    if (freeAt > dueAt) {
      dueAt = freeAt;
      reason = `frequency cap: ${inWindow.length} call${inWindow.length === 1 ? '' : 's'} to this number in the last ${label} (limit ${limit}, across all campaigns)`;
    }
  }
  return reason === null ? { capped: false } : { capped: true, dueAt, reason };
}
