import { assign } from 'xstate';
import type { AttemptContext } from './attempt-setup.js';
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
  PBX_LOST_ERROR,
  voicemailPlaybackId,
} from './attempt-setup.js';
import type { AttemptEvent } from './attempt-types.js';

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

/** A command the PBX could not take for now: the call is cut, not the callee's doing. */
function interruptedBy(event: AttemptEvent): string {
  return `the PBX could not take the request: ${describeFailure(event)}`;
}

/** Where the hand-off went, for error messages. */
function targetName(context: AttemptContext): string {
  const target = context.input.aiTarget;
  if (target.kind === 'app') return `app "${target.app}"`;
  if (target.kind === 'aava') return `AAVA (app "${target.app}" via context "${target.context}")`;
  return `${target.context},${target.extension},${target.priority}`;
}

/** A call that ended before the AI target was confirmed to hold it. */
function endedBeforeConfirmed(context: AttemptContext, event: AttemptEvent): string {
  const cause = 'cause' in event ? ` (cause ${event.cause})` : '';
  const after =
    context.handedOffAt === null
      ? ''
      : ` ${((event.at - context.handedOffAt) / 1000).toFixed(1)} s`;
  const who = event.type === 'channel.hangupRequested' ? 'the caller hung up' : 'the call ended';
  return `${who}${after} after the hand-off to ${targetName(context)}, before the target was confirmed${cause}`;
}

/**
 * The AI target did not take the call: it never left our app, or never showed up in the
 * target context. Bounds the wait in each of those two steps of a hand-off.
 */
const handOffTimedOut = {
  target: '#attempt.hangingUp',
  actions: decide('handoff_failed', () => 'the AI target did not take the call in time'),
} as const;

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

    // Leaving our Stasis app is not proof of a hand-off: the call must be seen where the
    // target is, and still be up after the settle time.
    handingOff: {
      entry: {
        type: 'handOff',
        params: ({ context: { input } }) => ({
          channelId: input.channelId,
          target: input.aiTarget,
          variables: input.handOffVariables,
        }),
      },
      initial: 'requested',
      states: {
        requested: {
          after: { handOffTimeout: handOffTimedOut },
          on: {
            // A move to another app is confirmed by leaving ours: an app nobody holds
            // gets ApplicationMoveFailed instead, and the channel stays with us.
            'channel.leftStasis': [
              { guard: 'isAppTarget', target: 'settling', actions: 'recordHandOff' },
              { target: 'entering', actions: 'recordHandOff' },
            ],
            'channel.moveFailed': {
              target: '#attempt.hangingUp',
              actions: decide(
                'handoff_failed',
                (event) =>
                  `ARI could not move the call to app "${(event as Ev<'channel.moveFailed'>).destination}": is the app connected?`,
              ),
            },
            // Still ours: the callee hung up before the hand-off.
            'channel.hangupRequested': [
              endedAmbiguously('abandoned'),
              { target: '#attempt.done', actions: ['recordHangupCause', decide('abandoned')] },
            ],
            'channel.hungUp': [
              endedAmbiguously('abandoned'),
              { target: '#attempt.done', actions: ['recordHangupCause', decide('abandoned')] },
            ],
          },
        },
        entering: {
          after: { handOffTimeout: handOffTimedOut },
          on: {
            'channel.dialplanEntered': { guard: 'isTargetContext', target: 'settling' },
          },
        },
        // No hand-off timeout here: the target has the call, and a settle time longer
        // than that timeout must not make us hang up on a caller the agent is talking to.
        settling: {
          after: {
            handOffSettle: { target: '#attempt.talking', actions: 'confirmHandOff' },
          },
        },
      },
      on: {
        // AAVA's engine (or any app the target context enters) is not connected: the
        // dialplan goes on to its fallback, which ends the call.
        'channel.stasisFailed': {
          target: 'releasing',
          actions: assign(({ context }) => ({
            pendingOutcome: 'handoff_failed' as const,
            error: `${targetName(context)}: the Stasis app the target runs is not connected (STASISSTATUS=FAILED)`,
          })),
        },
        'channel.hangupRequested': [
          endedAmbiguously('handoff_failed', () => 'the call ended during the hand-off (cause 0)'),
          {
            target: 'done',
            actions: [
              'recordHangupCause',
              assign(({ context, event }) => ({
                pendingOutcome: 'handoff_failed' as const,
                error: endedBeforeConfirmed(context, event),
              })),
            ],
          },
        ],
        'channel.hungUp': [
          {
            // A continue to a context or extension that does not exist ends at once with
            // cause 0 (fact 16); so does a PBX that stops.
            guard: 'isCauseZero',
            target: 'ending',
            actions: [
              'recordHangupCause',
              assign(({ context }) => ({
                pendingOutcome: 'handoff_failed' as const,
                error: `the call ended as it entered ${targetName(context)} (cause 0): check that the target exists in the dialplan`,
              })),
            ],
          },
          {
            target: 'done',
            actions: [
              'recordHangupCause',
              assign(({ context, event }) => ({
                pendingOutcome: 'handoff_failed' as const,
                error: endedBeforeConfirmed(context, event),
              })),
            ],
          },
        ],
        'command.failed': [
          {
            guard: { type: 'isTransientFailureOf', params: { command: 'handOff' } },
            target: 'hangingUp',
            actions: decide('interrupted', interruptedBy),
          },
          {
            guard: 'isHandOffFailure',
            target: 'hangingUp',
            actions: decide('handoff_failed', describeFailure),
          },
        ],
      },
    },

    // The hand-off failed but the dialplan still has the caller (its fallback plays a
    // short message and hangs up): wait for the end rather than cut it short.
    releasing: {
      after: { releaseTimeout: 'hangingUp' },
      on: {
        'channel.hungUp': { target: 'done', actions: 'recordHangupCause' },
        'channel.lost': 'done',
        'operator.canceled': 'hangingUp',
      },
    },

    // The AI target has the call; we stay subscribed to measure talk time and to see
    // who ends it.
    talking: {
      on: {
        // A request with cause 0 is not the caller: a PBX that stops asks that way.
        'channel.hangupRequested': {
          guard: ({ event }) => event.type === 'channel.hangupRequested' && event.cause !== 0,
          actions: { type: 'recordEndedBy', params: { endedBy: 'caller' } },
        },
        // A step in another context first: a transfer that then hangs up was a transfer.
        'channel.dialplanEntered': [
          { guard: 'isTransferOnward', actions: 'recordTransfer' },
          {
            guard: 'isHangupStep',
            actions: { type: 'recordEndedBy', params: { endedBy: 'agent' } },
          },
        ],
        'channel.hungUp': {
          target: 'done',
          actions: ['recordHangupCause', { type: 'recordEndedBy', params: { endedBy: 'agent' } }],
        },
        'channel.lost': {
          target: 'done',
          actions: decide(
            'answered_human',
            () => 'channel ended while disconnected; talk time is an upper bound',
          ),
        },
      },
    },

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
