import type { AttemptEvent } from '../machines/attempt-types.js';
import type { JournalEntry, StoredAttempt } from './ports.js';

/** An AMD verdict as the AMD hop reports it: `AMDSTATUS` and `AMDCAUSE`. */
export interface AmdVerdict {
  status: string;
  cause: string;
}

/** What the PBX still knows of a channel's trip through the AMD hop. */
export interface AmdVerdictDirectory {
  /**
   * The verdict of a channel that is back in Stasis from the AMD hop, read from the
   * copies the hop keeps on the channel. Null when the channel is anywhere else (still
   * in `AMD()`, or in the hop's retry loop: its `StasisStart` is still to come), when
   * the hop recorded no status, or when the channel is gone.
   */
  returnedVerdict(channelId: string): Promise<AmdVerdict | null>;
}

/**
 * The AMD verdict an attempt missed, rebuilt from facts: its journal shows it was sent
 * to AMD (`continueToAmd`) and has heard no verdict since, nothing has moved it on, and
 * its channel is back in Stasis from the hop with the verdict recorded on it. That
 * happens when the hop's `StasisStart` went to a websocket that was dying with
 * dialstate (Asterisk had not yet noticed), or to nobody at all: a channel already in
 * Stasis is not announced again to the app that connects next. Without this the
 * attempt would sit until its AMD timeout and end `failed` with the verdict on the line.
 *
 * Stamped now (never before the last journaled event), unlike a rebuilt playback end:
 * the commands the verdict leads to (the consent prompt, the hand-off, the voicemail
 * drop) go out now, and the timers that bound them count from the event's time, so a
 * stamp in the past would cut them short or fire them at once. A verdict the hop
 * delivers late through its retry loop is stamped on arrival the same way. Null when
 * nothing was lost.
 */
export async function lostAmdVerdict(args: {
  attempt: StoredAttempt;
  entries: readonly JournalEntry[];
  channelId: string;
  verdicts: AmdVerdictDirectory;
  now: number;
}): Promise<AttemptEvent | null> {
  const { attempt, entries, channelId, verdicts, now } = args;
  const index = entries.findLastIndex((entry) =>
    entry.commands.some((command) => command.type === 'continueToAmd'),
  );
  const sent = entries[index];
  if (sent === undefined) return null;
  const heard = entries.slice(index + 1).some((later) => later.event.type === 'amd.completed');
  // Still where the continue left it: a verdict is no news to an attempt that moved on
  // (a failed continue, a hang-up being handled).
  if (heard || attempt.state !== sent.state) return null;
  const verdict = await verdicts.returnedVerdict(channelId);
  if (verdict === null) return null;
  const lastAt = entries.at(-1)?.event.at ?? sent.event.at;
  return {
    type: 'amd.completed',
    at: Math.max(lastAt, now),
    status: verdict.status,
    cause: verdict.cause,
  };
}
