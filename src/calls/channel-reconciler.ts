import type { Logger } from 'pino';
import type { AttemptEvent } from '../machines/attempt-types.js';
import { channelIdFor } from './attempt-input.js';
import type { AttemptRunner } from './attempt-runner.js';
import { type AmdVerdictDirectory, lostAmdVerdict } from './lost-amd-verdict.js';
import { lostPlaybackEnd, type PlaybackDirectory } from './lost-playback-end.js';
import type { AttemptJournal, ChannelDirectory, Clock } from './ports.js';

/** What one reconciliation found. */
export interface ReconcileReport {
  /** Attempts whose channel was looked for. */
  checked: number;
  /** Attempts whose channel was gone: each was sent `channel.lost`. */
  lost: string[];
  /** Attempts whose lost `PlaybackFinished` was rebuilt and sent (see `lostPlaybackEnd`). */
  playbacksEnded: string[];
  /** Attempts whose lost AMD verdict was read back and sent (see `lostAmdVerdict`). */
  verdictsRebuilt: string[];
}

/** Squares live attempts with the channels Asterisk really has. */
export interface ChannelReconciler {
  /**
   * Sends `channel.lost` to every live attempt whose channel Asterisk no longer has.
   * Runs one at a time: a call made while one runs waits for it, then runs again.
   * Rejects if the channels cannot be listed (nothing is marked lost then).
   */
  reconcile(): Promise<ReconcileReport>;
}

export interface ChannelReconcilerDeps {
  runner: AttemptRunner;
  channels: ChannelDirectory;
  clock: Clock;
  log: Logger;
  /**
   * Whether a live attempt lives on the PBX `channels` lists (several PBXs): the others
   * are squared with their own PBX. Every attempt when not given.
   */
  owns?: (attemptId: string) => boolean;
  /** The channel of an attempt; dialstate's deterministic id by default. */
  channelIdOf?: (attemptId: string) => string;
  /**
   * With `journal`, an attempt whose channel lives but missed an event that left facts
   * on the PBX gets that event: with `playbacks`, the end of a playback (stamped with
   * its real end, so its timers run from the facts); with `verdicts`, the AMD verdict
   * of a channel back in Stasis from the hop.
   */
  journal?: Pick<AttemptJournal, 'loadAttempt' | 'loadEntries'>;
  playbacks?: PlaybackDirectory;
  verdicts?: AmdVerdictDirectory;
}

/**
 * Creates the reconciler used after a reconnect (events may have been missed while the
 * connection was down) and after a restart (DESIGN §2: nothing is left stuck). An
 * attempt whose channel is gone gets `channel.lost`; the machine decides what that
 * means (`interrupted`, or `answered_human` once handed off).
 */
export function createChannelReconciler(deps: ChannelReconcilerDeps): ChannelReconciler {
  const { runner, channels, clock, log } = deps;
  const channelIdOf = deps.channelIdOf ?? channelIdFor;
  let tail: Promise<unknown> = Promise.resolve();

  async function run(): Promise<ReconcileReport> {
    // Only attempts live now are judged, and only once their queued work is done: an
    // originate still in flight has no channel yet, and must not be taken for lost.
    const { owns } = deps;
    const candidates =
      owns === undefined ? runner.liveAttemptIds() : runner.liveAttemptIds().filter(owns);
    await runner.settled();
    const live = new Set((await channels.listChannels()).map((channel) => channel.id));
    // Each attempt is squared on its own and all at once: one at a time, a node taking
    // over a hundred calls waited out a commit (and the PBX's answers) per call before
    // the last was looked at, while the calls still up went unwatched, their timers held.
    const judged = await Promise.all(
      candidates.map(async (attemptId): Promise<AttemptEvent['type'] | 'lost' | null> => {
        if (!runner.isLive(attemptId)) return null;
        if (owns !== undefined && !owns(attemptId)) return null;
        if (live.has(channelIdOf(attemptId))) return rebuildLostEvent(attemptId);
        await runner.dispatch(attemptId, { type: 'channel.lost', at: clock.now() });
        return 'lost';
      }),
    );
    const which = (kind: AttemptEvent['type'] | 'lost') =>
      candidates.filter((_, i) => judged[i] === kind);
    const lost = which('lost');
    const playbacksEnded = which('playback.finished');
    const verdictsRebuilt = which('amd.completed');
    if (lost.length > 0) log.warn({ lost }, 'attempts whose channel is gone were marked lost');
    if (playbacksEnded.length > 0) {
      log.info({ playbacksEnded }, 'playback ends missed while away were rebuilt');
    }
    if (verdictsRebuilt.length > 0) {
      log.info({ verdictsRebuilt }, 'AMD verdicts missed while away were read back from the PBX');
    }
    return { checked: candidates.length, lost, playbacksEnded, verdictsRebuilt };
  }

  /**
   * Sends a live attempt the event it missed, if the PBX still shows it: its AMD
   * verdict, or the end of its playback (an attempt waits for one of them at most).
   * Returns the type of the event sent, or null.
   */
  async function rebuildLostEvent(attemptId: string): Promise<AttemptEvent['type'] | null> {
    const { journal, playbacks, verdicts } = deps;
    if (!journal || (!playbacks && !verdicts)) return null;
    const attempt = await journal.loadAttempt(attemptId);
    if (attempt === undefined || attempt.done) return null;
    const entries = await journal.loadEntries(attemptId);
    const now = clock.now();
    const channelId = channelIdOf(attemptId);
    let event: AttemptEvent | null = null;
    if (verdicts) event = await lostAmdVerdict({ attempt, entries, channelId, verdicts, now });
    if (event === null && playbacks) {
      event = await lostPlaybackEnd({ attempt, entries, playbacks, now });
    }
    // Only if nothing was journaled since the facts were read: the event itself may
    // have come meanwhile (the hop's StasisStart on its way), and must not count twice.
    if (event === null || !(await runner.dispatchIfAt(attemptId, attempt.seq, event))) return null;
    return event.type;
  }

  return {
    reconcile() {
      const next = tail.then(run, run);
      tail = next.catch(() => {});
      return next;
    },
  };
}
