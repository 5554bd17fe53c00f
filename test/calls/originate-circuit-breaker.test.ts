import { describe, expect, it } from 'vitest';
import type { AttemptTransition } from '../../src/calls/attempt-runner.js';
import { createOriginateCircuitBreaker } from '../../src/calls/originate-circuit-breaker.js';
import type { AttemptEvent, AttemptOutcome } from '../../src/machines/attempt-types.js';

function transition(
  attemptId: string,
  event: AttemptEvent,
  outcome: AttemptOutcome | null = null,
  campaignId = 'campaign-a',
): AttemptTransition {
  return {
    attemptId,
    leadId: `lead-${attemptId}`,
    campaignId,
    seq: 1,
    event,
    state: outcome ? 'done' : 'dialing.originating',
    done: outcome !== null,
    outcome,
    commands: [],
  };
}

const refused = (attemptId: string, campaignId?: string) =>
  transition(
    attemptId,
    {
      type: 'command.failed',
      at: 0,
      command: 'originate',
      status: 400,
      message: 'Allocation failed',
    },
    'failed',
    campaignId,
  );

describe('originate circuit breaker', () => {
  it('trips on the third failure in a row, saying what failed, then counts afresh', () => {
    const breaker = createOriginateCircuitBreaker(3);
    expect(breaker.observe(refused('a1'))).toBeNull();
    expect(breaker.observe(refused('a2'))).toBeNull();
    expect(breaker.observe(refused('a3'))).toEqual({
      campaignId: 'campaign-a',
      reason:
        'circuit breaker: 3 calls in a row failed before being answered (last: originate failed (HTTP 400): Allocation failed)',
    });
    expect(breaker.observe(refused('a4'))).toBeNull();
  });

  it('counts each campaign on its own', () => {
    const breaker = createOriginateCircuitBreaker(2);
    expect(breaker.observe(refused('a1', 'campaign-a'))).toBeNull();
    expect(breaker.observe(refused('b1', 'campaign-b'))).toBeNull();
    expect(breaker.observe(refused('a2', 'campaign-a'))?.campaignId).toBe('campaign-a');
  });

  it('starts again after any other outcome, or a reset', () => {
    const breaker = createOriginateCircuitBreaker(2);
    breaker.observe(refused('a1'));
    breaker.observe(transition('a2', { type: 'channel.hungUp', at: 0, cause: 17 }, 'busy'));
    expect(breaker.observe(refused('a3'))).toBeNull();
    breaker.reset('campaign-a');
    expect(breaker.observe(refused('a4'))).toBeNull();
  });

  it('does not count a call that failed after it was answered', () => {
    const breaker = createOriginateCircuitBreaker(1);
    breaker.observe(transition('a1', { type: 'channel.answered', at: 0 }));
    const handOffRefused = transition(
      'a1',
      { type: 'command.failed', at: 1, command: 'handOff', status: 404, message: 'gone' },
      'failed',
    );
    expect(breaker.observe(handOffRefused)).toBeNull();
    expect(
      breaker.observe(transition('a2', { type: 'channel.hungUp', at: 2, cause: 0 }, 'failed')),
    ).toEqual({
      campaignId: 'campaign-a',
      reason:
        'circuit breaker: a call failed before being answered (last: the call ended on channel.hungUp)',
    });
  });
});
