/**
 * The vocabulary of one call attempt: what the machine is given (input), what it
 * hears (events), what it asks the world to do (commands) and how it ends (outcomes).
 *
 * Everything here is plain JSON data: inputs, events and commands are journaled and
 * replayed, so they must survive `JSON.stringify` unchanged.
 */

/** Every way an attempt can end. One vocabulary for store, API, UI and metrics. */
export const ATTEMPT_OUTCOMES = [
  'answered_human',
  'voicemail_dropped',
  'machine_detected',
  'consent_denied',
  'consent_timeout',
  /** The callee pressed the campaign's opt-out digit: the number went on the do-not-call list. */
  'opted_out',
  'abandoned',
  'busy',
  'no_answer',
  'congestion',
  'unavailable',
  'invalid_number',
  'rejected',
  'handoff_failed',
  'failed',
  'interrupted',
  'canceled',
] as const;

export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** Raw `AMDSTATUS` values Asterisk's `AMD()` reports. */
export type AmdStatus = 'HUMAN' | 'MACHINE' | 'NOTSURE' | 'HANGUP';

/**
 * Where a consenting human is handed to: a dialplan location, another ARI app, or the
 * Asterisk AI Voice Agent (AAVA) through the rendered hand-off context, which runs
 * `Stasis(<app>)` with no arguments (AAVA sends any call with arguments to its
 * internal handlers).
 */
export type AiTarget =
  | { kind: 'dialplan'; context: string; extension: string; priority: number }
  | { kind: 'app'; app: string; args: string[] }
  | {
      kind: 'aava';
      /** AAVA's ARI app (its YAML's `app_name`), read by the hand-off context. */
      app: string;
      /** Agent slug (`AI_AGENT`). */
      agent: string;
      provider: string | null;
      audioProfile: string | null;
      /** The rendered hand-off context the call is continued into. */
      context: string;
    };

/** Who ended a call the AI target had. */
export type CallEndedBy = 'caller' | 'agent' | 'transfer';

export interface ConsentSettings {
  /** Media URI of the prompt, e.g. `sound:dialstate/consent-3f2a`. */
  media: string;
  /** How long to wait for a digit once the prompt has finished (ms). */
  timeoutMs: number;
  /** Longest the prompt may take to play before we listen anyway (ms). */
  promptMaxMs: number;
  /**
   * A third digit meaning "never call me" (besides 1 accept and 2 deny), and what is
   * played before hanging up on it. Absent: no opt-out digit (as before it existed).
   */
  optOut?: OptOutDigitSettings;
}

/** The consent prompt's opt-out digit and its closing message. */
export interface OptOutDigitSettings {
  digit: string;
  /** Media URI of the message confirming the opt-out; null hangs up at once. */
  media: string | null;
  /** Longest the message may take to play before the call is hung up anyway (ms). */
  playbackMaxMs: number;
}

/**
 * The message played to a person our side could not connect (the hand-off failed, no
 * agent took the call) before hanging up: it names the caller and a number to call back.
 */
export interface SafeHarbourSettings {
  /** Media URI of the message. */
  media: string;
  /** Longest the message may take to play before the call is hung up anyway (ms). */
  playbackMaxMs: number;
}

export interface VoicemailSettings {
  /** Media URI of the message to leave. */
  media: string;
  /** Longest wait for the end of the greeting before the drop starts anyway (ms). */
  greetingMaxWaitMs: number;
  /** Longest the message may take to play before the drop counts as failed (ms). */
  playbackMaxMs: number;
}

/**
 * Everything an attempt needs to decide, fixed when the attempt is created and stored
 * with it, so that a replay sees exactly what the live run saw.
 */
