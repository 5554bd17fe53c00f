/**
 * The declarations of the attempt machine: its types, named actions, guards and delays
 * (XState `setup()`), and the small helpers its transitions share. The state tree is in
 * attempt.ts.
 */
import { assign, setup } from 'xstate';
import type {
  AttemptCommandParams,
  AttemptEvent,
  AttemptFacts,
  AttemptInput,
  AttemptOutcome,
  CallEndedBy,
  CommandName,
} from './attempt-types.js';
import { classifyUnanswered } from './unanswered-outcome.js';

/** Extra time our own ring timer allows beyond ARI's originate `timeout` (ms). */
export const RING_GRACE_MS = 5_000;
/**
 * Longest wait for the channel to leave Stasis after a hand-off command, and (machine
 * version 2 on) then for it to show up in the target's context (ms).
 */
export const HAND_OFF_TIMEOUT_MS = 10_000;
/** Longest wait for `ChannelDestroyed` after our hang-up request (ms). */
export const HANG_UP_TIMEOUT_MS = 10_000;
/** How long the AI target must keep the call before the hand-off counts (ms, default). */
export const HAND_OFF_SETTLE_MS = 2_000;
/**
 * How long an end that may be the PBX going away (cause 0) waits for the connection
 * loss that would explain it (ms). Asterisk hangs every call up just before it closes
 * the websocket when it stops.
 */
export const PBX_LOSS_GRACE_MS = 3_000;
/** Longest a failed hand-off's caller may stay in the dialplan's fallback (ms). */
export const RELEASE_TIMEOUT_MS = 30_000;
/** The error of an attempt cut by a PBX that stopped or became unreachable. */
export const PBX_LOST_ERROR = 'PBX restarted or unreachable';

export interface AttemptContext extends AttemptFacts {
  input: AttemptInput;
}

/** The facts of a context, without the input they were computed from. */
export function factsOf(context: AttemptContext): AttemptFacts {
  const { input: _input, ...facts } = context;
  return facts;
}

export type Ev<T extends AttemptEvent['type']> = Extract<AttemptEvent, { type: T }>;

const CONSENT_DIGIT_ACCEPT = '1';
const CONSENT_DIGIT_DENY = '2';

export function consentPlaybackId(input: AttemptInput): string {
  return `${input.attemptId}-consent`;
}

export function voicemailPlaybackId(input: AttemptInput): string {
  return `${input.attemptId}-voicemail`;
}

export function safeHarbourPlaybackId(input: AttemptInput): string {
  return `${input.attemptId}-safe-harbour`;
}

export function optOutPlaybackId(input: AttemptInput): string {
  return `${input.attemptId}-opt-out`;
}

function isFailureOf(command: CommandName) {
  return ({ event }: { event: AttemptEvent }) =>
    event.type === 'command.failed' && event.command === command;
}

/**
 * A command the PBX could not take for now: ARI answered 5xx, or did not answer at all
 * (connection refused or reset, timeout). A 4xx says our settings are wrong instead.
 */
export function isTransientFailure(event: AttemptEvent): boolean {
  return event.type === 'command.failed' && (event.status === undefined || event.status >= 500);
}

/** A command the PBX could not take for now: the call is cut, not the callee's doing. */
export function interruptedBy(event: AttemptEvent): string {
  return `the PBX could not take the request: ${describeFailure(event)}`;
}

/** The context a dialplan or AAVA target is continued into; null for an app target. */
export function targetContextOf(input: AttemptInput): string | null {
  const target = input.aiTarget;
  return target.kind === 'app' ? null : target.context;
}

export function describeFailure(event: AttemptEvent): string {
  if (event.type !== 'command.failed') return 'unexpected failure';
  const status = event.status === undefined ? '' : ` (HTTP ${event.status})`;
  return `${event.command} failed${status}: ${event.message}`;
}

/** Remembers the outcome (and why) before the attempt ends or hangs up. */
export function decide(outcome: AttemptOutcome, error?: (event: AttemptEvent) => string) {
  return {
    type: 'decide',
    params: ({ event }: { event: AttemptEvent }) => ({
      outcome,
      error: error ? error(event) : undefined,
    }),
  } as const;
}

/**
 * The callee (or the network) hung up while the call was ours: the attempt ends at
 * once with this outcome and no command, the channel being already on its way down.
 * Taken both on the hang-up request, which Asterisk publishes before it stops a
 * playback or takes the channel out of Stasis, and on `ChannelDestroyed`, in case no
 * request was reported.
 */
export function hungUpByCallee(outcome: AttemptOutcome, error?: string) {
  const why = error === undefined ? undefined : () => error;
  return { target: 'done', actions: ['recordHangupCause', decide(outcome, why)] } as const;
}

