import { describe, expect, it } from 'vitest';
import {
  HAND_OFF_TIMEOUT_MS,
  HANG_UP_TIMEOUT_MS,
  PBX_LOSS_GRACE_MS,
} from '../../src/machines/attempt.js';
import { ev } from '../support/attempt-events.js';
import { dialplanTargetInput, sampleInput, t } from '../support/attempt-inputs.js';
import {
  aavaTargetInput,
  cancelTimer,
  HAND_OFF_TIMER,
  HANG_UP,
  HANG_UP_TIMER,
  human,
  SETTLE_TIMER,
  settling,
  startTimer,
} from '../support/attempt-stories.js';

// Until the call leaves our app a hang-up is the callee's (abandoned); from then on,
// anything short of a hand-off the target confirmed is handoff_failed, with the reason.

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
