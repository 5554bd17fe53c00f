import type { RecordedStep } from '../../src/machines/attempt-replay.js';
import {
  type AttemptStep,
  createAttemptSnapshot,
  type PersistedAttemptSnapshot,
  stepAttempt,
} from '../../src/machines/attempt-step.js';
import type {
  AttemptCommand,
  AttemptEvent,
  AttemptFacts,
  AttemptInput,
} from '../../src/machines/attempt-types.js';

/** One step of a driven attempt: the event it was given and what the machine did. */
export interface DrivenStep extends AttemptStep {
  /** 1-based position in the attempt's journal. */
  seq: number;
  event: AttemptEvent;
}

/** A timer started by a step and neither cancelled nor fired since. */
export interface ArmedTimer {
  timerId: string;
  /** The machine's delay name, e.g. `ringTimeout`. */
  name: string;
  /** Epoch ms at which the runner would fire it. */
  dueAt: number;
}

/** `xstate.after.ringTimeout.attempt.dialing` → `ringTimeout`. */
export function timerName(timerId: string): string {
  return timerId.split('.')[2] ?? timerId;
}

/**
 * The timers armed after these steps, in the order they were started: every
 * `timer.start` not followed by a `timer.cancel` or a `timer.fired` event of the same id.
 */
export function armedTimers(steps: readonly DrivenStep[]): ArmedTimer[] {
  const armed = new Map<string, ArmedTimer>();
  for (const step of steps) {
    if (step.event.type === 'timer.fired') armed.delete(step.event.timerId);
    for (const timer of step.timers) {
      if (timer.type === 'timer.start') {
        armed.delete(timer.timerId);
        armed.set(timer.timerId, {
          timerId: timer.timerId,
          name: timerName(timer.timerId),
          dueAt: step.event.at + timer.delayMs,
        });
      } else {
        armed.delete(timer.timerId);
      }
    }
  }
  return [...armed.values()];
}

/**
 * The `timer.fired` event of the armed timer called `name`, at its due time unless
 * `at` is given.
 *
 * @throws Error when no timer of that name is armed: a story that fires a timer the
 * machine never started (or already cancelled) is wrong.
 */
export function timerFired(steps: readonly DrivenStep[], name: string, at?: number): AttemptEvent {
  const armed = armedTimers(steps);
  const timer = armed.find((candidate) => candidate.name === name);
  if (!timer) {
    const names = armed.map((candidate) => candidate.name).join(', ') || 'none';
    throw new Error(`no "${name}" timer is armed (armed: ${names})`);
  }
  return { type: 'timer.fired', timerId: timer.timerId, at: at ?? timer.dueAt };
}

/** An attempt driven event by event through the pure step function, as the runner does. */
export interface AttemptDrive {
  readonly input: AttemptInput;
  readonly steps: readonly DrivenStep[];
  readonly snapshot: PersistedAttemptSnapshot;
  /** The last step; throws before the first event. */
  readonly last: DrivenStep;
  /** Dotted active state, e.g. `dialing.ringing`. */
  readonly state: string;
  readonly done: boolean;
  readonly facts: AttemptFacts;
  /** Every command emitted so far, in order. */
  readonly commands: AttemptCommand[];
  /** Steps the event and records it. */
  send(event: AttemptEvent): DrivenStep;
  /** Fires the armed timer called `name` (at its due time unless `at` is given). */
  fireTimer(name: string, at?: number): DrivenStep;
  armedTimers(): ArmedTimer[];
  /** The steps as a journal records them, ready for `replayAttempt`. */
  journal(): RecordedStep[];
}

/** Creates an attempt from its initial snapshot, before its first event. */
export function createAttemptDrive(input: AttemptInput): AttemptDrive {
  const steps: DrivenStep[] = [];
  let snapshot = createAttemptSnapshot(input);
  const last = (): DrivenStep => {
    const step = steps.at(-1);
    if (!step) throw new Error('the attempt has not been given any event yet');
    return step;
  };
  const send = (event: AttemptEvent): DrivenStep => {
    const step: DrivenStep = { ...stepAttempt(snapshot, event), seq: steps.length + 1, event };
    steps.push(step);
    snapshot = step.snapshot;
    return step;
  };
  return {
    input,
    steps,
    get snapshot() {
      return snapshot;
    },
    get last() {
      return last();
    },
    get state() {
      return last().state;
    },
    get done() {
      return last().done;
    },
    get facts() {
      return last().facts;
    },
    get commands() {
      return steps.flatMap((step) => step.commands);
    },
    send,
    fireTimer: (name, at) => send(timerFired(steps, name, at)),
    armedTimers: () => armedTimers(steps),
    journal: () =>
      steps.map(({ seq, event, state, commands, timers }) => ({
        seq,
        event,
        state,
        commands,
        timers,
      })),
  };
}

/** Starts an attempt and steps each event in order. */
export function driveAttempt(input: AttemptInput, events: readonly AttemptEvent[]): AttemptDrive {
  const drive = createAttemptDrive(input);
  for (const event of events) drive.send(event);
  return drive;
}
