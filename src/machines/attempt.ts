import { assign, setup } from 'xstate';
import type {
  AttemptCommandParams,
  AttemptEvent,
  AttemptFacts,
  AttemptInput,
  AttemptOutcome,
  CommandName,
} from './attempt-types.js';
import { classifyUnanswered } from './unanswered-outcome.js';

/**
 * Version of the attempt machine's behaviour. Bump it with any change that makes an
 * existing journal replay differently, and keep a fixture of the old version
 * (docs/decisions/002-machine-versioning.md).
 */
export const ATTEMPT_MACHINE_VERSION = 1;

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

type Ev<T extends AttemptEvent['type']> = Extract<AttemptEvent, { type: T }>;

const CONSENT_DIGIT_ACCEPT = '1';
const CONSENT_DIGIT_DENY = '2';

function consentPlaybackId(input: AttemptInput): string {
  return `${input.attemptId}-consent`;
}

function voicemailPlaybackId(input: AttemptInput): string {
  return `${input.attemptId}-voicemail`;
}

function isFailureOf(command: CommandName) {
  return ({ event }: { event: AttemptEvent }) =>
    event.type === 'command.failed' && event.command === command;
}

function describeFailure(event: AttemptEvent): string {
  if (event.type !== 'command.failed') return 'unexpected failure';
  const status = event.status === undefined ? '' : ` (HTTP ${event.status})`;
  return `${event.command} failed${status}: ${event.message}`;
}

