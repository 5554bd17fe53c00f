import type { Logger } from 'pino';
import { type AttemptTransition, transitionOf } from './attempt-transition.js';
import type { CommitOptions, PlannedStep, StoredAttempt } from './ports.js';

/**
 * An attempt's end as its commit is written, before that commit is durable (ADR 050):
 * what a listener does with it may only write to the journal, whose next synced commit
 * makes the end durable first.
 */
export interface AttemptEndWritten {
  attemptId: string;
  campaignId: string;
  /**
   * The transitions the commit writes, the end last, as `onTransition` will tell them
   * once it is durable.
   */
  transitions: AttemptTransition[];
}

export type EndWrittenListener = (end: AttemptEndWritten) => Promise<unknown> | undefined;

/**
 * How steps about to be committed together may lend their sync (ADR 050): when they
 * end the attempt with no command to carry out (the call is already gone: nothing on
 * the line waits for this commit) and someone listens, the listeners are told once it is
 * written, and the journal waits for what they return. Undefined otherwise: the commit
 * is synced as any other.
 */
export function lentSync(
  listeners: ReadonlySet<EndWrittenListener>,
  stored: StoredAttempt,
  log: Logger,
  steps: readonly PlannedStep[],
): CommitOptions | undefined {
  const last = steps[steps.length - 1];
  if (listeners.size === 0 || !last?.step.done) return undefined;
  if (steps.some((planned) => planned.step.commands.length > 0)) return undefined;
  const end: AttemptEndWritten = {
    attemptId: stored.attemptId,
    campaignId: stored.campaignId,
    transitions: steps.map((planned) => transitionOf(stored, planned)),
  };
  return {
    whileUnsynced: () =>
      Promise.all(
        [...listeners].map(async (listener) => {
          try {
            await listener(end);
          } catch (error) {
            log.error({ err: error }, 'end listener failed');
          }
        }),
      ),
  };
}
