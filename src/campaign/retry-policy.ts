import type { AttemptOutcome } from '../machines/attempt-types.js';

/** Lead states. `dialing` means exactly one live attempt owns the lead. */
export const LEAD_STATES = [
  'pending',
  'dialing',
  'completed',
  'failed',
  'canceled',
  'dnc',
] as const;
export type LeadState = (typeof LEAD_STATES)[number];

/** How a campaign retries a lead after each outcome. */
export interface RetryPolicy {
  /** Most attempts a lead gets in total, the first one included. */
  maxAttempts: number;
  /** Outcomes that are retried, with the delay before the next attempt (minutes). */
  retryAfterMinutes: Partial<Record<AttemptOutcome, number>>;
}

/** Busy, unanswered and interrupted calls come back; anyone reached never does. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  retryAfterMinutes: {
    busy: 10,
    no_answer: 60,
    congestion: 5,
    unavailable: 60,
    interrupted: 5,
  },
};

/** Outcomes that never retry, whatever the policy says: the person was reached or refused. */
const NEVER_RETRIED: ReadonlySet<AttemptOutcome> = new Set<AttemptOutcome>([
  'answered_human',
  'voicemail_dropped',
  'consent_denied',
  'opted_out',
  'canceled',
]);

/** Outcomes after which a lead that is not retried counts as failed rather than completed. */
const FAILURES: ReadonlySet<AttemptOutcome> = new Set<AttemptOutcome>([
  'invalid_number',
  'rejected',
  'failed',
  'busy',
  'no_answer',
  'congestion',
  'unavailable',
  'interrupted',
]);

export interface LeadAfterAttempt {
  state: Exclude<LeadState, 'dialing' | 'dnc'>;
  /** Epoch ms of the next attempt when the lead goes back to `pending`. */
  nextAttemptAt: number | null;
}

/**
 * Decides where a lead goes when one of its attempts ends.
 *
 * @param attemptsMade attempts the lead has had, the one just ended included.
 * @param at epoch ms at which the attempt ended.
 */
export function leadAfterAttempt(
  outcome: AttemptOutcome,
  attemptsMade: number,
  policy: RetryPolicy,
  at: number,
): LeadAfterAttempt {
  if (outcome === 'canceled') return { state: 'canceled', nextAttemptAt: null };
  const delayMinutes = NEVER_RETRIED.has(outcome) ? undefined : policy.retryAfterMinutes[outcome];
  if (delayMinutes !== undefined && attemptsMade < policy.maxAttempts) {
    return { state: 'pending', nextAttemptAt: at + delayMinutes * 60_000 };
  }
  return { state: FAILURES.has(outcome) ? 'failed' : 'completed', nextAttemptAt: null };
}
