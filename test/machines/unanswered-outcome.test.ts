import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../../src/machines/attempt-types.js';
import { classifyUnanswered, type UnansweredFacts } from '../../src/machines/unanswered-outcome.js';

function facts(overrides: Partial<UnansweredFacts>): UnansweredFacts {
  return { dialStatus: null, farEndCause: null, hangupCause: 0, ...overrides };
}

describe('classifyUnanswered', () => {
  it.each<[string, AttemptOutcome]>([
    ['BUSY', 'busy'],
    ['NOANSWER', 'no_answer'],
    ['CONGESTION', 'congestion'],
    ['CHANUNAVAIL', 'unavailable'],
    ['DONTCALL', 'rejected'],
    ['TORTURE', 'rejected'],
  ])('maps the terminal Dial status %s to %s', (dialStatus, outcome) => {
    expect(classifyUnanswered(facts({ dialStatus }))).toEqual({ outcome, error: null });
  });

  it.each<[number, AttemptOutcome]>([
    [1, 'invalid_number'],
    [3, 'invalid_number'],
    [22, 'invalid_number'],
    [28, 'invalid_number'],
    [17, 'busy'],
    [18, 'no_answer'],
    [19, 'no_answer'],
    [20, 'unavailable'],
    [27, 'unavailable'],
    [21, 'rejected'],
    [34, 'congestion'],
    [38, 'congestion'],
    [41, 'congestion'],
    [42, 'congestion'],
    [44, 'congestion'],
  ])('maps the far-end Q.850 cause %i to %s', (farEndCause, outcome) => {
    expect(classifyUnanswered(facts({ farEndCause }))).toEqual({ outcome, error: null });
  });

  it.each<[number, AttemptOutcome]>([
    [17, 'busy'],
    [19, 'no_answer'],
    [1, 'invalid_number'],
    [34, 'congestion'],
  ])('maps our own cause %i to %s when nothing else is known', (hangupCause, outcome) => {
    expect(classifyUnanswered(facts({ hangupCause })).outcome).toBe(outcome);
  });

  it.each<[string, UnansweredFacts, AttemptOutcome]>([
    [
      'Dial BUSY beats a far-end no-answer cause',
      facts({ dialStatus: 'BUSY', farEndCause: 19 }),
      'busy',
    ],
    [
      'Dial CONGESTION beats our own busy cause',
      facts({ dialStatus: 'CONGESTION', hangupCause: 17 }),
      'congestion',
    ],
    ['the far-end cause beats our own cause', facts({ farEndCause: 17, hangupCause: 19 }), 'busy'],
    [
      'the far-end cause beats a RINGING Dial status',
      facts({ dialStatus: 'RINGING', farEndCause: 21 }),
      'rejected',
    ],
    [
      'our own cause is read when the far-end cause means nothing',
      facts({ farEndCause: 16, hangupCause: 19 }),
      'no_answer',
    ],
    [
      'a non-terminal Dial status falls through to the causes',
      facts({ dialStatus: 'ANSWER', farEndCause: 20 }),
      'unavailable',
    ],
  ])('applies precedence: %s', (_rule, input, outcome) => {
    expect(classifyUnanswered(input).outcome).toBe(outcome);
  });

  it('reads a busy far end through our Local half reporting cause 0 (the busy trace)', () => {
    expect(classifyUnanswered({ dialStatus: 'BUSY', farEndCause: 17, hangupCause: 0 })).toEqual({
      outcome: 'busy',
      error: null,
    });
  });

  it('counts a call that was last seen ringing as no_answer when no cause says more', () => {
    expect(
      classifyUnanswered(facts({ dialStatus: 'RINGING', farEndCause: 16, hangupCause: 16 })),
    ).toEqual({ outcome: 'no_answer', error: null });
  });

  it('fails with a hint at the dial context when nothing was dialed and our cause is 0', () => {
    expect(classifyUnanswered(facts({ farEndCause: 0 }))).toEqual({
      outcome: 'failed',
      error:
        'the call ended before any dial activity (dial status none, cause 0, far-end cause 0): check the dial context and the number',
    });
  });

  it('fails with the raw values when the call ended for a reason no rule knows', () => {
    expect(
      classifyUnanswered(facts({ dialStatus: 'ANSWER', farEndCause: 16, hangupCause: 16 })),
    ).toEqual({
      outcome: 'failed',
      error:
        'the call ended before it was answered (dial status ANSWER, cause 16, far-end cause 16)',
    });
  });

  it('does not blame the dial context when our cause is a real one', () => {
    const verdict = classifyUnanswered(facts({ hangupCause: 16 }));

    expect(verdict.outcome).toBe('failed');
    expect(verdict.error).not.toContain('dial context');
  });
});
