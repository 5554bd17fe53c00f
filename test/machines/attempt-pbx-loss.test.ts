import { describe, expect, it } from 'vitest';
import { PBX_LOSS_GRACE_MS, PBX_LOST_ERROR } from '../../src/machines/attempt.js';
import type { AttemptEvent, AttemptOutcome } from '../../src/machines/attempt-types.js';
import type { AttemptDrive } from '../support/attempt-driver.js';
import { ev } from '../support/attempt-events.js';
import { dialplanTargetInput, sampleInput, t } from '../support/attempt-inputs.js';
import {
  aavaTargetInput,
  dialing,
  human,
  leavingVoicemail,
  listening,
  machine,
  PBX_GRACE_TIMER,
  prompting,
  ringing,
  screening,
  settling,
  startTimer,
  talking,
} from '../support/attempt-stories.js';

// A stopping Asterisk hangs every call up with cause 0 just before its websocket closes;
// a dialplan that went nowhere gives the same cause 0 and no connection loss. Wherever
// the callee could be blamed, a cause-0 end waits in `ending` for the loss that would
// make it `interrupted`, and otherwise keeps the outcome it would have had.

const END_AT = 200_000;

interface AmbiguousEnd {
  state: string;
  reach: () => AttemptDrive;
  end: (at: number) => AttemptEvent;
  /** The outcome when no PBX loss explains the end. */
  otherwise: AttemptOutcome;
}

const requested = (at: number) => ev.hangupRequested(0, at);
const destroyed = (at: number) => ev.hungUp(0, at, 'Unknown');

const AMBIGUOUS_ENDS: AmbiguousEnd[] = [
  { state: 'dialing.originating', reach: () => dialing(), end: destroyed, otherwise: 'failed' },
  { state: 'screening', reach: () => screening(), end: requested, otherwise: 'abandoned' },
  { state: 'screening', reach: () => screening(), end: destroyed, otherwise: 'failed' },
  {
    state: 'askingConsent.prompting',
    reach: () => prompting(),
    end: requested,
    otherwise: 'abandoned',
  },
  {
    state: 'askingConsent.listening',
    reach: () => listening(),
    end: destroyed,
    otherwise: 'abandoned',
  },
  {
    state: 'handingOff.requested',
    reach: () => human(),
    end: requested,
    otherwise: 'abandoned',
  },
  {
    state: 'handingOff.entering',
    reach: () => {
      const call = human(dialplanTargetInput());
      call.send(ev.leftStasis(t(3_990)));
      return call;
    },
    end: destroyed,
    otherwise: 'handoff_failed',
  },
  {
    state: 'handingOff.settling',
    reach: () => settling(aavaTargetInput()),
    end: requested,
    otherwise: 'handoff_failed',
  },
  {
    state: 'waitingForGreetingEnd',
    reach: () => machine(),
    end: requested,
    otherwise: 'machine_detected',
  },
  {
    state: 'leavingVoicemail',
    reach: () => leavingVoicemail(),
    end: destroyed,
    otherwise: 'machine_detected',
  },
];

const label = (end: AmbiguousEnd) =>
  `${end.state} (${end.end(0).type}, otherwise ${end.otherwise})`;
const CASES = AMBIGUOUS_ENDS.map((end) => [label(end), end] as const);

