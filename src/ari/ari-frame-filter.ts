import type { ChannelIds } from './channel-ids.js';

/**
 * Every event type the gateway reads: the ones `translateAriEvent` turns into attempt
 * events, and `ApplicationReplaced`, which the event stream acts on itself.
 */
const READ_TYPES: ReadonlySet<string> = new Set([
  'StasisStart',
  'StasisEnd',
  'ChannelStateChange',
  'Dial',
  'ChannelHangupRequest',
  'ChannelDestroyed',
  'ChannelDtmfReceived',
  'PlaybackStarted',
  'PlaybackFinished',
  'ChannelTalkingFinished',
  'ChannelDialplan',
  'ChannelVarset',
  'ApplicationMoveFailed',
  'ApplicationReplaced',
]);

/**
 * The types the translation reads only for our own (`;1`) half, by the event's
 * `channel`: the far end's are noise (fact 19). Not `ChannelDestroyed` (the far end's
 * carries the call's cause, fact 8), nor `Dial` (routed by its `peer`), nor playbacks.
 */
const OUR_HALF_TYPES: ReadonlySet<string> = new Set([
  'StasisStart',
  'StasisEnd',
  'ChannelStateChange',
  'ChannelHangupRequest',
  'ChannelDtmfReceived',
  'ChannelTalkingFinished',
  'ChannelDialplan',
  'ChannelVarset',
  'ApplicationMoveFailed',
]);

const CHANNEL_KEY = '"channel":{';
const DIAL_STATUS_KEY = '"dialstatus":"';

/**
 * Whether a websocket frame, still as text, is an event the gateway would drop: a type
 * it does not read, a far-end step that only our own half's would matter in, or the
 * first `Dial` of a call, whose status is still empty (fact 3). Most frames of a call
 * are such noise (the far end's dialplan steps and variables, caller id updates: 10 of
 * the 13 frames of a busy call, most of an answered one's), and parsing each whole
 * only to drop it was the dialer's largest cost per event.
 *
 * It reads the frame's `type` and its channel's `id` by their keys, in whatever order
 * they come (fact 20): ARI's frames are compact JSON (`pretty = no`), and no object
 * nested in an event has a `type` key, nor one in a channel snapshot an `id`. When
 * either cannot be read this way (spaces after the colons, an escaped quote in the
 * value) the answer is false, and the frame is parsed and translated as any other:
 * this only ever drops what the translation would drop too.
 */
export function isNoiseFrame(text: string, ids: ChannelIds): boolean {
  const type = stringValue(text, '"type":"', 0);
  if (type === null) return false;
  if (!READ_TYPES.has(type)) return true;
  if (type === 'Dial') return hasEmptyDialStatus(text);
  if (!OUR_HALF_TYPES.has(type)) return false;
  const channel = text.indexOf(CHANNEL_KEY);
  if (channel < 0) return false;
  const id = stringValue(text, '"id":"', channel + CHANNEL_KEY.length);
  return id !== null && ids.isFarEnd(id);
}

/**
 * Whether a Dial frame's `dialstatus` is empty. The key is read only when it comes
 * once: a channel variable of that name in a snapshot (`channelvars`) would make it
 * ambiguous, and the frame is then parsed. A key cannot be matched inside a string
 * value, whose quotes are escaped.
 */
function hasEmptyDialStatus(text: string): boolean {
  const at = text.indexOf(DIAL_STATUS_KEY);
  if (at < 0 || text.includes(DIAL_STATUS_KEY, at + 1)) return false;
  return text.startsWith('"', at + DIAL_STATUS_KEY.length);
}

/** The string after the first `key` from `from` on; null if absent or escaped. */
function stringValue(text: string, key: string, from: number): string | null {
  const at = text.indexOf(key, from);
  if (at < 0) return null;
  const start = at + key.length;
  const end = text.indexOf('"', start);
  if (end < 0) return null;
  const value = text.slice(start, end);
  return value.includes('\\') ? null : value;
}
