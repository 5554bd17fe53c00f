import type { AttemptOutcome } from './attempt-types.js';

/** What is known about a call that ended before it was answered. */
export interface UnansweredFacts {
  /** Last `dialstatus` of a `Dial` event, if any. */
  dialStatus: string | null;
  /** Q.850 cause of the far end (the `;2` half of a Local channel), if known. */
  farEndCause: number | null;
  /** Q.850 cause of our own channel's `ChannelDestroyed`. */
  hangupCause: number;
}

/** Terminal dial statuses (app_dial's DIALSTATUS) and what they mean for the lead. */
const BY_DIAL_STATUS: Readonly<Record<string, AttemptOutcome>> = {
  BUSY: 'busy',
  NOANSWER: 'no_answer',
  CONGESTION: 'congestion',
  CHANUNAVAIL: 'unavailable',
  DONTCALL: 'rejected',
  TORTURE: 'rejected',
};

/** Q.850 cause codes that say why the far end did not answer. */
const BY_CAUSE: ReadonlyMap<number, AttemptOutcome> = new Map<number, AttemptOutcome>([
  [1, 'invalid_number'], // unallocated number
  [3, 'invalid_number'], // no route to destination
  [22, 'invalid_number'], // number changed
  [28, 'invalid_number'], // invalid number format
  [17, 'busy'],
  [18, 'no_answer'], // no user responding
  [19, 'no_answer'], // user alerting, no answer
  [20, 'unavailable'], // subscriber absent
  [27, 'unavailable'], // destination out of order
  [21, 'rejected'],
  [34, 'congestion'], // no circuit available
  [38, 'congestion'], // network out of order
  [41, 'congestion'], // temporary failure
  [42, 'congestion'], // switching equipment congestion
  [44, 'congestion'], // requested channel not available
]);

/**
 * Classifies a call that ended before it was answered.
 *
 * On a Local channel our own half usually reports cause 0 ("Unknown"): the reason is in
 * the Dial event's status and in the far end's cause, so those are read first. Causes
 * are matched by number, never by their text.
 */
export function classifyUnanswered(facts: UnansweredFacts): {
  outcome: AttemptOutcome;
  error: string | null;
} {
  const fromDial = facts.dialStatus === null ? undefined : BY_DIAL_STATUS[facts.dialStatus];
  if (fromDial) return { outcome: fromDial, error: null };

  for (const cause of [facts.farEndCause, facts.hangupCause]) {
    const fromCause = cause === null ? undefined : BY_CAUSE.get(cause);
    if (fromCause) return { outcome: fromCause, error: null };
  }

  if (facts.dialStatus === 'RINGING') return { outcome: 'no_answer', error: null };

  const seen = `dial status ${facts.dialStatus ?? 'none'}, cause ${facts.hangupCause}, far-end cause ${facts.farEndCause ?? 'none'}`;
  if (facts.dialStatus === null && facts.hangupCause === 0) {
    return {
      outcome: 'failed',
      error: `the call ended before any dial activity (${seen}): check the dial context and the number`,
    };
  }
  return { outcome: 'failed', error: `the call ended before it was answered (${seen})` };
}