describe('a cause-0 end and the PBX-loss rule', () => {
  it.each(CASES)(
    '%s: waits in ending, then is interrupted by a PBX loss within the grace',
    (_label, { state, reach, end }) => {
      const call = reach();
      expect(call.state).toBe(state);

      const ending = call.send(end(t(END_AT)));
      expect(ending.state).toBe('ending');
      expect(ending.commands).toEqual([]);
      expect(ending.timers).toContainEqual(startTimer(PBX_GRACE_TIMER, PBX_LOSS_GRACE_MS));
      expect(ending.facts.hangupCause).toBe(0);

      const lost = call.send(ev.pbxLost('websocket closed', t(END_AT + 5)));

      expect(lost.done).toBe(true);
      expect(lost.timers).toEqual([{ type: 'timer.cancel', timerId: PBX_GRACE_TIMER }]);
      expect(lost.facts).toMatchObject({
        outcome: 'interrupted',
        error: PBX_LOST_ERROR,
        pbxLostAt: t(END_AT + 5),
        endedAt: t(END_AT + 5),
      });
      expect(call.commands.filter((command) => command.type === 'hangUp')).toEqual([]);
    },
  );

  it.each(CASES)(
    '%s: is interrupted at once when the PBX was lost just before',
    (_label, { reach, end }) => {
      const call = reach();
      const lost = call.send(ev.pbxLost('ARI unreachable', t(END_AT)));
      expect(lost.done).toBe(false);
      expect(lost.commands).toEqual([]);
      expect(lost.timers).toEqual([]);
      expect(lost.facts.pbxLostAt).toBe(t(END_AT));

      const step = call.send(end(t(END_AT + PBX_LOSS_GRACE_MS)));

      expect(step.done).toBe(true);
      expect(step.commands).toEqual([]);
      expect(step.facts).toMatchObject({ outcome: 'interrupted', error: PBX_LOST_ERROR });
      expect(call.armedTimers()).toEqual([]);
    },
  );

  it.each(CASES)(
    '%s: keeps its own outcome when no PBX loss comes within the grace',
    (_label, { reach, end, otherwise }) => {
      const call = reach();
      call.send(end(t(END_AT)));

      const grace = call.fireTimer('pbxLossGrace');

      expect(grace.event.at).toBe(t(END_AT + PBX_LOSS_GRACE_MS));
      expect(grace.done).toBe(true);
      expect(grace.facts.outcome).toBe(otherwise);
      expect(grace.facts.error).not.toBe(PBX_LOST_ERROR);
      // A loss that comes after the attempt was decided changes nothing.
      const late = call.send(ev.pbxLost('websocket closed', t(END_AT + PBX_LOSS_GRACE_MS + 1)));
      expect(late.facts).toEqual(grace.facts);
    },
  );

  it.each(CASES)(
    '%s: keeps its own outcome when the PBX was lost longer than the grace before',
    (_label, { reach, end, otherwise }) => {
      const call = reach();
      call.send(ev.pbxLost('websocket closed', t(END_AT - PBX_LOSS_GRACE_MS - 1)));

      expect(call.send(end(t(END_AT))).state).toBe('ending');
      const grace = call.fireTimer('pbxLossGrace');

      expect(grace.facts).toMatchObject({
        outcome: otherwise,
        pbxLostAt: t(END_AT - PBX_LOSS_GRACE_MS - 1),
      });
    },
  );

  it('takes the rest of the end quietly while ending: the destroy after the request, a cancel', () => {
    const call = screening();
    call.send(ev.hangupRequested(0, t(2_400)));

    const destroy = call.send(ev.hungUp(0, t(2_401)));
    const cancel = call.send(ev.operatorCanceled(t(2_402)));

    for (const step of [destroy, cancel]) {
      expect(step.state).toBe('ending');
      expect(step.commands).toEqual([]);
      expect(step.timers).toEqual([]);
    }
    expect(cancel.facts.pendingOutcome).toBe('abandoned');
  });

  it('ends at once, by cause, when the callee hangs up with a real cause', () => {
    const call = screening();

    expect(call.send(ev.hangupRequested(16, t(2_400))).facts.outcome).toBe('abandoned');
  });

  it('ends a decisive unanswered call at once although our half reports cause 0', () => {
    const call = dialing();
    call.send(ev.dialStatus('BUSY', t(40)));
    call.send(ev.farEndHungUp(17, t(41)));

    expect(call.send(ev.hungUp(0, t(41))).facts.outcome).toBe('busy');
  });

  it('keeps answered_human when a confirmed call ends with cause 0', () => {
    const call = talking();
    call.send(ev.pbxLost('websocket closed', t(60_000)));

    expect(call.send(ev.hungUp(0, t(60_001))).facts.outcome).toBe('answered_human');
  });

  it.each([
    { state: 'dialing.ringing', reach: () => ringing() },
    { state: 'talking', reach: () => talking() },
    { state: 'hangingUp', reach: () => machine(sampleInput()) },
  ])('only records a PBX loss in $state', ({ state, reach }) => {
    const call = reach();

    const step = call.send(ev.pbxLost('websocket closed', t(50_000)));

    expect(step.state).toBe(state);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([]);
    expect(step.facts).toEqual({ ...call.steps.at(-2)?.facts, pbxLostAt: t(50_000) });
  });
});