/**
 * A hang-up with cause 0 is either a dialplan that went nowhere (a missing context) or
 * the PBX stopping, which hangs every call up with cause 0 just before its websocket
 * closes. The attempt waits in `ending` for the connection loss that would tell which,
 * with the outcome it would have otherwise (machine version 2 on).
 */
export function endedAmbiguously(outcome: AttemptOutcome, error?: (event: AttemptEvent) => string) {
  return {
    guard: 'isCauseZero',
    target: '#attempt.ending',
    actions: ['recordHangupCause', decide(outcome, error)],
  } as const;
}

/** The attempt machine's `setup()`: everything its state tree refers to by name. */
export const attemptSetup = setup({
  types: {
    context: {} as AttemptContext,
    events: {} as AttemptEvent,
    input: {} as AttemptInput,
    output: {} as AttemptFacts,
  },
  actions: {
    // Effects: the runner executes these; the machine only names them.
    originate: (_, _params: AttemptCommandParams['originate']) => {},
    continueToAmd: (_, _params: AttemptCommandParams['continueToAmd']) => {},
    play: (_, _params: AttemptCommandParams['play']) => {},
    stopPlayback: (_, _params: AttemptCommandParams['stopPlayback']) => {},
    detectGreetingEnd: (_, _params: AttemptCommandParams['detectGreetingEnd']) => {},
    handOff: (_, _params: AttemptCommandParams['handOff']) => {},
    hangUp: (_, _params: AttemptCommandParams['hangUp']) => {},
    decide: assign((_, params: { outcome: AttemptOutcome; error: string | undefined }) => ({
      pendingOutcome: params.outcome,
      ...(params.error === undefined ? {} : { error: params.error }),
    })),
    recordAmd: assign(({ event }) =>
      event.type === 'amd.completed' ? { amdStatus: event.status, amdCause: event.cause } : {},
    ),
    recordHangupCause: assign(({ event }) =>
      event.type === 'channel.hungUp' || event.type === 'channel.hangupRequested'
        ? { hangupCause: event.cause }
        : {},
    ),
    classifyUnanswered: assign(({ context, event }) => {
      if (event.type !== 'channel.hungUp') return {};
      const verdict = classifyUnanswered({
        dialStatus: context.dialStatus,
        farEndCause: context.farEndCause,
        hangupCause: event.cause,
      });
      return { pendingOutcome: verdict.outcome, error: verdict.error };
    }),
    recordPbxLost: assign(({ event }) =>
      event.type === 'pbx.lost' ? { pbxLostAt: event.at } : {},
    ),
    recordHandOff: assign(({ event }) => ({ handedOffAt: event.at })),
    confirmHandOff: assign(({ event }) => ({
      handOffConfirmedAt: event.at,
      pendingOutcome: 'answered_human' as const,
    })),
    recordEndedBy: assign(({ context }, params: { endedBy: CallEndedBy }) => ({
      endedBy: context.endedBy ?? params.endedBy,
    })),
    recordTransfer: assign(({ context, event }) =>
      event.type === 'channel.dialplanEntered'
        ? { transferredTo: event.context, endedBy: context.endedBy ?? ('transfer' as const) }
        : {},
    ),
    recordDigit: assign({
      digits: ({ context, event }) =>
        event.type === 'dtmf.received' ? context.digits + event.digit : context.digits,
    }),
  },
  guards: {
    isHumanVerdict: ({ context, event }) => {
      const status = (event as Ev<'amd.completed'>).status;
      return (
        status === 'HUMAN' || (status === 'NOTSURE' && context.input.amd.notSureAs === 'human')
      );
    },
    isMachineVerdict: ({ context, event }) => {
      const status = (event as Ev<'amd.completed'>).status;
      return (
        status === 'MACHINE' || (status === 'NOTSURE' && context.input.amd.notSureAs === 'machine')
      );
    },
    isHangupVerdict: ({ event }) => (event as Ev<'amd.completed'>).status === 'HANGUP',
    hasConsentGate: ({ context }) => context.input.consent !== null,
    hasVoicemailDrop: ({ context }) => context.input.voicemail !== null,
    isAcceptDigit: ({ event }) => (event as Ev<'dtmf.received'>).digit === CONSENT_DIGIT_ACCEPT,
    isDenyDigit: ({ event }) => (event as Ev<'dtmf.received'>).digit === CONSENT_DIGIT_DENY,
    // Absent in every input made before the opt-out digit existed: never matches then.
    isOptOutDigit: ({ context, event }) =>
      context.input.consent?.optOut !== undefined &&
      (event as Ev<'dtmf.received'>).digit === context.input.consent.optOut.digit,
    hasOptOutMessage: ({ context }) => (context.input.consent?.optOut?.media ?? null) !== null,
    hasSafeHarbour: ({ context }) => context.input.safeHarbour !== undefined,
    isSafeHarbourEnd: ({ context, event }) =>
      (event as Ev<'playback.finished'>).playbackId === safeHarbourPlaybackId(context.input),
    isOptOutMessageEnd: ({ context, event }) =>
      (event as Ev<'playback.finished'>).playbackId === optOutPlaybackId(context.input),
    isConsentPromptDone: ({ context, event }) => {
      const e = event as Ev<'playback.finished'>;
      return e.playbackId === consentPlaybackId(context.input) && e.state === 'done';
    },
    isConsentPromptFailed: ({ context, event }) => {
      const e = event as Ev<'playback.finished'>;
      return e.playbackId === consentPlaybackId(context.input) && e.state !== 'done';
    },
    isVoicemailDone: ({ context, event }) => {
      const e = event as Ev<'playback.finished'>;
      return e.playbackId === voicemailPlaybackId(context.input) && e.state === 'done';
    },
    isVoicemailFailed: ({ context, event }) => {
      const e = event as Ev<'playback.finished'>;
      return e.playbackId === voicemailPlaybackId(context.input) && e.state !== 'done';
    },
    // Asterisk destroys both halves with cause 0 when `continue` names a context that
    // does not exist; a callee hanging up during AMD gives a real cause (16).
    isDestroyedByDialplan: ({ event }) => (event as Ev<'channel.hungUp'>).cause === 0,
    isOriginateFailure: isFailureOf('originate'),
    isTransientFailureOf: ({ event }, params: { command: CommandName }) =>
      event.type === 'command.failed' &&
      event.command === params.command &&
      isTransientFailure(event),
    isCauseZero: ({ event }) =>
      (event.type === 'channel.hungUp' || event.type === 'channel.hangupRequested') &&
      event.cause === 0,
    isAppTarget: ({ context }) => context.input.aiTarget.kind === 'app',
    isTargetContext: ({ context, event }) =>
      event.type === 'channel.dialplanEntered' && event.context === targetContextOf(context.input),
    isHangupStep: ({ event }) => event.type === 'channel.dialplanEntered' && event.app === 'Hangup',
    // The AI target passed the call on into the dialplan somewhere else.
    isTransferOnward: ({ context, event }) =>
      event.type === 'channel.dialplanEntered' && event.context !== targetContextOf(context.input),
    // The connection to the PBX went down moments before this event: what the channel
    // reports now is the PBX going away.
    isPbxRecentlyLost: ({ context, event }) =>
      context.pbxLostAt != null && event.at - context.pbxLostAt <= PBX_LOSS_GRACE_MS,
    isContinueFailure: isFailureOf('continueToAmd'),
    isPlayFailure: isFailureOf('play'),
    isHandOffFailure: isFailureOf('handOff'),
    isHandOffFailureWithSafeHarbour: ({ context, event }) =>
      isFailureOf('handOff')({ event }) && context.input.safeHarbour !== undefined,
    isHangUpFailure: isFailureOf('hangUp'),
  },
  delays: {
    ringTimeout: ({ context }) => context.input.ringTimeoutMs + RING_GRACE_MS,
    amdTimeout: ({ context }) => context.input.amd.timeoutMs,
    promptTimeout: ({ context }) => context.input.consent?.promptMaxMs ?? 0,
    consentTimeout: ({ context }) => context.input.consent?.timeoutMs ?? 0,
    greetingTimeout: ({ context }) => context.input.voicemail?.greetingMaxWaitMs ?? 0,
    playbackTimeout: ({ context }) => context.input.voicemail?.playbackMaxMs ?? 0,
    handOffTimeout: HAND_OFF_TIMEOUT_MS,
    handOffSettle: ({ context }) => context.input.handOffSettleMs ?? HAND_OFF_SETTLE_MS,
    pbxLossGrace: PBX_LOSS_GRACE_MS,
    releaseTimeout: RELEASE_TIMEOUT_MS,
    safeHarbourTimeout: ({ context }) => context.input.safeHarbour?.playbackMaxMs ?? 0,
    optOutMessageTimeout: ({ context }) => context.input.consent?.optOut?.playbackMaxMs ?? 0,
    hangUpTimeout: HANG_UP_TIMEOUT_MS,
  },
});

/** The AMD verdict of an event, for error messages. */
export function describeAmd(event: AttemptEvent): string {
  if (event.type !== 'amd.completed') return 'none';
  return `status "${event.status}", cause "${event.cause}"`;
}
