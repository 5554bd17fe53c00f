import type { AppMessage, StasisApps } from './sim-apps.js';
import type { SimChannel } from './sim-channel.js';

/** ARI's `Playback` model. */
export interface PlaybackSnapshot {
  id: string;
  media_uri: string;
  next_media_uri?: string;
  target_uri: string;
  language: string;
  state: 'queued' | 'playing' | 'continuing' | 'done' | 'failed';
}

/**
 * Publishes ARI events to the apps that should see them.
 *
 * A channel's events go to every app subscribed to it (the originating app follows both
 * halves, fact 2) and to the app whose Stasis it is in; `StasisStart`/`StasisEnd` go only
 * to the app entered or left (fact 9). Events are sent in the order they are published.
 */
export interface SimEvents {
  /** A channel event; `fields` come before the `channel` snapshot. */
  channel(type: string, channel: SimChannel, fields?: Record<string, unknown>): void;
  /** A `Dial` event: no `caller`, `peer` is the dialed `;1` (fact 3). */
  dial(peer: SimChannel, dialstatus: string, dialstring: string): void;
  stasisStart(app: string, channel: SimChannel, args: readonly string[]): void;
  stasisEnd(app: string, channel: SimChannel): void;
  /** A playback event; it carries no channel (fact 11) but goes to the target's apps. */
  playback(type: string, playback: PlaybackSnapshot, target: SimChannel): void;
  /** An event for one app only, e.g. `ApplicationMoveFailed`. */
  toApp(app: string, type: string, fields: Record<string, unknown>): void;
  /** The current time as an Asterisk timestamp. */
  timestamp(): string;
}

export interface SimEventsOptions {
  apps: StasisApps;
  timestamp: () => string;
  /** Sees every delivered message, e.g. for debug logging. */
  observe?: (app: string, message: AppMessage) => void;
}

/** Creates the event publisher; see {@link SimEvents}. */
export function createSimEvents(options: SimEventsOptions): SimEvents {
  const { apps, timestamp, observe } = options;

  const send = (recipients: Iterable<string>, message: AppMessage): void => {
    for (const app of recipients) {
      observe?.(app, message);
      apps.deliver(app, message);
    }
  };

  /**
   * Sends `fields` followed by a channel snapshot under `key` (`channel`, or `peer` for
   * Dial), as one JSON text: the channel's own text is kept until it changes, where
   * serializing a fresh snapshot for each of its events was most of an event's cost.
   */
  const sendWithChannel = (
    recipients: Iterable<string>,
    fields: AppMessage,
    key: 'channel' | 'peer',
    channel: SimChannel,
  ): void => {
    let text: string | undefined;
    for (const app of recipients) {
      observe?.(app, { ...fields, [key]: channel.snapshot() });
      text ??= `${JSON.stringify(fields).slice(0, -1)},"${key}":${channel.snapshotJson()}}`;
      apps.deliverText(app, text);
    }
  };

  const followers = (channel: SimChannel): Set<string> => {
    const recipients = new Set(channel.subscribers);
    if (channel.stasisApp) recipients.add(channel.stasisApp);
    return recipients;
  };

  return {
    channel(type, channel, fields = {}) {
      sendWithChannel(
        followers(channel),
        { type, timestamp: timestamp(), ...fields },
        'channel',
        channel,
      );
    },
    dial(peer, dialstatus, dialstring) {
      sendWithChannel(
        followers(peer),
        { type: 'Dial', timestamp: timestamp(), dialstatus, forward: '', dialstring },
        'peer',
        peer,
      );
    },
    stasisStart(app, channel, args) {
      sendWithChannel(
        [app],
        { type: 'StasisStart', timestamp: timestamp(), args: [...args] },
        'channel',
        channel,
      );
    },
    stasisEnd(app, channel) {
      sendWithChannel([app], { type: 'StasisEnd', timestamp: timestamp() }, 'channel', channel);
    },
    playback(type, playback, target) {
      send(followers(target), { type, timestamp: timestamp(), playback: { ...playback } });
    },
    toApp(app, type, fields) {
      send([app], { type, timestamp: timestamp(), ...fields });
    },
    timestamp,
  };
}
