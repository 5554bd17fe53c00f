import type { AttemptEventDelivery } from '../calls/ports.js';
import type { AttemptEvent } from '../machines/attempt-types.js';
import type { ChannelIds } from './channel-ids.js';

/**
 * The part of an ARI channel snapshot the translation reads. Asterisk sends more
 * (name, caller, dialplan…, fact 21); the rest is ignored.
 */
export interface AriChannelSnapshot {
  id: string;
  state?: string;
  /** Where the channel is in the dialplan (context, extension, priority). */
  dialplan?: { context: string; exten: string; priority: number };
}

/** The part of an ARI playback the translation reads (fact 11: it has no `channel`). */
export interface AriPlaybackSnapshot {
  id: string;
  state?: string;
  /** `channel:<channelId>` for a playback on a channel. */
  target_uri?: string;
}

/**
 * The ARI events the attempt machine hears about, reduced to the fields it reads.
 * Every other event type (fact 19) is noise, as are most ChannelVarset and
 * ChannelDialplan events: only the ones that tell where a hand-off went are read.
 */
export type AriEvent =
  | { type: 'StasisStart'; channel: AriChannelSnapshot; args: string[] }
  | { type: 'StasisEnd'; channel: AriChannelSnapshot }
  | { type: 'ChannelStateChange'; channel: AriChannelSnapshot }
  | { type: 'Dial'; peer: AriChannelSnapshot; dialstatus: string }
  | { type: 'ChannelHangupRequest'; channel: AriChannelSnapshot; cause?: number; soft?: boolean }
  | { type: 'ChannelDestroyed'; channel: AriChannelSnapshot; cause: number; cause_txt?: string }
  | { type: 'ChannelDtmfReceived'; channel: AriChannelSnapshot; digit: string }
  | { type: 'PlaybackStarted' | 'PlaybackFinished'; playback: AriPlaybackSnapshot }
  | { type: 'ChannelTalkingFinished'; channel: AriChannelSnapshot }
  | { type: 'ChannelDialplan'; channel: AriChannelSnapshot; dialplan_app: string }
  | { type: 'ChannelVarset'; channel: AriChannelSnapshot; variable: string; value: string }
  | { type: 'ApplicationMoveFailed'; channel: AriChannelSnapshot; destination: string };

/** A domain event and the attempt it belongs to. */
export type RoutedAttemptEvent = AttemptEventDelivery;

/**
 * Playback ids the attempt machine gives its media: `<attemptId>-consent`, `-voicemail`,
 * `-safe-harbour`, `-opt-out`.
 */
const MACHINE_PLAYBACK_ID = /^(.+)-(?:consent|voicemail|safe-harbour|opt-out)$/;
const CHANNEL_TARGET_PREFIX = 'channel:';

/**
 * Translates one raw ARI event (parsed JSON, exactly as Asterisk sent it) into the
 * domain event of the attempt it concerns, or null when it concerns no attempt or the
 * machine does not care. Pure: `at` is the receive time (epoch ms) the gateway stamped.
 *
 * Unknown types, missing or malformed fields and channels that are not ours all give
 * null rather than an error: the app hears a lot it must ignore (facts 2 and 19), and
 * key order and field sets vary (facts 20 and 21).
 */
export function translateAriEvent(
  raw: unknown,
  at: number,
  ids: ChannelIds,
  quietContexts: ReadonlySet<string> = NO_CONTEXTS,
): RoutedAttemptEvent | null {
  const event = readAriEvent(raw);
  return event ? routeAriEvent(event, at, ids, quietContexts) : null;
}

const NO_CONTEXTS: ReadonlySet<string> = new Set();

