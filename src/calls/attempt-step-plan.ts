import { leadAfterAttempt } from '../campaign/retry-policy.js';
import { type PersistedAttemptSnapshot, stepAttempt } from '../machines/attempt-step.js';
import type { AttemptEvent, TimerCommand } from '../machines/attempt-types.js';
import type { AttemptCommit, PlannedStep, StoredAttempt, TimerDeadline } from './ports.js';

/**
 * Steps the machine for `event` from where the attempt is (`at`: its snapshot and last
 * journaled seq): the commit to make and what to do once it is made. Pure: nothing is
 * written or run, so the runner can step several waiting events of one attempt, each
 * from the one before, ahead of their one commit (ADR 040).
 */
export function planStep(
  stored: StoredAttempt,
  at: { snapshot: PersistedAttemptSnapshot; seq: number },
  event: AttemptEvent,
): PlannedStep {
  const step = stepAttempt(at.snapshot, event, stored.machineVersion);
  const seq = at.seq + 1;
  const { start, cancel } = netTimerChanges(step.timers, event.at);
  const outcome = step.done ? (step.facts.outcome ?? 'failed') : null;
  const commit: AttemptCommit = {
    entry: {
      attemptId: stored.attemptId,
      seq,
      event,
      state: step.state,
      commands: step.commands,
      timers: step.timers,
    },
    snapshot: step.snapshot,
    facts: step.facts,
    done: step.done,
    startTimers: start,
    cancelTimers: cancel,
    lead:
      outcome === null
        ? null
        : {
            leadId: stored.leadId,
            outcome,
            error: step.facts.error,
            next: leadAfterAttempt(
              outcome,
              stored.attemptNumber - stored.uncountedAttempts,
              stored.retry,
              step.facts.endedAt ?? event.at,
            ),
          },
  };
  return { event, seq, step, start, cancel, outcome, commit };
}

/**
 * The first step of a new attempt (`attempt.started` at `at`, seq 1), planned from the
 * attempt as its claim stores it, for the claim to commit with itself (ADR 044).
 */
export function planStart(stored: StoredAttempt, at: number): PlannedStep {
  return planStep(stored, stored, { type: 'attempt.started', at });
}

/**
 * Reduces a step's timer changes, in order, to what must be armed and cancelled: a
 * timer re-armed after its cancel in the same step is armed.
 */
function netTimerChanges(
  timers: readonly TimerCommand[],
  at: number,
): { start: TimerDeadline[]; cancel: string[] } {
  const net = new Map<string, number | null>();
  for (const timer of timers) {
    net.set(timer.timerId, timer.type === 'timer.start' ? at + timer.delayMs : null);
  }
  const start: TimerDeadline[] = [];
  const cancel: string[] = [];
  for (const [timerId, dueAt] of net) {
    if (dueAt === null) cancel.push(timerId);
    else start.push({ timerId, dueAt });
  }
  return { start, cancel };
}
