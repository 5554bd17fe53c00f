import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  leadAfterAttempt,
  type RetryPolicy,
} from '../../src/campaign/retry-policy.js';
import { ATTEMPT_OUTCOMES, type AttemptOutcome } from '../../src/machines/attempt-types.js';

const AT = Date.UTC(2026, 10, 24, 15, 0, 0);
const MINUTE = 60_000;

describe('leadAfterAttempt with the default policy', () => {
  it.each([
    ['busy', 10],
    ['no_answer', 60],
    ['congestion', 5],
    ['unavailable', 60],
    ['interrupted', 5],
  ] as const)('retries %s after %i minutes while attempts remain', (outcome, minutes) => {
    expect(leadAfterAttempt(outcome, 1, DEFAULT_RETRY_POLICY, AT)).toEqual({
      state: 'pending',
      nextAttemptAt: AT + minutes * MINUTE,
    });
  });

  it('fails a retryable lead once it has had max attempts', () => {
    expect(leadAfterAttempt('busy', 3, DEFAULT_RETRY_POLICY, AT)).toEqual({
      state: 'failed',
      nextAttemptAt: null,
    });
  });

  it.each([
    ['answered_human', 'completed'],
    ['voicemail_dropped', 'completed'],
    ['machine_detected', 'completed'],
    ['consent_denied', 'completed'],
    ['consent_timeout', 'completed'],
    ['abandoned', 'completed'],
    ['invalid_number', 'failed'],
    ['rejected', 'failed'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
  ] as const)('ends the lead after %s as %s', (outcome, state) => {
    expect(leadAfterAttempt(outcome, 1, DEFAULT_RETRY_POLICY, AT)).toEqual({
      state,
      nextAttemptAt: null,
    });
  });

  it('gives every outcome a decision', () => {
    for (const outcome of ATTEMPT_OUTCOMES) {
      const decision = leadAfterAttempt(outcome, 1, DEFAULT_RETRY_POLICY, AT);
      expect(['pending', 'completed', 'failed', 'canceled']).toContain(decision.state);
    }
  });
});

describe('leadAfterAttempt with a custom policy', () => {
  const policy: RetryPolicy = {
    maxAttempts: 5,
    retryAfterMinutes: { machine_detected: 120, answered_human: 1, consent_denied: 1 },
  };

  it('retries an outcome the operator chose to retry', () => {
    expect(leadAfterAttempt('machine_detected', 4, policy, AT)).toEqual({
      state: 'pending',
      nextAttemptAt: AT + 120 * MINUTE,
    });
  });

  it('never retries a person who was reached or refused, whatever the policy says', () => {
    const never: AttemptOutcome[] = ['answered_human', 'consent_denied'];
    for (const outcome of never) {
      expect(leadAfterAttempt(outcome, 1, policy, AT).state).toBe('completed');
    }
  });
});