/** Reads the fields the translation needs; null for any other or malformed event. */
function readAriEvent(raw: unknown): AriEvent | null {
  if (!isRecord(raw)) return null;
  const channel = channelOf(raw.channel);
  switch (raw.type) {
    case 'StasisStart':
      if (!channel || !isStringArray(raw.args)) return null;
      return { type: raw.type, channel, args: raw.args };
    case 'StasisEnd':
    case 'ChannelStateChange':
    case 'ChannelTalkingFinished':
      return channel ? { type: raw.type, channel } : null;
    case 'Dial': {
      const peer = channelOf(raw.peer);
      return peer && typeof raw.dialstatus === 'string'
        ? { type: raw.type, peer, dialstatus: raw.dialstatus }
        : null;
    }
    case 'ChannelHangupRequest':
      if (!channel) return null;
      return {
        type: raw.type,
        channel,
        ...(typeof raw.cause === 'number' ? { cause: raw.cause } : {}),
        ...(typeof raw.soft === 'boolean' ? { soft: raw.soft } : {}),
      };
    case 'ChannelDestroyed':
      if (!channel || typeof raw.cause !== 'number') return null;
      return {
        type: raw.type,
        channel,
        cause: raw.cause,
        ...(typeof raw.cause_txt === 'string' ? { cause_txt: raw.cause_txt } : {}),
      };
    case 'ChannelDtmfReceived':
      return channel && typeof raw.digit === 'string' && raw.digit !== ''
        ? { type: raw.type, channel, digit: raw.digit }
        : null;
    case 'PlaybackStarted':
    case 'PlaybackFinished': {
      const playback = playbackOf(raw.playback);
      return playback ? { type: raw.type, playback } : null;
    }
    case 'ChannelDialplan':
      return channel?.dialplan && typeof raw.dialplan_app === 'string'
        ? { type: raw.type, channel, dialplan_app: raw.dialplan_app }
        : null;
    case 'ChannelVarset':
      return channel && typeof raw.variable === 'string' && typeof raw.value === 'string'
        ? { type: raw.type, channel, variable: raw.variable, value: raw.value }
        : null;
    case 'ApplicationMoveFailed':
      return channel && typeof raw.destination === 'string'
        ? { type: raw.type, channel, destination: raw.destination }
        : null;
    default:
      return null;
  }
}

function routeAriEvent(
  event: AriEvent,
  at: number,
  ids: ChannelIds,
  quietContexts: ReadonlySet<string>,
): RoutedAttemptEvent | null {
  switch (event.type) {
    case 'StasisStart':
      return ourHalf(event.channel, ids, (attemptId) => stasisStart(event.args, attemptId, at));
    case 'StasisEnd':
      return ourHalf(event.channel, ids, () => ({ type: 'channel.leftStasis', at }));
    case 'ChannelStateChange':
      return ourHalf(event.channel, ids, () =>
        event.channel.state === 'Ringing' ? { type: 'channel.ringing', at } : null,
      );
    case 'Dial':
      // Dial has no `caller` here; its `peer` is our `;1` half and the status walks
      // "" → RINGING → ANSWER/BUSY/NOANSWER… (fact 3). The empty first one says nothing.
      return ourHalf(event.peer, ids, () =>
        event.dialstatus === ''
          ? null
          : { type: 'dial.statusChanged', at, dialStatus: event.dialstatus },
      );
    case 'ChannelHangupRequest':
      // Our own DELETE is reported `soft` with cause 32 (fact 7) and a dialplan
      // Hangup() on our half is not reported at all (fact 10): a request without
      // `soft` comes from the far end or the network, queued on our half before
      // Asterisk stops its playback or takes it out of Stasis. The far end's own
      // requests (`;2`, twice per call, fact 19) say nothing more.
      return ourHalf(event.channel, ids, () =>
        event.soft === true
          ? null
          : { type: 'channel.hangupRequested', at, cause: event.cause ?? 0 },
      );
    case 'ChannelDestroyed':
      return channelDestroyed(event, at, ids);
    case 'ChannelDtmfReceived':
      // DTMF is reported once, when the digit ends (fact 13).
      return ourHalf(event.channel, ids, () => ({
        type: 'dtmf.received',
        at,
        digit: event.digit,
      }));
    case 'PlaybackStarted':
    case 'PlaybackFinished': {
      const { playback } = event;
      const attemptId = playbackOwner(playback, ids);
      if (attemptId === null) return null;
      if (event.type === 'PlaybackStarted') {
        return { attemptId, event: { type: 'playback.started', at, playbackId: playback.id } };
      }
      // `state` is `done` only when the media really played: a missing file finishes
      // too, as `failed` (fact 12).
      return {
        attemptId,
        event: {
          type: 'playback.finished',
          at,
          playbackId: playback.id,
          state: playback.state ?? 'unknown',
        },
      };
    }
    case 'ChannelTalkingFinished':
      // TALK_DETECT reports the end of speech 2.5 s into the silence after it (fact 17).
      return ourHalf(event.channel, ids, () => ({ type: 'greeting.ended', at }));
    case 'ChannelDialplan':
      return ourHalf(event.channel, ids, () => dialplanStep(event, at, quietContexts));
    case 'ChannelVarset':
      // `Stasis()` sets STASISSTATUS to FAILED when its app is not connected, and the
      // dialplan goes on with the next priority.
      return ourHalf(event.channel, ids, () =>
        event.variable === 'STASISSTATUS' && event.value === 'FAILED'
          ? { type: 'channel.stasisFailed', at }
          : null,
      );
    case 'ApplicationMoveFailed':
      return ourHalf(event.channel, ids, () => ({
        type: 'channel.moveFailed',
        at,
        destination: event.destination,
      }));
  }
}

