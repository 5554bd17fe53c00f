import type { AiTarget, AttemptInput } from '../../src/machines/attempt-types.js';
import { type AttemptDrive, driveAttempt } from './attempt-driver.js';
import { consentPlaybackId, ev, voicemailPlaybackId } from './attempt-events.js';
import { consentInput, sampleInput, t, voicemailInput } from './attempt-inputs.js';

/**
 * The first part of a call's story, told to the current attempt machine up to the
 * state a test starts from, timed like the real traces: answer 1 s after the originate,
 * the AMD verdict about 3 s (HUMAN) or 1.7 s (MACHINE) after the continue, a hand-off
 * that lands in the target's context in the millisecond it leaves our app.
 */

export const CHANNEL = 'dialstate-att-0001';
export const HANG_UP = { type: 'hangUp', params: { channelId: CHANNEL } } as const;
export const CONSENT_PLAYBACK = consentPlaybackId('att-0001');
export const VOICEMAIL_PLAYBACK = voicemailPlaybackId('att-0001');

export const RING_TIMER = 'xstate.after.ringTimeout.attempt.dialing';
export const AMD_TIMER = 'xstate.after.amdTimeout.attempt.screening';
export const PROMPT_TIMER = 'xstate.after.promptTimeout.attempt.askingConsent.prompting';
export const CONSENT_TIMER = 'xstate.after.consentTimeout.attempt.askingConsent.listening';
export const HAND_OFF_TIMER = 'xstate.after.handOffTimeout.attempt.handingOff.requested';
export const ENTERING_TIMER = 'xstate.after.handOffTimeout.attempt.handingOff.entering';
export const SETTLE_TIMER = 'xstate.after.handOffSettle.attempt.handingOff.settling';
export const RELEASE_TIMER = 'xstate.after.releaseTimeout.attempt.releasing';
export const PBX_GRACE_TIMER = 'xstate.after.pbxLossGrace.attempt.ending';
export const GREETING_TIMER = 'xstate.after.greetingTimeout.attempt.waitingForGreetingEnd';
export const PLAYBACK_TIMER = 'xstate.after.playbackTimeout.attempt.leavingVoicemail';
export const HANG_UP_TIMER = 'xstate.after.hangUpTimeout.attempt.hangingUp';

export const startTimer = (timerId: string, delayMs: number) =>
  ({ type: 'timer.start', timerId, delayMs }) as const;
export const cancelTimer = (timerId: string) => ({ type: 'timer.cancel', timerId }) as const;

/** AAVA reached through the rendered hand-off context. */
export const AAVA_AI_TARGET: Extract<AiTarget, { kind: 'aava' }> = {
  kind: 'aava',
  app: 'asterisk-ai-voice-agent',
  agent: 'appointment-reminder',
  provider: 'openai',
  audioProfile: null,
  context: 'dialstate-aava-handoff',
};

/** The sample attempt handing off to AAVA, dialed straight to a PJSIP trunk. */
export function aavaTargetInput(overrides: Partial<AttemptInput> = {}): AttemptInput {
  return sampleInput({
    aiTarget: AAVA_AI_TARGET,
    endpoint: 'PJSIP/15551230042@trunk-out',
    ...overrides,
  });
}

export function dialing(input: AttemptInput = sampleInput()): AttemptDrive {
  return driveAttempt(input, [ev.started(t(0)), ev.originateAccepted(t(3))]);
}

export function ringing(input: AttemptInput = sampleInput()): AttemptDrive {
  const call = dialing(input);
  call.send(ev.dialStatus('RINGING', t(5)));
  call.send(ev.ringing(t(6)));
  return call;
}

export function screening(input: AttemptInput = sampleInput()): AttemptDrive {
  const call = ringing(input);
  call.send(ev.dialStatus('ANSWER', t(1_003)));
  call.send(ev.answered(t(1_005)));
  // The AMD hop's StasisEnd, 1–2 ms after the continue.
  call.send(ev.leftStasis(t(1_007)));
  return call;
}

/** AMD said HUMAN: consent or the hand-off command comes next. */
export function human(input: AttemptInput = sampleInput()): AttemptDrive {
  const call = screening(input);
  call.send(ev.amd('HUMAN', 'HUMAN-803-800', t(3_975)));
  return call;
}

export function prompting(input: AttemptInput = consentInput()): AttemptDrive {
  const call = human(input);
  call.send(ev.playbackStarted(CONSENT_PLAYBACK, t(3_977)));
  return call;
}

export function listening(input: AttemptInput = consentInput()): AttemptDrive {
  const call = prompting(input);
  call.send(ev.playbackFinished(CONSENT_PLAYBACK, 'done', t(5_947)));
  return call;
}

/** The call left our app for the target (and, for a context, showed up in it) at 3990. */
export function settling(input: AttemptInput = sampleInput()): AttemptDrive {
  const call = human(input);
  call.send(ev.leftStasis(t(3_990)));
  const target = input.aiTarget;
  if (target.kind !== 'app') {
    call.send(ev.dialplanEntered(target.context, 's', 1, 'NoOp', t(3_990)));
  }
  return call;
}

/** The hand-off counted: the target kept the call through the settle time. */
export function talking(input: AttemptInput = sampleInput()): AttemptDrive {
  const call = settling(input);
  call.fireTimer('handOffSettle');
  return call;
}

export function machine(input: AttemptInput = voicemailInput()): AttemptDrive {
  const call = screening(input);
  call.send(ev.amd('MACHINE', 'MAXWORDS-3-2', t(2_725)));
  return call;
}

export function leavingVoicemail(input: AttemptInput = voicemailInput()): AttemptDrive {
  const call = machine(input);
  call.send(ev.greetingEnded(t(16_650)));
  return call;
}
