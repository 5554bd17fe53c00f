import type { AttemptCommand, AttemptEvent, AttemptOutcome } from '../machines/attempt-types.js';
import type { PlannedStep, StoredAttempt } from './ports.js';

/** What listeners hear after each committed event. */
export interface AttemptTransition {
  attemptId: string;
  leadId: string;
  campaignId: string;
  seq: number;
  event: AttemptEvent;
  state: string;
  done: boolean;
  outcome: AttemptOutcome | null;
  commands: AttemptCommand[];
  /** The attempt's PBX, when its input names one (several PBXs). */
  pbx?: string;
}

/** What listeners are told of a step once committed. */
export function transitionOf(stored: StoredAttempt, planned: PlannedStep): AttemptTransition {
  const { event, seq, step, outcome } = planned;
  return {
    attemptId: stored.attemptId,
    leadId: stored.leadId,
    campaignId: stored.campaignId,
    seq,
    event,
    state: step.state,
    done: step.done,
    outcome,
    commands: step.commands,
    ...(stored.input.pbx === undefined ? {} : { pbx: stored.input.pbx }),
  };
}
