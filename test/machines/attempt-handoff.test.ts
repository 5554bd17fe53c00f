import { describe, expect, it } from 'vitest';
import {
  HAND_OFF_SETTLE_MS,
  HAND_OFF_TIMEOUT_MS,
  HANG_UP_TIMEOUT_MS,
  PBX_LOSS_GRACE_MS,
} from '../../src/machines/attempt.js';
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
  HANG_UP,
  HANG_UP_TIMER,
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

describe('hand-offs that fail', () => {
  it('hangs up and ends handoff_failed when ARI refuses the hand-off command (4xx)', () => {
    const call = human();

    const step = call.send(ev.commandFailed('handOff', 422, 'Endpoint not found', t(3_980)));

    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([HANG_UP]);
    expect(step.facts.error).toBe('handOff failed (HTTP 422): Endpoint not found');
    expect(call.send(ev.hungUp(16, t(3_990))).facts.outcome).toBe('handoff_failed');
  });

  it('hangs up and ends handoff_failed when the move to the app fails (ApplicationMoveFailed)', () => {
    const call = human();

    const step = call.send(ev.moveFailed('ai-agent', t(3_981)));

    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([HANG_UP]);
    expect(step.timers).toEqual([
      cancelTimer(HAND_OFF_TIMER),
      startTimer(HANG_UP_TIMER, HANG_UP_TIMEOUT_MS),
    ]);
    expect(call.send(ev.hungUp(16, t(3_995))).facts).toMatchObject({
      outcome: 'handoff_failed',
      handedOffAt: null,
      error: 'ARI could not move the call to app "ai-agent": is the app connected?',
    });
  });

  it('hangs up and ends handoff_failed when the call never leaves our app within handOffTimeout', () => {
    const call = human();

    const step = call.fireTimer('handOffTimeout');

    expect(step.event.at).toBe(t(3_975 + HAND_OFF_TIMEOUT_MS));
    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([HANG_UP]);
    expect(step.facts.error).toBe('the AI target did not take the call in time');
    expect(call.send(ev.hungUp(16, t(13_990))).facts.outcome).toBe('handoff_failed');
  });

  it('hangs up and ends handoff_failed when the call left but never shows up in the target context', () => {
    const call = human(dialplanTargetInput());
    call.send(ev.leftStasis(t(3_990)));

    const step = call.fireTimer('handOffTimeout');

    expect(step.event.at).toBe(t(3_990 + HAND_OFF_TIMEOUT_MS));
    expect(step.state).toBe('hangingUp');
    expect(step.commands).toEqual([HANG_UP]);
    expect(call.send(ev.hungUp(16, t(14_000))).facts).toMatchObject({
      outcome: 'handoff_failed',
      error: 'the AI target did not take the call in time',
    });
  });

  it('ends handoff_failed from a missing target context once no PBX loss explains the cause 0', () => {
    const call = human(dialplanTargetInput());
    call.send(ev.leftStasis(t(3_990)));

    const end = call.send(ev.hungUp(0, t(3_991), 'Unknown'));
    expect(end.state).toBe('ending');
    expect(end.commands).toEqual([]);
    expect(end.facts.pendingOutcome).toBe('handoff_failed');
    const grace = call.fireTimer('pbxLossGrace');

    expect(grace.event.at).toBe(t(3_991 + PBX_LOSS_GRACE_MS));
    expect(grace.facts).toMatchObject({
      outcome: 'handoff_failed',
      hangupCause: 0,
      error:
        'the call ended as it entered ai-handoff,s,1 (cause 0): check that the target exists in the dialplan',
    });
  });

  it('waits in releasing for the fallback to end the call when the target Stasis app is not connected', () => {
    const call = settling(aavaTargetInput());

    const failed = call.send(ev.stasisFailed(t(3_992)));
    expect(failed.state).toBe('releasing');
    expect(failed.commands).toEqual([]);
    expect(failed.timers).toEqual([
      cancelTimer(SETTLE_TIMER),
      startTimer('xstate.after.releaseTimeout.attempt.releasing', 30_000),
    ]);
    // The fallback plays its apology and hangs up: nothing for the dialer to do.
    expect(
      call.send(ev.dialplanEntered('dialstate-aava-handoff', 's', 4, 'Hangup', t(6_400))).state,
    ).toBe('releasing');
    const end = call.send(ev.hungUp(16, t(6_401)));

    expect(end.facts).toMatchObject({
      outcome: 'handoff_failed',
      hangupCause: 16,
      endedAt: t(6_401),
      error:
        'AAVA (app "asterisk-ai-voice-agent" via context "dialstate-aava-handoff"): the Stasis app the target runs is not connected (STASISSTATUS=FAILED)',
    });
    expect(call.commands.filter((command) => command.type === 'hangUp')).toEqual([]);
  });

  it('hangs up a released call whose fallback never ends it, still handoff_failed', () => {
    const call = settling(aavaTargetInput());
    call.send(ev.stasisFailed(t(3_992)));

    const timeout = call.fireTimer('releaseTimeout');

    expect(timeout.event.at).toBe(t(33_992));
    expect(timeout.state).toBe('hangingUp');
    expect(timeout.commands).toEqual([HANG_UP]);
    expect(call.send(ev.hungUp(16, t(34_000))).facts.outcome).toBe('handoff_failed');
  });

  it.each([
    ['a cancel', ev.operatorCanceled(t(5_000)), 'hangingUp'],
    ['a lost channel', ev.channelLost(t(5_000)), 'done'],
  ])('keeps handoff_failed when %s comes while releasing', (_what, event, state) => {
    const call = settling(aavaTargetInput());
    call.send(ev.stasisFailed(t(3_992)));

    const step = call.send(event);

    expect(step.state).toBe(state);
    expect(step.facts.pendingOutcome).toBe('handoff_failed');
  });

  it.each([
    [
      'a hang-up request',
      ev.hangupRequested(16, t(4_790)),
      'the caller hung up 0.8 s after the hand-off to ai-handoff,s,1, before the target was confirmed (cause 16)',
    ],
    [
      'the end of the channel',
      ev.hungUp(16, t(5_490)),
      'the call ended 1.5 s after the hand-off to ai-handoff,s,1, before the target was confirmed (cause 16)',
    ],
  ])('ends handoff_failed at once on %s within the settle time', (_what, event, error) => {
    const call = settling(dialplanTargetInput());

    const step = call.send(event);

    expect(step.done).toBe(true);
    expect(step.commands).toEqual([]);
    expect(step.timers).toEqual([cancelTimer(SETTLE_TIMER)]);
    expect(step.facts).toMatchObject({
      outcome: 'handoff_failed',
      handOffConfirmedAt: null,
      hangupCause: 16,
      error,
    });
  });

  it('ends handoff_failed when the call ends after leaving for the app, before the settle time', () => {
    const call = settling(sampleInput());

    const step = call.send(ev.hungUp(16, t(3_995)));

    expect(step.facts).toMatchObject({
      outcome: 'handoff_failed',
      error:
        'the call ended 0.0 s after the hand-off to app "ai-agent", before the target was confirmed (cause 16)',
    });
  });

  it('ends abandoned when the callee hangs up before the call leaves our app', () => {
    const call = human();

    const step = call.send(ev.hungUp(16, t(3_980)));

    expect(step.facts).toMatchObject({ outcome: 'abandoned', handedOffAt: null });
  });

  it('ends abandoned, not talking, when the callee hangs up before the hand-off and the channel then leaves Stasis', () => {
    const call = human();

    const request = call.send(ev.hangupRequested(16, t(3_982)));
    expect(request.done).toBe(true);
    expect(request.commands).toEqual([]);
    expect(request.timers).toEqual([cancelTimer(HAND_OFF_TIMER)]);

    // The StasisEnd of the hang-up is no hand-off.
    const left = call.send(ev.leftStasis(t(3_983)));
    call.send(ev.hungUp(16, t(3_983), 'Normal Clearing'));

    expect(left.state).toBe('done');
    expect(call.steps.map((step) => step.state)).not.toContain('talking');
    expect(call.facts).toMatchObject({
      outcome: 'abandoned',
      handedOffAt: null,
      hangupCause: 16,
      endedAt: t(3_982),
    });
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
