import { describe, expect, it } from 'vitest';
import { HAND_OFF_SETTLE_MS, HAND_OFF_TIMEOUT_MS } from '../../src/machines/attempt.js';
import type { AttemptInput } from '../../src/machines/attempt-types.js';
import { ev } from '../support/attempt-events.js';
import { APP_AI_TARGET, dialplanTargetInput, sampleInput, t } from '../support/attempt-inputs.js';
import {
  AAVA_AI_TARGET,
  AMD_TIMER,
  aavaTargetInput,
  CHANNEL,
  cancelTimer,
  ENTERING_TIMER,
  HAND_OFF_TIMER,
  human,
  SETTLE_TIMER,
  settling,
  startTimer,
  talking,
} from '../support/attempt-stories.js';

// A hand-off counts (answered_human) only once the AI target is seen to have the call
// and still has it after the settle time. Until the call leaves our app a hang-up is the
// callee's (abandoned); from then on, anything short of that is handoff_failed.

const TARGETS: Array<{ kind: string; input: () => AttemptInput }> = [
  { kind: 'app', input: () => sampleInput() },
  { kind: 'dialplan', input: () => dialplanTargetInput() },
  { kind: 'aava', input: () => aavaTargetInput() },
];

describe('hand-off to the AI target', () => {
  it('hands off straight away to the app target when the consent gate is off', () => {
    const step = human(sampleInput()).last;

    expect(step.state).toBe('handingOff.requested');
    expect(step.commands).toEqual([
      {
        type: 'handOff',
        params: {
          channelId: CHANNEL,
          target: APP_AI_TARGET,
          variables: sampleInput().handOffVariables,
        },
      },
    ]);
    expect(step.timers).toEqual([
      cancelTimer(AMD_TIMER),
      startTimer(HAND_OFF_TIMER, HAND_OFF_TIMEOUT_MS),
    ]);
  });

  it('starts the settle time when the call leaves our app for an app target', () => {
    const call = human(sampleInput());

    const left = call.send(ev.leftStasis(t(3_990)));

    expect(left.state).toBe('handingOff.settling');
    expect(left.commands).toEqual([]);
    expect(left.timers).toEqual([
      cancelTimer(HAND_OFF_TIMER),
      startTimer(SETTLE_TIMER, HAND_OFF_SETTLE_MS),
    ]);
    expect(left.facts).toMatchObject({ handedOffAt: t(3_990), pendingOutcome: null });
  });

  it('waits for a dialplan target until the call is seen in the target context, not elsewhere', () => {
    const call = human(dialplanTargetInput());

    const left = call.send(ev.leftStasis(t(3_990)));
    expect(left.state).toBe('handingOff.entering');
    expect(left.timers).toEqual([
      cancelTimer(HAND_OFF_TIMER),
      startTimer(ENTERING_TIMER, HAND_OFF_TIMEOUT_MS),
    ]);
    const elsewhere = call.send(ev.dialplanEntered('aava-outbound-amd', 's', 1, 'NoOp', t(3_990)));
    expect(elsewhere.state).toBe('handingOff.entering');
    expect(elsewhere.timers).toEqual([]);

    const entered = call.send(ev.dialplanEntered('ai-handoff', 's', 1, 'NoOp', t(3_991)));

    expect(entered.state).toBe('handingOff.settling');
    expect(entered.timers).toEqual([
      cancelTimer(ENTERING_TIMER),
      startTimer(SETTLE_TIMER, HAND_OFF_SETTLE_MS),
    ]);
    expect(entered.facts).toMatchObject({ handedOffAt: t(3_990), pendingOutcome: null });
  });

  it('confirms once the target context is entered and the settle time passed, and measures talk time until the end', () => {
    const call = settling(dialplanTargetInput());

    const confirmed = call.fireTimer('handOffSettle');
    expect(confirmed.event.at).toBe(t(3_990 + HAND_OFF_SETTLE_MS));
    expect(confirmed.state).toBe('talking');
    expect(confirmed.commands).toEqual([]);
    expect(confirmed.facts).toMatchObject({
      handedOffAt: t(3_990),
      handOffConfirmedAt: t(3_990 + HAND_OFF_SETTLE_MS),
      pendingOutcome: 'answered_human',
    });

    const end = call.send(ev.hungUp(16, t(125_990)));
    expect(end.done).toBe(true);
    expect(end.commands).toEqual([]);
    expect(end.facts).toMatchObject({
      outcome: 'answered_human',
      error: null,
      endedAt: t(125_990),
    });
    expect((end.facts.endedAt ?? 0) - (end.facts.handedOffAt ?? 0)).toBe(122_000);
  });

  it.each(TARGETS)('ends answered_human after a confirmed hand-off to a $kind target', (target) => {
    const call = talking(target.input());

    const end = call.send(ev.hungUp(16, t(60_000)));

    expect(call.steps.map((step) => step.state)).toContain('talking');
    expect(end.facts).toMatchObject({
      outcome: 'answered_human',
      handOffConfirmedAt: t(3_990 + HAND_OFF_SETTLE_MS),
      error: null,
    });
  });

  it('hands AAVA off into its rendered context, where its own Stasis step changes nothing', () => {
    const call = human(aavaTargetInput());
    expect(call.last.commands[0]).toMatchObject({
      type: 'handOff',
      params: { target: AAVA_AI_TARGET },
    });
    call.send(ev.leftStasis(t(3_990)));
    call.send(ev.dialplanEntered('dialstate-aava-handoff', 's', 1, 'NoOp', t(3_990)));

    const stasis = call.send(
      ev.dialplanEntered('dialstate-aava-handoff', 's', 2, 'Stasis', t(3_991)),
    );

    expect(stasis.state).toBe('handingOff.settling');
    expect(stasis.timers).toEqual([]);
    expect(call.fireTimer('handOffSettle').state).toBe('talking');
  });

  it('takes the settle time from the input', () => {
    const call = human(sampleInput({ handOffSettleMs: 500 }));

    const left = call.send(ev.leftStasis(t(3_990)));

    expect(left.timers).toContainEqual(startTimer(SETTLE_TIMER, 500));
    expect(call.fireTimer('handOffSettle').facts.handOffConfirmedAt).toBe(t(4_490));
  });

  it('confirms a settle time longer than the hand-off timeout without hanging up on the agent', () => {
    const call = settling(dialplanTargetInput({ handOffSettleMs: 15_000 }));

    expect(call.armedTimers().map((timer) => timer.name)).toEqual(['handOffSettle']);
    const confirmed = call.fireTimer('handOffSettle');

    expect(confirmed.state).toBe('talking');
    expect(call.commands.filter((command) => command.type === 'hangUp')).toEqual([]);
  });
});