export interface AttemptInput {
  attemptId: string;
  campaignId: string;
  leadId: string;
  /** Deterministic ARI channel id: a repeated originate fails instead of dialing twice. */
  channelId: string;
  /** Number to dial, already normalised. */
  number: string;
  /**
   * The ARI endpoint originated, rendered from the campaign's dial string
   * (`Local/+14155550101@from-internal`, `PJSIP/14155550101@trunk`). Absent in inputs
   * of machine version 1, which always dialed `Local/<number>@<dial context>`.
   */
  endpoint?: string;
  callerId: string | null;
  /** How long the far end may ring before the call counts as not answered (ms). */
  ringTimeoutMs: number;
  amd: {
    /** The positional `AMD()` arguments, comma-joined, handed to the dialplan as-is. */
    options: string;
    /** What an AMD `NOTSURE` verdict is treated as. */
    notSureAs: 'machine' | 'human';
    /** Longest wait for the verdict to come back from the dialplan (ms). */
    timeoutMs: number;
  };
  consent: ConsentSettings | null;
  voicemail: VoicemailSettings | null;
  aiTarget: AiTarget;
  /** Channel variables set on the channel just before the hand-off. */
  handOffVariables: Record<string, string>;
  /** Channel variables sent with the originate, in ARI's `variables` object. */
  originateVariables: Record<string, string>;
  /**
   * How long the AI target must keep the call before the hand-off counts as done (ms).
   * Machine version 2 on; absent means the machine's default.
   */
  handOffSettleMs?: number;
  /** The safe-harbour message, when the campaign has one; absent plays nothing. */
  safeHarbour?: SafeHarbourSettings;
  /**
   * The PBX the call is placed on and lives on until it ends, restarts included (its
   * name in the PBX file). Absent with a single PBX: the first configured one. The
   * machine never reads it; the runner routes the attempt's commands and events by it.
   */
  pbx?: string;
}

/** Command names that can fail and report back with `command.failed`. */
export type CommandName =
  | 'originate'
  | 'continueToAmd'
  | 'play'
  | 'stopPlayback'
  | 'detectGreetingEnd'
  | 'handOff'
  | 'hangUp';

/**
 * Events the attempt machine understands. Every event carries `at`, the epoch ms at
 * which the gateway (or the runner, for timers and operator actions) saw it.
 */
export type AttemptEvent =
  | { type: 'attempt.started'; at: number }
  /** ARI accepted the originate request (the channel exists now). */
  | { type: 'originate.accepted'; at: number }
  /** The far end is alerting (`ChannelStateChange` to Ringing, or Dial RINGING). */
  | { type: 'channel.ringing'; at: number }
  /** A `Dial` event's `dialstatus` changed (BUSY, NOANSWER, CONGESTION, ANSWER…). */
  | { type: 'dial.statusChanged'; at: number; dialStatus: string }
  /** The far end (`;2` half of a Local channel) went away with this Q.850 cause. */
  | { type: 'farEnd.hungUp'; at: number; cause: number }
  /** Our channel entered the Stasis app after the far end answered. */
  | { type: 'channel.answered'; at: number }
  /** Our channel left the Stasis app (continue, move, or on its way down). */
  | { type: 'channel.leftStasis'; at: number }
  /**
   * Our channel, out of Stasis, runs a dialplan step that matters: the first priority of
   * a context (a `continue` landed, a `Goto` moved on), a `Stasis()` or a `Hangup()`
   * (`ChannelDialplan`).
   */
  | {
      type: 'channel.dialplanEntered';
      at: number;
      context: string;
      extension: string;
      priority: number;
      app: string;
    }
  /** `Stasis()` in the dialplan could not start its app (`STASISSTATUS=FAILED`). */
  | { type: 'channel.stasisFailed'; at: number }
  /** ARI could not move our channel to another app (`ApplicationMoveFailed`). */
  | { type: 'channel.moveFailed'; at: number; destination: string }
  /**
   * The connection to the PBX was lost (its websocket closed, or it stopped answering):
   * channel ends just before it are the PBX going away, not the callee.
   */
  | { type: 'pbx.lost'; at: number; reason: string }
  /**
   * The far end or the network asked to hang up our channel (`ChannelHangupRequest`
   * without `soft`): the channel is on its way down, and whatever it reports next (a
   * playback cut short, leaving Stasis) comes from that. Our own hang-ups are not
   * reported.
   */
  | { type: 'channel.hangupRequested'; at: number; cause: number }
  /** Our channel is gone (`ChannelDestroyed`). */
  | { type: 'channel.hungUp'; at: number; cause: number; causeText?: string }
  /** The AMD dialplan hop came back into Stasis with this verdict. */
  | { type: 'amd.completed'; at: number; status: string; cause: string }
  | { type: 'dtmf.received'; at: number; digit: string }
  | { type: 'playback.started'; at: number; playbackId: string }
  /** A playback ended; `state` is `done` only when the media really played. */
  | { type: 'playback.finished'; at: number; playbackId: string; state: string }
  /** The far end stopped talking (`ChannelTalkingFinished`): the greeting is over. */
  | { type: 'greeting.ended'; at: number }
  /** A command the machine asked for was refused or errored. */
  | { type: 'command.failed'; at: number; command: CommandName; status?: number; message: string }
  /** The operator canceled this attempt. */
  | { type: 'operator.canceled'; at: number }
  /** After a restart or reconnect, the channel was not found in Asterisk. */
  | { type: 'channel.lost'; at: number }
  /** A persisted timer reached its deadline. `timerId` names the machine's delayed event. */
  | { type: 'timer.fired'; at: number; timerId: string };

