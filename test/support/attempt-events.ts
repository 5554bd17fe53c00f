import type { AttemptEvent, CommandName } from '../../src/machines/attempt-types.js';

/**
 * Builders for the events the gateway and the runner send an attempt, named after
 * what happened so that a test reads like the call's story. Every builder takes the
 * epoch ms the event was seen at.
 */
export const ev = {
  started: (at: number): AttemptEvent => ({ type: 'attempt.started', at }),
  originateAccepted: (at: number): AttemptEvent => ({ type: 'originate.accepted', at }),
  ringing: (at: number): AttemptEvent => ({ type: 'channel.ringing', at }),
  dialStatus: (dialStatus: string, at: number): AttemptEvent => ({
    type: 'dial.statusChanged',
    at,
    dialStatus,
  }),
  farEndHungUp: (cause: number, at: number): AttemptEvent => ({
    type: 'farEnd.hungUp',
    at,
    cause,
  }),
  answered: (at: number): AttemptEvent => ({ type: 'channel.answered', at }),
  leftStasis: (at: number): AttemptEvent => ({ type: 'channel.leftStasis', at }),
  /** A dialplan step of our channel out of Stasis (`ChannelDialplan`), e.g. `ai-handoff,s,1`. */
  dialplanEntered: (
    context: string,
    extension: string,
    priority: number,
    app: string,
    at: number,
  ): AttemptEvent => ({ type: 'channel.dialplanEntered', at, context, extension, priority, app }),
  /** `STASISSTATUS=FAILED`: the `Stasis()` of a hand-off context found its app not connected. */
  stasisFailed: (at: number): AttemptEvent => ({ type: 'channel.stasisFailed', at }),
  /** `ApplicationMoveFailed`: the move to `destination` failed and the channel stayed ours. */
  moveFailed: (destination: string, at: number): AttemptEvent => ({
    type: 'channel.moveFailed',
    at,
    destination,
  }),
  /** The connection to the PBX went down (websocket closed, ARI unreachable). */
  pbxLost: (reason: string, at: number): AttemptEvent => ({ type: 'pbx.lost', at, reason }),
  hangupRequested: (cause: number, at: number): AttemptEvent => ({
    type: 'channel.hangupRequested',
    at,
    cause,
  }),
  hungUp: (cause: number, at: number, causeText?: string): AttemptEvent => ({
    type: 'channel.hungUp',
    at,
    cause,
    ...(causeText === undefined ? {} : { causeText }),
  }),
  amd: (status: string, cause: string, at: number): AttemptEvent => ({
    type: 'amd.completed',
    at,
    status,
    cause,
  }),
  dtmf: (digit: string, at: number): AttemptEvent => ({ type: 'dtmf.received', at, digit }),
  playbackStarted: (playbackId: string, at: number): AttemptEvent => ({
    type: 'playback.started',
    at,
    playbackId,
  }),
  playbackFinished: (playbackId: string, state: string, at: number): AttemptEvent => ({
    type: 'playback.finished',
    at,
    playbackId,
    state,
  }),
  greetingEnded: (at: number): AttemptEvent => ({ type: 'greeting.ended', at }),
  commandFailed: (
    command: CommandName,
    status: number | undefined,
    message: string,
    at: number,
  ): AttemptEvent => ({
    type: 'command.failed',
    at,
    command,
    ...(status === undefined ? {} : { status }),
    message,
  }),
  operatorCanceled: (at: number): AttemptEvent => ({ type: 'operator.canceled', at }),
  channelLost: (at: number): AttemptEvent => ({ type: 'channel.lost', at }),
  timerFired: (timerId: string, at: number): AttemptEvent => ({ type: 'timer.fired', at, timerId }),
};

/** The playback id the machine gives the consent prompt of an attempt. */
export function consentPlaybackId(attemptId: string): string {
  return `${attemptId}-consent`;
}

/** The playback id the machine gives the voicemail message of an attempt. */
export function voicemailPlaybackId(attemptId: string): string {
  return `${attemptId}-voicemail`;
}

/** The playback id the machine gives the safe-harbour message of an attempt. */
export function safeHarbourPlaybackId(attemptId: string): string {
  return `${attemptId}-safe-harbour`;
}

/** The playback id the machine gives the opt-out confirmation of an attempt. */
export function optOutPlaybackId(attemptId: string): string {
  return `${attemptId}-opt-out`;
}