describe('who ends a call the AI target has', () => {
  it('records the caller when the hang-up is requested from outside', () => {
    const call = talking(dialplanTargetInput());

    const request = call.send(ev.hangupRequested(16, t(60_000)));
    expect(request.state).toBe('talking');
    expect(request.commands).toEqual([]);
    const end = call.send(ev.hungUp(16, t(60_001)));

    expect(end.facts).toMatchObject({ outcome: 'answered_human', endedBy: 'caller' });
  });

  it('records the agent when the target context runs Hangup()', () => {
    const call = talking(dialplanTargetInput());

    const hangup = call.send(ev.dialplanEntered('ai-handoff', 's', 6, 'Hangup', t(60_000)));
    expect(hangup.state).toBe('talking');
    call.send(ev.hungUp(16, t(60_001)));

    expect(call.facts).toMatchObject({ endedBy: 'agent', transferredTo: null });
  });

  it('records the agent when the channel just ends (the app hung it up over ARI)', () => {
    const call = talking(sampleInput());

    const end = call.send(ev.hungUp(16, t(60_000)));

    expect(end.facts).toMatchObject({ outcome: 'answered_human', endedBy: 'agent' });
  });

  it('records a transfer onward into another context, and keeps the call until it ends', () => {
    const call = talking(dialplanTargetInput());

    const transfer = call.send(ev.dialplanEntered('sales-queue', 's', 1, 'Queue', t(30_000)));
    expect(transfer.state).toBe('talking');
    expect(transfer.facts).toMatchObject({ transferredTo: 'sales-queue', endedBy: 'transfer' });
    call.send(ev.dialplanEntered('sales-queue', 's', 3, 'Hangup', t(70_000)));
    const end = call.send(ev.hungUp(16, t(70_001)));

    expect(end.facts).toMatchObject({
      outcome: 'answered_human',
      endedBy: 'transfer',
      transferredTo: 'sales-queue',
      endedAt: t(70_001),
    });
  });

  it('keeps who ended the call first', () => {
    const call = talking(dialplanTargetInput());

    call.send(ev.hangupRequested(16, t(60_000)));
    call.send(ev.dialplanEntered('ai-handoff', 's', 6, 'Hangup', t(60_001)));
    call.send(ev.hungUp(16, t(60_002)));

    expect(call.facts.endedBy).toBe('caller');
  });

  it('treats later steps in the target context as neither an end nor a transfer', () => {
    const call = talking(aavaTargetInput());

    const step = call.send(ev.dialplanEntered(AAVA_AI_TARGET.context, 's', 1, 'NoOp', t(9_000)));

    expect(step.facts).toMatchObject({ endedBy: null, transferredTo: null });
  });

  it('ignores digits and stray playback ends while talking, but records the digits', () => {
    const call = talking();

    call.send(ev.dtmf('5', t(20_000)));
    const step = call.send(ev.playbackFinished('att-0001-consent', 'done', t(20_100)));

    expect(step.state).toBe('talking');
    expect(step.facts.digits).toBe('5');
    expect(call.commands.filter((c) => c.type === 'hangUp')).toEqual([]);
  });
});
