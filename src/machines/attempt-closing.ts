import { attemptSetup, optOutPlaybackId, safeHarbourPlaybackId } from './attempt-setup.js';

/**
 * The closing messages of attempt machine version 2: a message played to the callee
 * once the attempt's outcome is decided, before our side hangs up. The outcome stays
 * what it was decided to be; the message is journaled as its `play` command and the
 * playback's events. A hang-up during it ends the attempt at once with that outcome:
 * whoever cut the message, callee or a stopping PBX, the outcome was decided before
 * it. The rest of the state tree is in attempt.ts.
 */

const endsTheMessage = { target: '#attempt.done', actions: 'recordHangupCause' } as const;

/**
 * The safe-harbour message: a person our side could not connect (the hand-off failed
 * while the call was still ours) hears who called and a number to call back.
 */
export const safeHarbourState = attemptSetup.createStateConfig({
  entry: {
    type: 'play',
    params: ({ context: { input } }) => ({
      channelId: input.channelId,
      playbackId: safeHarbourPlaybackId(input),
      media: input.safeHarbour?.media ?? '',
    }),
  },
  after: { safeHarbourTimeout: '#attempt.hangingUp' },
  on: {
    'playback.finished': { guard: 'isSafeHarbourEnd', target: '#attempt.hangingUp' },
    'command.failed': { guard: 'isPlayFailure', target: '#attempt.hangingUp' },
    'channel.hangupRequested': endsTheMessage,
    'channel.hungUp': endsTheMessage,
  },
});

/** The callee pressed the opt-out digit: the confirmation, when the campaign has one. */
export const optingOutState = attemptSetup.createStateConfig({
  initial: 'routing',
  states: {
    routing: {
      always: [
        { guard: 'hasOptOutMessage', target: 'confirming' },
        { target: '#attempt.hangingUp' },
      ],
    },
    confirming: {
      entry: {
        type: 'play',
        params: ({ context: { input } }) => ({
          channelId: input.channelId,
          playbackId: optOutPlaybackId(input),
          media: input.consent?.optOut?.media ?? '',
        }),
      },
      after: { optOutMessageTimeout: '#attempt.hangingUp' },
      on: {
        'playback.finished': { guard: 'isOptOutMessageEnd', target: '#attempt.hangingUp' },
        'command.failed': { guard: 'isPlayFailure', target: '#attempt.hangingUp' },
      },
    },
  },
  on: {
    'channel.hangupRequested': endsTheMessage,
    'channel.hungUp': endsTheMessage,
  },
});