/** Remembers the outcome (and why) before the attempt ends or hangs up. */
function decide(outcome: AttemptOutcome, error?: (event: AttemptEvent) => string) {
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
function hungUpByCallee(outcome: AttemptOutcome, error?: string) {
  const why = error === undefined ? undefined : () => error;
  return { target: 'done', actions: ['recordHangupCause', decide(outcome, why)] } as const;
}

/**
 * The attempt machine: one outbound call from originate to its single terminal
 * outcome. Pure: it reads only its context and the event, and names its effects as
 * parameterised actions that the runner executes through the CallControl port.
 */
export const attemptMachine = setup({
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
}).createMachine({
  id: 'attempt',
  context: ({ input }) => ({
    input,
    startedAt: null,
    answeredAt: null,
    handedOffAt: null,
    endedAt: null,
    dialStatus: null,
    hangupCause: null,
    farEndCause: null,
    amdStatus: null,
    amdCause: null,
    digits: '',
    pendingOutcome: null,
    outcome: null,
    error: null,
  }),
  initial: 'idle',
  output: ({ context }) => factsOf(context),
  // Facts and commands that apply in every live state; a state that handles one of
  // these events itself takes precedence.
  on: {
    'dial.statusChanged': { actions: assign({ dialStatus: ({ event }) => event.dialStatus }) },
    'farEnd.hungUp': { actions: assign({ farEndCause: ({ event }) => event.cause }) },
    'dtmf.received': { actions: 'recordDigit' },
    'operator.canceled': {
      target: '.hangingUp',
      actions: decide('canceled', () => 'canceled by the operator'),
    },
    'channel.lost': {
      target: '.done',
      actions: decide('interrupted', () => 'channel not found after a restart or reconnect'),
    },
  },
  states: {
    idle: {
      on: {
        'attempt.started': {
          target: 'dialing',
          actions: assign({ startedAt: ({ event }) => event.at }),
        },
        'operator.canceled': {
          target: 'done',
          actions: decide('canceled', () => 'canceled before dialing'),
        },
      },
    },

    dialing: {
      entry: {
        type: 'originate',
        params: ({ context: { input } }) => ({
          channelId: input.channelId,
          number: input.number,
          callerId: input.callerId,
          timeoutSec: Math.ceil(input.ringTimeoutMs / 1000),
          variables: input.originateVariables,
        }),
      },
      initial: 'originating',
      states: {
        originating: { on: { 'channel.ringing': 'ringing' } },
        ringing: {},
      },
      after: {
        // ARI's originate timeout normally ends the call first (cause 19); this is the
        // safety net for when that end never reaches us.
        ringTimeout: {
          target: 'hangingUp',
          actions: decide('no_answer', () => 'no answer within the ring timeout'),
        },
      },
      on: {
        'channel.answered': {
          target: 'screening',
          actions: assign({ answeredAt: ({ event }) => event.at }),
        },
        'channel.hungUp': {
          target: 'done',
          actions: [
            'recordHangupCause',
            assign(({ context, event }) => {
              const verdict = classifyUnanswered({
                dialStatus: context.dialStatus,
                farEndCause: context.farEndCause,
                hangupCause: event.cause,
              });
              return { pendingOutcome: verdict.outcome, error: verdict.error };
            }),
          ],
        },
        'command.failed': {
          guard: 'isOriginateFailure',
          target: 'done',
          actions: decide('failed', describeFailure),
        },
      },
    },

    // The AMD hop: `continue` into the AMD context produces a StasisEnd that is not the
    // end of the call; the verdict comes back as a second StasisStart.
    screening: {
      entry: {
        type: 'continueToAmd',
        params: ({ context: { input } }) => ({
          channelId: input.channelId,
          amdOptions: input.amd.options,
        }),
      },
      after: {
        amdTimeout: {
          target: 'hangingUp',
          actions: decide('failed', () => 'no AMD verdict within the AMD timeout'),
        },
      },
      on: {
        'amd.completed': [
          { guard: 'isHumanVerdict', target: 'routingHuman', actions: 'recordAmd' },
          { guard: 'isMachineVerdict', target: 'routingMachine', actions: 'recordAmd' },
          {
            guard: 'isHangupVerdict',
            target: 'hangingUp',
            actions: ['recordAmd', decide('abandoned')],
          },
          {
            target: 'hangingUp',
            actions: [
              'recordAmd',
              decide('failed', (event) => `AMD returned no usable verdict: ${describeAmd(event)}`),
            ],
          },
        ],
        'channel.hungUp': [
          {
            guard: 'isDestroyedByDialplan',
            target: 'done',
            actions: [
              'recordHangupCause',
              decide(
                'failed',
                () =>
                  'channel destroyed in the AMD dialplan hop (cause 0): check that the AMD context exists',
              ),
            ],
          },
          hungUpByCallee('abandoned'),
        ],
        // A missing AMD context destroys the channel without any request (fact 16).
        'channel.hangupRequested': hungUpByCallee('abandoned'),
        'command.failed': {
          guard: 'isContinueFailure',
          target: 'hangingUp',
          actions: decide('failed', describeFailure),
        },
      },
    },

    routingHuman: {
      always: [{ guard: 'hasConsentGate', target: 'askingConsent' }, { target: 'handingOff' }],
    },

    routingMachine: {
      always: [
        { guard: 'hasVoicemailDrop', target: 'waitingForGreetingEnd' },
        { target: 'hangingUp', actions: decide('machine_detected') },
      ],
    },

    askingConsent: {
      initial: 'prompting',
      states: {
        prompting: {
          entry: {
            type: 'play',
            params: ({ context: { input } }) => ({
              channelId: input.channelId,
              playbackId: consentPlaybackId(input),
              media: input.consent?.media ?? '',
            }),
          },
          after: {
            // PlaybackFinished never came: listen anyway rather than wait forever.
            promptTimeout: 'listening',
          },
          on: {
            'dtmf.received': [
              {
                guard: 'isAcceptDigit',
                target: '#attempt.handingOff',
                actions: [
                  'recordDigit',
                  {
                    type: 'stopPlayback',
                    params: ({ context }) => ({ playbackId: consentPlaybackId(context.input) }),
                  },
                ],
              },
              {
                guard: 'isDenyDigit',
                target: '#attempt.hangingUp',
                actions: ['recordDigit', decide('consent_denied')],
              },
              { actions: 'recordDigit' },
            ],
            'playback.finished': [
              { guard: 'isConsentPromptDone', target: 'listening' },
              {
                guard: 'isConsentPromptFailed',
                target: '#attempt.hangingUp',
                actions: decide('failed', () => 'the consent prompt could not be played'),
              },
            ],
            'command.failed': {
              guard: 'isPlayFailure',
              target: '#attempt.hangingUp',
              actions: decide('failed', describeFailure),
            },
          },
        },
        listening: {
          after: {
            consentTimeout: {
              target: '#attempt.hangingUp',
              actions: decide('consent_timeout'),
            },
          },
          on: {
            'dtmf.received': [
              { guard: 'isAcceptDigit', target: '#attempt.handingOff', actions: 'recordDigit' },
              {
                guard: 'isDenyDigit',
                target: '#attempt.hangingUp',
                actions: ['recordDigit', decide('consent_denied')],
              },
              { actions: 'recordDigit' },
            ],
          },
        },
      },
      on: {
        // The request comes before the prompt it cuts short finishes `failed`.
        'channel.hangupRequested': hungUpByCallee('abandoned'),
        'channel.hungUp': hungUpByCallee('abandoned'),
      },
    },

    handingOff: {
      entry: {
        type: 'handOff',
        params: ({ context: { input } }) => ({
          channelId: input.channelId,
          target: input.aiTarget,
          variables: input.handOffVariables,
        }),
      },
      after: {
        handOffTimeout: {
          target: 'hangingUp',
          actions: decide('failed', () => 'the hand-off was not confirmed in time'),
        },
      },
      on: {
        // Leaving our Stasis app is the confirmation that the AI target has the call.
        'channel.leftStasis': {
          target: 'talking',
          actions: assign({
            handedOffAt: ({ event }) => event.at,
            pendingOutcome: 'answered_human',
          }),
        },
        // A hang-up takes the channel out of Stasis too: the request that comes before
        // that StasisEnd tells it from a confirmed hand-off.
        'channel.hangupRequested': hungUpByCallee('abandoned'),
        'channel.hungUp': hungUpByCallee('abandoned'),
        'command.failed': {
          guard: 'isHandOffFailure',
          target: 'hangingUp',
          actions: decide('failed', describeFailure),
        },
      },
    },

    // The AI target has the call; we stay subscribed to measure talk time.
    talking: {
      on: {
        'channel.hungUp': { target: 'done', actions: 'recordHangupCause' },
        'channel.lost': {
          target: 'done',
          actions: decide(
            'answered_human',
            () => 'channel ended while disconnected; talk time is an upper bound',
          ),
        },
      },
    },

    waitingForGreetingEnd: {
      entry: {
        type: 'detectGreetingEnd',
        params: ({ context }) => ({ channelId: context.input.channelId }),
      },
      after: {
        // Bounded: a greeting with no detectable end must not keep the line forever.
        greetingTimeout: 'leavingVoicemail',
      },
      on: {
        'greeting.ended': 'leavingVoicemail',
        'channel.hangupRequested': hungUpByCallee(
          'machine_detected',
          'hung up before the voicemail drop',
        ),
        'channel.hungUp': hungUpByCallee('machine_detected', 'hung up before the voicemail drop'),
      },
    },

    leavingVoicemail: {
      entry: {
        type: 'play',
        params: ({ context: { input } }) => ({
          channelId: input.channelId,
          playbackId: voicemailPlaybackId(input),
          media: input.voicemail?.media ?? '',
        }),
      },
      after: {
        playbackTimeout: {
          target: 'hangingUp',
          actions: decide(
            'failed',
            () => 'the voicemail playback did not finish within its maximum length',
          ),
        },
      },
      on: {
        // Only a playback that finished in state `done` was heard: a missing file also
        // "finishes", in state `failed`.
        'playback.finished': [
          { guard: 'isVoicemailDone', target: 'hangingUp', actions: decide('voicemail_dropped') },
          {
            guard: 'isVoicemailFailed',
            target: 'hangingUp',
            actions: decide(
              'failed',
              (event) =>
                `the voicemail recording could not be played (playback ${(event as Ev<'playback.finished'>).state})`,
            ),
          },
        ],
        // The request comes before the message it cuts short finishes `failed`.
        'channel.hangupRequested': hungUpByCallee(
          'machine_detected',
          'hung up during the voicemail drop',
        ),
        'channel.hungUp': hungUpByCallee('machine_detected', 'hung up during the voicemail drop'),
        'command.failed': {
          guard: 'isPlayFailure',
          target: 'hangingUp',
          actions: decide('failed', describeFailure),
        },
      },
    },

    hangingUp: {
      entry: {
        type: 'hangUp',
        params: ({ context }) => ({ channelId: context.input.channelId }),
      },
      after: {
        hangUpTimeout: 'done',
      },
      on: {
        'channel.hungUp': { target: 'done', actions: 'recordHangupCause' },
        // A 404 means the channel was already gone.
        'command.failed': { guard: 'isHangUpFailure', target: 'done' },
        'operator.canceled': {},
        'channel.lost': 'done',
      },
    },

    done: {
      type: 'final',
      entry: assign(({ context, event }) => ({
        outcome: context.pendingOutcome ?? 'failed',
        endedAt: event.at,
        error: context.pendingOutcome === null ? 'ended without a decided outcome' : context.error,
      })),
    },
  },
});

function describeAmd(event: AttemptEvent): string {
  if (event.type !== 'amd.completed') return 'none';
  return `status "${event.status}", cause "${event.cause}"`;
}