export type AttemptEventType = AttemptEvent['type'];

/** The hang-up reasons ARI's `DELETE /channels/{id}` accepts. */
export type HangUpReason =
  | 'normal'
  | 'busy'
  | 'congestion'
  | 'no_answer'
  | 'timeout'
  | 'rejected'
  | 'unallocated'
  | 'normal_unspecified'
  | 'number_incomplete'
  | 'codec_mismatch'
  | 'interworking'
  | 'failure'
  | 'answered_elsewhere';

/** Parameters of each command the machine can emit, by command name. */
export interface AttemptCommandParams {
  originate: {
    channelId: string;
    number: string;
    /** The endpoint to dial; absent (version 1) means `Local/<number>@<dial context>`. */
    endpoint?: string;
    callerId: string | null;
    /** ARI's originate `timeout`, in whole seconds. */
    timeoutSec: number;
    variables: Record<string, string>;
  };
  continueToAmd: { channelId: string; amdOptions: string };
  play: { channelId: string; playbackId: string; media: string };
  stopPlayback: { playbackId: string };
  detectGreetingEnd: { channelId: string };
  handOff: { channelId: string; target: AiTarget; variables: Record<string, string> };
  /**
   * `reason` is ARI's hang-up reason (a Q.850 cause by name); Asterisk uses `normal`
   * (16) when it is left out, which is what the machine does.
   */
  hangUp: { channelId: string; reason?: HangUpReason };
}

/** A command as journaled: its name and parameters. */
export type AttemptCommand = {
  [K in keyof AttemptCommandParams]: { type: K; params: AttemptCommandParams[K] };
}[keyof AttemptCommandParams];

/** A timer change the machine asked for, as journaled and persisted by the runner. */
export type TimerCommand =
  | { type: 'timer.start'; timerId: string; delayMs: number }
  | { type: 'timer.cancel'; timerId: string };

/** The decision-relevant facts an attempt accumulates, kept in the machine's context. */
export interface AttemptFacts {
  startedAt: number | null;
  answeredAt: number | null;
  /** When the call reached the AI target (hand-off confirmed). */
  handedOffAt: number | null;
  endedAt: number | null;
  /** Last `dialstatus` seen on a `Dial` event. */
  dialStatus: string | null;
  /**
   * Q.850 cause of our channel's `ChannelDestroyed`, or of the hang-up request that
   * ended the attempt before it.
   */
  hangupCause: number | null;
  /** Q.850 cause of the far end (`;2`), when known. */
  farEndCause: number | null;
  amdStatus: string | null;
  amdCause: string | null;
  /** Every DTMF digit received, in order. */
  digits: string;
  /** Outcome decided but not final yet (e.g. while hanging up). */
  pendingOutcome: AttemptOutcome | null;
  outcome: AttemptOutcome | null;
  error: string | null;
  /** When the AI target was seen to keep the call past the settle time (version 2 on). */
  handOffConfirmedAt?: number | null;
  /** Who ended a call the AI target had (version 2 on). */
  endedBy?: CallEndedBy | null;
  /** The context a call was transferred on to from the AI target (version 2 on). */
  transferredTo?: string | null;
  /** When the connection to the PBX was last lost during the attempt (version 2 on). */
  pbxLostAt?: number | null;
}
