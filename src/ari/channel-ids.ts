import { channelIdFor } from '../calls/attempt-input.js';

/** Suffix Asterisk gives the far-end half of a Local channel pair (fact 1). */
const FAR_END_SUFFIX = ';2';

/**
 * How ARI channel ids map to attempts. Our originate names the `;1` half after the
 * attempt and the `;2` half after that id plus `;2`, so every event of a call can be
 * routed without a lookup table.
 */
export interface ChannelIds {
  /** The attempt a channel (either half) belongs to, or null for a channel that is not ours. */
  attemptIdOf(channelId: string): string | null;
  /** Whether the channel is the far-end (`;2`) half of a Local channel pair. */
  isFarEnd(channelId: string): boolean;
}

/**
 * Builds the id scheme for channels named `<prefix><attemptId>` (and `…;2`). The
 * prefix keeps other applications' channels, which the app may also hear about, from
 * being taken for ours.
 */
export function createChannelIds(prefix: string): ChannelIds {
  return {
    attemptIdOf(channelId) {
      if (!channelId.startsWith(prefix)) return null;
      const rest = channelId.slice(prefix.length);
      const attemptId = rest.endsWith(FAR_END_SUFFIX)
        ? rest.slice(0, -FAR_END_SUFFIX.length)
        : rest;
      return attemptId.length > 0 ? attemptId : null;
    },
    isFarEnd: (channelId) => channelId.endsWith(FAR_END_SUFFIX),
  };
}

/** dialstate's own scheme: `dialstate-<attemptId>` and `dialstate-<attemptId>;2`. */
export const dialstateChannelIds: ChannelIds = createChannelIds(channelIdFor(''));
