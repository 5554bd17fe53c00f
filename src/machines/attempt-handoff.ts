import { assign } from 'xstate';
import {
  type AttemptContext,
  attemptSetup,
  decide,
  describeFailure,
  type Ev,
  endedAmbiguously,
  interruptedBy,
} from './attempt-setup.js';
import type { AttemptEvent } from './attempt-types.js';

/**
 * The hand-off of attempt machine version 2 and what follows it: handing the call to the
 * AI target and confirming it got there (`handingOff`), letting a caller the target
 * could not take go (`releasing`), and following the call the target has (`talking`).
 * The rest of the state tree is in attempt.ts.
 */

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
const handOffLate = decide('handoff_failed', () => 'the AI target did not take the call in time');
const handOffTimedOut = { target: '#attempt.hangingUp', actions: handOffLate } as const;

const moveFailed = decide(
  'handoff_failed',
  (event) =>
    `ARI could not move the call to app "${(event as Ev<'channel.moveFailed'>).destination}": is the app connected?`,
);

// Leaving our Stasis app is not proof of a hand-off: the call must be seen where the
// target is, and still be up after the settle time.
export const handingOffState = attemptSetup.createStateConfig({
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
      // Still in our app: with a safe-harbour message the person hears it before we
      // hang up, otherwise the call ends at once.
      after: {
        handOffTimeout: [
          { guard: 'hasSafeHarbour', target: '#attempt.safeHarbour', actions: handOffLate },
          handOffTimedOut,
        ],
      },
      on: {
        // A move to another app is confirmed by leaving ours: an app nobody holds
        // gets ApplicationMoveFailed instead, and the channel stays with us.
        'channel.leftStasis': [
          { guard: 'isAppTarget', target: 'settling', actions: 'recordHandOff' },
          { target: 'entering', actions: 'recordHandOff' },
        ],
        'channel.moveFailed': [
          { guard: 'hasSafeHarbour', target: '#attempt.safeHarbour', actions: moveFailed },
          { target: '#attempt.hangingUp', actions: moveFailed },
        ],
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
      // ARI refused the hand-off (4xx): the call never left our app.
      {
        guard: 'isHandOffFailureWithSafeHarbour',
        target: 'safeHarbour',
        actions: decide('handoff_failed', describeFailure),
      },
      {
        guard: 'isHandOffFailure',
        target: 'hangingUp',
        actions: decide('handoff_failed', describeFailure),
      },
    ],
  },
});

// The hand-off failed but the dialplan still has the caller (its fallback plays a
// short message and hangs up): wait for the end rather than cut it short.
export const releasingState = attemptSetup.createStateConfig({
  after: { releaseTimeout: 'hangingUp' },
  on: {
    'channel.hungUp': { target: 'done', actions: 'recordHangupCause' },
    'channel.lost': 'done',
    'operator.canceled': 'hangingUp',
  },
});

// The AI target has the call; we stay subscribed to measure talk time and to see
// who ends it.
export const talkingState = attemptSetup.createStateConfig({
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
});
