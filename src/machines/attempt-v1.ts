import { assign } from 'xstate';
import {
  attemptSetup,
  consentPlaybackId,
  decide,
  describeAmd,
  describeFailure,
  type Ev,
  factsOf,
  hungUpByCallee,
  voicemailPlaybackId,
} from './attempt-setup.js';
import { classifyUnanswered } from './unanswered-outcome.js';

/**
 * Version 1 of the attempt machine, frozen: attempts started under it (and their
 * fixtures) are restored and replayed with exactly this definition (ADR 002). Do not
 * change it; behaviour changes go into the current machine (attempt.ts) under a new
 * version. Version 1 took leaving our Stasis app as proof of a hand-off and had no
 * rule for a PBX that went away.
 */
export const attemptMachineV1 = attemptSetup.createMachine({
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
