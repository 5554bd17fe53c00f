import { ATTEMPT_MACHINE_VERSION } from './attempt.js';
import {
  type AttemptStep,
  createAttemptSnapshot,
  type PersistedAttemptSnapshot,
  stepAttempt,
} from './attempt-step.js';
import type { AttemptCommand, AttemptEvent, AttemptInput, TimerCommand } from './attempt-types.js';

/** One recorded step of a journal: the event and what the machine did with it. */
export interface RecordedStep {
  seq: number;
  event: AttemptEvent;
  state: string;
  commands: AttemptCommand[];
  timers: TimerCommand[];
}

/** A journal as stored or kept as a fixture: the input and every recorded step. */
export interface AttemptJournalRecord {
  machineVersion: number;
  input: AttemptInput;
  entries: RecordedStep[];
}

/** Thrown when a replayed step differs from the recorded one. */
export class ReplayMismatchError extends Error {
  constructor(
    /** Seq of the first step that diverged. */
    readonly seq: number,
    /** What diverged: the state after the event, the commands or the timers. */
    readonly field: 'seq' | 'state' | 'commands' | 'timers',
    readonly expected: unknown,
    readonly actual: unknown,
  ) {
    super(
      `replay diverged at seq ${seq} (${field}): expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
    this.name = 'ReplayMismatchError';
  }
}

/** The result of a successful replay: the last step and the final snapshot. */
export interface ReplayResult {
  snapshot: PersistedAttemptSnapshot;
  steps: AttemptStep[];
}

/**
 * Feeds a journal's events to the machine of the journal's version and checks that
 * every recorded state, command and timer is reproduced exactly.
 *
 * @throws ReplayMismatchError naming the first seq that diverged.
 */
export function replayAttempt(journal: AttemptJournalRecord): ReplayResult {
  const version = journal.machineVersion ?? ATTEMPT_MACHINE_VERSION;
  let snapshot = createAttemptSnapshot(journal.input, version);
  const steps: AttemptStep[] = [];
  journal.entries.forEach((entry, index) => {
    if (entry.seq !== index + 1) {
      throw new ReplayMismatchError(index + 1, 'seq', index + 1, entry.seq);
    }
    const step = stepAttempt(snapshot, entry.event, version);
    compare(entry.seq, 'state', entry.state, step.state);
    compare(entry.seq, 'commands', entry.commands, step.commands);
    compare(entry.seq, 'timers', entry.timers, step.timers);
    snapshot = step.snapshot;
    steps.push(step);
  });
  return { snapshot, steps };
}

function compare(
  seq: number,
  field: 'state' | 'commands' | 'timers',
  expected: unknown,
  actual: unknown,
): void {
  // Both sides are plain JSON; comparing canonical text ignores key order.
  if (canonical(expected) !== canonical(actual)) {
    throw new ReplayMismatchError(seq, field, expected, actual);
  }
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
