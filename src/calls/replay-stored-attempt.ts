import { ReplayMismatchError, replayAttempt } from '../machines/attempt-replay.js';
import { UnsupportedMachineVersionError } from '../machines/attempt-step.js';
import { type AttemptTimeline, buildAttemptTimeline } from '../machines/attempt-timeline.js';
import type { AttemptJournal, JournalEntry, StoredAttempt } from './ports.js';

/** Whether this build's machine reproduces a stored journal. */
export type ReplayVerdict =
  | { status: 'ok' }
  /** The machine now does something else at `seq` than it recorded. */
  | { status: 'mismatch'; seq: number; message: string }
  /** The journal's machine version is not in this build. */
  | { status: 'unsupported'; message: string };

/** A stored attempt with its journal, its timeline and whether it replays. */
export interface StoredAttemptReplay {
  attempt: StoredAttempt;
  entries: JournalEntry[];
  timeline: AttemptTimeline;
  /** Time with the AI target (ms), once handed off and ended; else null. */
  talkMs: number | null;
  replay: ReplayVerdict;
}

/**
 * Loads an attempt and its journal, builds its timeline (state spans, event markers and
 * their commands) and replays the journal through the machine of its version, as
 * `dialstate replay` and the API show it. Undefined when there is no such attempt.
 */
export async function replayStoredAttempt(
  journal: Pick<AttemptJournal, 'loadAttempt' | 'loadEntries'>,
  attemptId: string,
): Promise<StoredAttemptReplay | undefined> {
  const attempt = await journal.loadAttempt(attemptId);
  if (attempt === undefined) return undefined;
  const entries = await journal.loadEntries(attemptId);
  const timeline = buildAttemptTimeline(entries, attempt.snapshot.context.outcome);
  let replay: ReplayVerdict = { status: 'ok' };
  try {
    replayAttempt({ machineVersion: attempt.machineVersion, input: attempt.input, entries });
  } catch (error) {
    if (error instanceof ReplayMismatchError) {
      replay = { status: 'mismatch', seq: error.seq, message: error.message };
    } else if (error instanceof UnsupportedMachineVersionError) {
      replay = { status: 'unsupported', message: error.message };
    } else {
      throw error;
    }
  }
  const { handedOffAt, endedAt } = attempt.snapshot.context;
  const talkMs = handedOffAt !== null && endedAt !== null ? endedAt - handedOffAt : null;
  return { attempt, entries, timeline, talkMs, replay };
}
