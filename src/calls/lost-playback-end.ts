import type { AttemptEvent } from '../machines/attempt-types.js';
import { PLAYBACK_SLACK_MS } from './attempt-input.js';
import type { JournalEntry, StoredAttempt } from './ports.js';

/** Whether Asterisk still has a playback (`GET /playbacks/{id}`: 404 means it finished). */
export interface PlaybackDirectory {
  playbackExists(playbackId: string): Promise<boolean>;
}

/**
 * The `PlaybackFinished` an attempt missed while dialstate was away, rebuilt from facts:
 * the attempt's last `play` never saw its end in the journal, its channel still lives,
 * and Asterisk no longer has the playback. It is stamped with the prompt's real end —
 * the journaled time of the `play` plus the media's length (the attempt's input knows
 * it: the playback bound less its slack) — and never later than `now`, so that timers
 * counted from the end of the prompt (the consent timeout) run from when it really
 * ended, not from the restart. Null when nothing was lost.
 */
export async function lostPlaybackEnd(args: {
  attempt: StoredAttempt;
  entries: readonly JournalEntry[];
  playbacks: PlaybackDirectory;
  now: number;
}): Promise<AttemptEvent | null> {
  const { attempt, entries, playbacks, now } = args;
  const index = entries.findLastIndex((entry) =>
    entry.commands.some((command) => command.type === 'play'),
  );
  const entry = entries[index];
  const play = entry?.commands.findLast((command) => command.type === 'play');
  if (entry === undefined || play?.type !== 'play') return null;
  const { playbackId, media } = play.params;
  const settled = entries
    .slice(index + 1)
    .some(
      (later) =>
        (later.event.type === 'playback.finished' && later.event.playbackId === playbackId) ||
        later.commands.some((command) => command.type === 'stopPlayback'),
    );
  if (settled) return null;
  const durationMs = mediaDurationMs(attempt, media);
  if (durationMs === null || (await playbacks.playbackExists(playbackId))) return null;
  const lastAt = entries.at(-1)?.event.at ?? entry.event.at;
  const at = Math.max(lastAt, Math.min(entry.event.at + durationMs, now));
  return { type: 'playback.finished', at, playbackId, state: 'done' };
}

function mediaDurationMs(attempt: StoredAttempt, media: string): number | null {
  const { consent, voicemail, safeHarbour } = attempt.input;
  if (consent && consent.media === media) return consent.promptMaxMs - PLAYBACK_SLACK_MS;
  if (voicemail && voicemail.media === media) return voicemail.playbackMaxMs - PLAYBACK_SLACK_MS;
  if (safeHarbour && safeHarbour.media === media) {
    return safeHarbour.playbackMaxMs - PLAYBACK_SLACK_MS;
  }
  const optOut = consent?.optOut;
  if (optOut?.media === media) return optOut.playbackMaxMs - PLAYBACK_SLACK_MS;
  return null;
}
