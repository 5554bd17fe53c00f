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
  CommandName,
} from './attempt-types.js';

/** Extra time our own ring timer allows beyond ARI's originate `timeout` (ms). */
export const RING_GRACE_MS = 5_000;
/** Longest wait for the channel to leave Stasis after a hand-off command (ms). */
export const HAND_OFF_TIMEOUT_MS = 10_000;
/** Longest wait for `ChannelDestroyed` after our hang-up request (ms). */
export const HANG_UP_TIMEOUT_MS = 10_000;

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

function isFailureOf(command: CommandName) {
  return ({ event }: { event: AttemptEvent }) =>
    event.type === 'command.failed' && event.command === command;
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
    isContinueFailure: isFailureOf('continueToAmd'),
    isPlayFailure: isFailureOf('play'),
    isHandOffFailure: isFailureOf('handOff'),
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
    hangUpTimeout: HANG_UP_TIMEOUT_MS,
  },
});

/** The AMD verdict of an event, for error messages. */
export function describeAmd(event: AttemptEvent): string {
  if (event.type !== 'amd.completed') return 'none';
  return `status "${event.status}", cause "${event.cause}"`;
}
