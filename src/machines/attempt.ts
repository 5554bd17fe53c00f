import { assign } from 'xstate';
import { optingOutState, safeHarbourState } from './attempt-closing.js';
import { handingOffState, releasingState, talkingState } from './attempt-handoff.js';
import {
  attemptSetup,
  consentPlaybackId,
  decide,
  describeAmd,
  describeFailure,
  type Ev,
  endedAmbiguously,
  factsOf,
  hungUpByCallee,
  interruptedBy,
  PBX_LOST_ERROR,
  voicemailPlaybackId,
} from './attempt-setup.js';

export {
  type AttemptContext,
  factsOf,
  HAND_OFF_SETTLE_MS,
  HAND_OFF_TIMEOUT_MS,
  HANG_UP_TIMEOUT_MS,
  PBX_LOSS_GRACE_MS,
  PBX_LOST_ERROR,
  RING_GRACE_MS,
} from './attempt-setup.js';

/**
 * Version of the attempt machine's behaviour. Bump it with any change that makes an
 * existing journal replay differently, and keep a fixture of the old version
 * (docs/decisions/002-machine-versioning.md).
 */
export const ATTEMPT_MACHINE_VERSION = 2;

/** Why an attempt ended `opted_out`: the digit the callee pressed. */
function optedOutBy(event: { type: string; digit?: string }): string {
  return `pressed ${event.digit ?? '?'}: asked not to be called again`;
}

/**
 * The attempt machine: one outbound call from originate to its single terminal
 * outcome. Pure: it reads only its context and the event, and names its effects as
 * parameterised actions that the runner executes through the CallControl port.
 *
 * Version 2 (this one) confirms a hand-off before it counts: the call must be seen
 * running in the target's context (or to have left for the target app) and still be
 * up after a settle time; otherwise it is `handoff_failed`. Ends that may be the PBX
 * going away (cause 0) wait briefly in `ending` for the connection loss that would
 * make them `interrupted`, and a command the PBX could not take for now (5xx, no
 * answer) interrupts the attempt instead of failing it. Version 1 is in attempt-v1.ts.
 */
export const attemptMachine = attemptSetup.createMachine({
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
    handOffConfirmedAt: null,
    endedBy: null,
    transferredTo: null,
    pbxLostAt: null,
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
    // Remembered: an end with cause 0 that follows it is the PBX going away.
    'pbx.lost': { actions: 'recordPbxLost' },
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
          ...(input.endpoint === undefined ? {} : { endpoint: input.endpoint }),
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
        'channel.hungUp': [
          {
            // Cause 0 everywhere and nothing decisive from the dial (no status, or still
            // ringing: the originate timeout ends with 19, fact 3): a dial context that
            // went nowhere, or the PBX stopping.
            guard: ({ context, event }) =>
              event.type === 'channel.hungUp' &&
              event.cause === 0 &&
              !context.farEndCause &&
              (context.dialStatus === null || context.dialStatus === 'RINGING'),
            target: 'ending',
            actions: ['recordHangupCause', 'classifyUnanswered'],
          },
          { target: 'done', actions: ['recordHangupCause', 'classifyUnanswered'] },
        ],
        'command.failed': [
          {
            guard: { type: 'isTransientFailureOf', params: { command: 'originate' } },
            target: 'done',
            actions: decide('interrupted', interruptedBy),
          },
          {
            guard: 'isOriginateFailure',
            target: 'done',
            actions: decide('failed', describeFailure),
          },
        ],
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
          endedAmbiguously(
            'failed',
            () =>
              'channel destroyed in the AMD dialplan hop (cause 0): check that the AMD context exists',
          ),
          hungUpByCallee('abandoned'),
        ],
        // A missing AMD context destroys the channel without any request (fact 16).
        'channel.hangupRequested': [endedAmbiguously('abandoned'), hungUpByCallee('abandoned')],
        'command.failed': [
          {
            guard: { type: 'isTransientFailureOf', params: { command: 'continueToAmd' } },
            target: 'hangingUp',
            actions: decide('interrupted', interruptedBy),
          },
          {
            guard: 'isContinueFailure',
            target: 'hangingUp',
            actions: decide('failed', describeFailure),
          },
        ],
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
              {
                guard: 'isOptOutDigit',
                target: '#attempt.optingOut',
                actions: [
                  'recordDigit',
                  {
                    type: 'stopPlayback',
                    params: ({ context }) => ({ playbackId: consentPlaybackId(context.input) }),
                  },
                  decide('opted_out', optedOutBy),
                ],
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
            'command.failed': [
              {
                guard: { type: 'isTransientFailureOf', params: { command: 'play' } },
                target: '#attempt.hangingUp',
                actions: decide('interrupted', interruptedBy),
              },
              {
                guard: 'isPlayFailure',
                target: '#attempt.hangingUp',
                actions: decide('failed', describeFailure),
              },
            ],
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
              {
                guard: 'isOptOutDigit',
                target: '#attempt.optingOut',
                actions: ['recordDigit', decide('opted_out', optedOutBy)],
              },
              { actions: 'recordDigit' },
            ],
          },
        },
      },
      on: {
        // The request comes before the prompt it cuts short finishes `failed`.
        'channel.hangupRequested': [endedAmbiguously('abandoned'), hungUpByCallee('abandoned')],
        'channel.hungUp': [endedAmbiguously('abandoned'), hungUpByCallee('abandoned')],
      },
    },

    handingOff: handingOffState,
    releasing: releasingState,
    talking: talkingState,
    // Entered only with the campaign's optional settings (absent from older inputs).
    safeHarbour: safeHarbourState,
    optingOut: optingOutState,

    // The channel went with cause 0: the PBX stopping, or a dialplan that went nowhere.
    // The connection loss that would explain it comes within moments, or not at all.
    ending: {
      always: {
        guard: 'isPbxRecentlyLost',
        target: 'done',
        actions: decide('interrupted', () => PBX_LOST_ERROR),
      },
      after: { pbxLossGrace: 'done' },
      on: {
        'pbx.lost': {
          target: 'done',
          actions: ['recordPbxLost', decide('interrupted', () => PBX_LOST_ERROR)],
        },
        'channel.hungUp': { actions: 'recordHangupCause' },
        'channel.hangupRequested': {},
        'operator.canceled': {},
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
        'channel.hangupRequested': [
          endedAmbiguously('machine_detected', () => 'hung up before the voicemail drop'),
          hungUpByCallee('machine_detected', 'hung up before the voicemail drop'),
        ],
        'channel.hungUp': [
          endedAmbiguously('machine_detected', () => 'hung up before the voicemail drop'),
          hungUpByCallee('machine_detected', 'hung up before the voicemail drop'),
        ],
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
        'channel.hangupRequested': [
          endedAmbiguously('machine_detected', () => 'hung up during the voicemail drop'),
          hungUpByCallee('machine_detected', 'hung up during the voicemail drop'),
        ],
        'channel.hungUp': [
          endedAmbiguously('machine_detected', () => 'hung up during the voicemail drop'),
          hungUpByCallee('machine_detected', 'hung up during the voicemail drop'),
        ],
        'command.failed': [
          {
            guard: { type: 'isTransientFailureOf', params: { command: 'play' } },
            target: 'hangingUp',
            actions: decide('interrupted', interruptedBy),
          },
          {
            guard: 'isPlayFailure',
            target: 'hangingUp',
            actions: decide('failed', describeFailure),
          },
        ],
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