/**
 * A step of our channel in the dialplan: where a hand-off landed (at whatever priority
 * it names), what the agent's context does, a transfer onward. The steps of the quiet
 * contexts — dialstate's own AMD hop, several per call — would only fill the journal.
 */
function dialplanStep(
  event: Extract<AriEvent, { type: 'ChannelDialplan' }>,
  at: number,
  quietContexts: ReadonlySet<string>,
): AttemptEvent | null {
  const where = event.channel.dialplan;
  if (!where || quietContexts.has(where.context)) return null;
  return {
    type: 'channel.dialplanEntered',
    at,
    context: where.context,
    extension: where.exten,
    priority: where.priority,
    app: event.dialplan_app,
  };
}

function stasisStart(args: string[], attemptId: string, at: number): AttemptEvent | null {
  const [kind, ...rest] = args;
  if (kind === 'dial') return { type: 'channel.answered', at };
  if (kind !== 'amd') return null;
  // dialstate's AMD context returns `amd,<attemptId>,<STATUS>,<CAUSE>`; the dialplan
  // of the recorded traces returned `amd,<STATUS>,<CAUSE>` (fact 6). The attempt is
  // known from the channel id either way.
  const verdict = rest.length >= 3 || rest[0] === attemptId ? rest.slice(1) : rest;
  const [status, cause] = verdict;
  if (status === undefined) return null;
  return { type: 'amd.completed', at, status, cause: cause ?? '' };
}

function channelDestroyed(
  event: Extract<AriEvent, { type: 'ChannelDestroyed' }>,
  at: number,
  ids: ChannelIds,
): RoutedAttemptEvent | null {
  const { channel, cause } = event;
  const attemptId = ids.attemptIdOf(channel.id);
  if (attemptId === null) return null;
  // On a Local channel our half often ends with cause 0 while the far end holds the
  // real Q.850 cause (17 busy, 19 no answer…): the machine needs both (fact 8).
  if (ids.isFarEnd(channel.id)) {
    return { attemptId, event: { type: 'farEnd.hungUp', at, cause } };
  }
  const causeText = event.cause_txt;
  return {
    attemptId,
    event: {
      type: 'channel.hungUp',
      at,
      cause,
      ...(causeText === undefined ? {} : { causeText }),
    },
  };
}

/** Routes an event of our own (`;1`) half; the far end enters neither Stasis nor a dial. */
function ourHalf(
  channel: AriChannelSnapshot,
  ids: ChannelIds,
  toEvent: (attemptId: string) => AttemptEvent | null,
): RoutedAttemptEvent | null {
  if (ids.isFarEnd(channel.id)) return null;
  const attemptId = ids.attemptIdOf(channel.id);
  if (attemptId === null) return null;
  const event = toEvent(attemptId);
  return event ? { attemptId, event } : null;
}

/**
 * Playback events carry no channel (fact 11). The target says for certain whose
 * channel it plays on; the playback id, which the machine derives from the attempt
 * id, is the fallback for a playback without a channel target.
 */
function playbackOwner(playback: AriPlaybackSnapshot, ids: ChannelIds): string | null {
  const target = playback.target_uri;
  if (target?.startsWith(CHANNEL_TARGET_PREFIX)) {
    const channelId = target.slice(CHANNEL_TARGET_PREFIX.length);
    return ids.isFarEnd(channelId) ? null : ids.attemptIdOf(channelId);
  }
  return MACHINE_PLAYBACK_ID.exec(playback.id)?.[1] ?? null;
}

function channelOf(raw: unknown): AriChannelSnapshot | null {
  if (!isRecord(raw) || typeof raw.id !== 'string') return null;
  const dialplan = raw.dialplan;
  return {
    id: raw.id,
    ...(typeof raw.state === 'string' ? { state: raw.state } : {}),
    ...(isRecord(dialplan) &&
    typeof dialplan.context === 'string' &&
    typeof dialplan.exten === 'string' &&
    typeof dialplan.priority === 'number'
      ? {
          dialplan: {
            context: dialplan.context,
            exten: dialplan.exten,
            priority: dialplan.priority,
          },
        }
      : {}),
  };
}

function playbackOf(raw: unknown): AriPlaybackSnapshot | null {
  if (!isRecord(raw) || typeof raw.id !== 'string') return null;
  return {
    id: raw.id,
    ...(typeof raw.state === 'string' ? { state: raw.state } : {}),
    ...(typeof raw.target_uri === 'string' ? { target_uri: raw.target_uri } : {}),
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
