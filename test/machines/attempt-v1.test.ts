import { describe, expect, it } from 'vitest';
import {
  type AttemptStep,
  createAttemptSnapshot,
  stepAttempt,
} from '../../src/machines/attempt-step.js';
import type { AttemptEvent, AttemptInput } from '../../src/machines/attempt-types.js';
import { ev } from '../support/attempt-events.js';
import { sampleInput, t } from '../support/attempt-inputs.js';

// Version 1 is frozen so that attempts journaled under it keep their meaning (ADR 002).
// These pin the behaviours version 2 changed, under version 1.

/** Steps the events through machine version 1 and returns every step. */
function underV1(input: AttemptInput, events: readonly AttemptEvent[]): AttemptStep[] {
  let snapshot = createAttemptSnapshot(input, 1);
  return events.map((event) => {
    const step = stepAttempt(snapshot, event, 1);
    snapshot = step.snapshot;
    return step;
  });
}

const ANSWERED: AttemptEvent[] = [
  ev.started(t(0)),
  ev.originateAccepted(t(3)),
  ev.ringing(t(6)),
  ev.answered(t(1_005)),
  ev.leftStasis(t(1_007)),
];
const HUMAN: AttemptEvent[] = [...ANSWERED, ev.amd('HUMAN', 'HUMAN-803-800', t(3_975))];

describe('attempt machine version 1', () => {
  it('takes leaving Stasis as the confirmation of the hand-off', () => {
    const steps = underV1(sampleInput(), [...HUMAN, ev.leftStasis(t(3_990))]);

    expect(steps.at(-1)?.state).toBe('talking');
    expect(steps.at(-1)?.facts).toMatchObject({
      handedOffAt: t(3_990),
      pendingOutcome: 'answered_human',
    });
    expect(steps.at(-1)?.facts).not.toHaveProperty('handOffConfirmedAt');
  });

  it('ends failed at once on a cause-0 end in the AMD hop, with no wait for a PBX loss', () => {
    const steps = underV1(sampleInput(), [...ANSWERED, ev.hungUp(0, t(1_008))]);

    expect(steps.at(-1)?.facts).toMatchObject({ outcome: 'failed', endedAt: t(1_008) });
  });

  it('ends failed, not interrupted, when the originate gets 503', () => {
    const steps = underV1(sampleInput(), [
      ev.started(t(0)),
      ev.commandFailed('originate', 503, 'Service Unavailable', t(6)),
    ]);

    expect(steps.at(-1)?.facts.outcome).toBe('failed');
  });

  it.each([
    ['a refused hand-off command', ev.commandFailed('handOff', 422, 'not registered', t(3_980))],
    [
      'the hand-off timeout',
      ev.timerFired('xstate.after.handOffTimeout.attempt.handingOff', t(13_975)),
    ],
  ])('ends failed, not handoff_failed, after %s', (_what, event) => {
    const steps = underV1(sampleInput(), [...HUMAN, event, ev.hungUp(16, t(14_000))]);

    expect(steps.at(-1)?.facts.outcome).toBe('failed');
  });

  it('ignores the events version 2 added', () => {
    const steps = underV1(sampleInput(), [
      ...HUMAN,
      ev.pbxLost('websocket closed', t(3_976)),
      ev.moveFailed('ai-agent', t(3_977)),
      ev.dialplanEntered('ai-handoff', 's', 1, 'NoOp', t(3_978)),
    ]);

    for (const step of steps.slice(-3)) {
      expect(step.state).toBe('handingOff');
      expect(step.commands).toEqual([]);
      expect(step.timers).toEqual([]);
    }
  });
});
