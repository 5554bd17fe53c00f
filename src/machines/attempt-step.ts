import { type AnyActorScope, createActor, type SnapshotFrom, type StateValue } from 'xstate';
import {
  ATTEMPT_MACHINE_VERSION,
  type AttemptContext,
  attemptMachine,
  factsOf,
} from './attempt.js';
import type {
  AttemptCommand,
  AttemptCommandParams,
  AttemptEvent,
  AttemptFacts,
  AttemptInput,
  TimerCommand,
} from './attempt-types.js';
import { attemptMachineV1 } from './attempt-v1.js';

/** The JSON form of an attempt machine snapshot, as stored with the attempt. */
export interface PersistedAttemptSnapshot {
  value: StateValue;
  context: AttemptContext;
}

/** What one event did to an attempt: its new snapshot and the effects to carry out. */
export interface AttemptStep {
  snapshot: PersistedAttemptSnapshot;
  /** Dotted path of the active leaf state, e.g. `dialing.ringing`. */
  state: string;
  done: boolean;
  facts: AttemptFacts;
  /** Call-control commands, in the order they must be executed. */
  commands: AttemptCommand[];
  /** Timers to start or cancel. */
  timers: TimerCommand[];
}

const COMMAND_TYPES: ReadonlySet<string> = new Set<keyof AttemptCommandParams>([
  'originate',
  'continueToAmd',
  'play',
  'stopPlayback',
  'detectGreetingEnd',
  'handOff',
  'hangUp',
]);

/** Prefix XState gives the events of delayed (`after`) transitions. */
const TIMER_EVENT_PREFIX = 'xstate.after.';

/** Thrown when the machine emits an action the runner does not know how to execute. */
export class UnknownActionError extends Error {
  constructor(type: string) {
    super(`the attempt machine emitted an unknown action "${type}"`);
    this.name = 'UnknownActionError';
  }
}

/** Thrown for a journal written by a machine version this build cannot run. */
export class UnsupportedMachineVersionError extends Error {
  constructor(readonly version: number) {
    super(`attempt machine version ${version} is not supported by this build`);
    this.name = 'UnsupportedMachineVersionError';
  }
}

// Every version whose attempts may still be in a database or a fixture. A change that
// alters behaviour adds a new entry and keeps the old machine (ADR 002).
// The versions' state trees differ, so their precise types do too; the stepper only
// needs what every version shares (same setup, same events and context).
const MACHINES: Readonly<Record<number, typeof attemptMachine>> = {
  1: attemptMachineV1 as unknown as typeof attemptMachine,
  2: attemptMachine,
};

function machineFor(version: number): typeof attemptMachine {
  const machine = MACHINES[version];
  if (!machine) throw new UnsupportedMachineVersionError(version);
  return machine;
}

type ExecutableAction = { type: string; params?: unknown };

/**
 * A pure transition function over one reused, inert actor scope per machine.
 *
 * XState's `transition()` builds a fresh inert actor for every call, and building an
 * actor runs the machine's whole initial transition: three quarters of the cost of a
 * step (bench/attempt-engine.ts). The scope below is the one `transition()` builds
 * (xstate 5.33, `createInertActorScope`), made once: the attempt machine spawns no
 * children and its actions are only collected, never executed, so nothing in the scope
 * carries state from one step to the next. test/machines/attempt-model.test.ts checks
 * that every step agrees with `transition()`.
 */
function createStepper(machine: typeof attemptMachine) {
  let collected: ExecutableAction[] = [];
  /** The initial snapshot every attempt's is made from, once one could be (`isTemplate`). */
  let template: SnapshotFrom<typeof attemptMachine> | undefined;
  const self = createActor(machine, { input: undefined as unknown as AttemptInput });
  const scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action: ExecutableAction) => {
      collected.push(action);
    },
  } as unknown as AnyActorScope;
  return {
    step(
      snapshot: SnapshotFrom<typeof attemptMachine>,
      event: AttemptEvent,
    ): [SnapshotFrom<typeof attemptMachine>, ExecutableAction[]] {
      collected = [];
      const next = machine.transition(snapshot, event, scope);
      return [next, collected];
    },
    /**
     * The initial snapshot, as `initialTransition()` makes it: that builds a fresh
     * actor, whose constructor runs the initial transition once more (with no input).
     * Made once per machine (see `fromTemplate`), not per attempt: the initial
     * transition took a sixth of a claim's work (bench/claim-steps.ts).
     */
    initial(input: AttemptInput): SnapshotFrom<typeof attemptMachine> {
      if (template !== undefined) return fromTemplate(template, input);
      collected = [];
      const snapshot = machine.getInitialSnapshot(scope, input);
      if (isTemplate(snapshot, collected)) template = snapshot;
      return snapshot;
    },
  };
}

/**
 * Whether an initial snapshot can stand for every attempt's: it is active, its initial
 * transition did nothing but enter its states (no action, no child actor, no history),
 * so that all it holds of its attempt is the input in its context. Each version's
 * context is the input beside facts that start out empty, whatever the input
 * (test/machines/attempt-step.test.ts checks the snapshot of every fixture's input
 * against XState's own `initialTransition()`).
 */
function isTemplate(
  snapshot: SnapshotFrom<typeof attemptMachine>,
  actions: readonly ExecutableAction[],
): boolean {
  return (
    snapshot.status === 'active' &&
    actions.length === 0 &&
    Object.keys(snapshot.children).length === 0 &&
    Object.keys(snapshot.historyValue).length === 0
  );
}

/**
 * A new attempt's initial snapshot: the template with the attempt's input in its
 * context. The rest (state nodes, value, tags) is shared: XState never changes a
 * snapshot, it makes a new one for each transition; the two containers it fills in a
 * transition (children, history) are the attempt's own.
 */
function fromTemplate(
  template: SnapshotFrom<typeof attemptMachine>,
  input: AttemptInput,
): SnapshotFrom<typeof attemptMachine> {
  return { ...template, context: { ...template.context, input }, children: {}, historyValue: {} };
}

/**
 * The machine snapshot each persisted snapshot this process made was persisted from,
 * with its machine: the next step of a live attempt starts from it instead of resolving
 * the persisted form again (finding its state nodes, about a sixth of a step). The
 * two are the same to a transition: the machine has no history states, children or
 * parallel regions, whose data the persisted form would leave out; test/machines/
 * attempt-step.test.ts checks steps from either agree.
 */
const resolvedFrom = new WeakMap<
  PersistedAttemptSnapshot,
  { machine: typeof attemptMachine; snapshot: SnapshotFrom<typeof attemptMachine> }
>();

function resolve(
  machine: typeof attemptMachine,
  persisted: PersistedAttemptSnapshot,
): SnapshotFrom<typeof attemptMachine> {
  const known = resolvedFrom.get(persisted);
  if (known !== undefined && known.machine === machine) return known.snapshot;
  return machine.resolveState(persisted);
}

const steppers = new Map<typeof attemptMachine, ReturnType<typeof createStepper>>();

function stepperFor(machine: typeof attemptMachine) {
  let stepper = steppers.get(machine);
  if (!stepper) {
    stepper = createStepper(machine);
    steppers.set(machine, stepper);
  }
  return stepper;
}

/** Creates the snapshot of a new attempt, before its first event. */
export function createAttemptSnapshot(
  input: AttemptInput,
  version: number = ATTEMPT_MACHINE_VERSION,
): PersistedAttemptSnapshot {
  const machine = machineFor(version);
  return persist(machine, stepperFor(machine).initial(input));
}

/**
 * Applies one event to an attempt. Pure and deterministic: the same snapshot and event
 * always give the same step, which is what makes journals replayable.
 */
export function stepAttempt(
  persisted: PersistedAttemptSnapshot,
  event: AttemptEvent,
  version: number = ATTEMPT_MACHINE_VERSION,
): AttemptStep {
  const machine = machineFor(version);
  const current = resolve(machine, persisted);
  // XState's pure `transition()` still takes the root's transitions from a final state
  // (a late `operator.canceled` would re-enter `hangingUp` and emit `hangUp`): a done
  // attempt ignores every event.
  if (current.status === 'done') {
    const snapshot = persist(machine, current);
    return {
      snapshot,
      state: stateToString(current.value),
      done: true,
      facts: factsOf(snapshot.context),
      commands: [],
      timers: [],
    };
  }
  const [next, actions] = stepperFor(machine).step(current, toMachineEvent(event));
  const commands: AttemptCommand[] = [];
  const timers: TimerCommand[] = [];
  for (const action of actions) {
    const type: string = action.type;
    const params = action.params as Record<string, unknown> | undefined;
    if (type === 'xstate.raise' && params && typeof params.delay === 'number') {
      timers.push({ type: 'timer.start', timerId: String(params.id), delayMs: params.delay });
    } else if (type === 'xstate.cancel' && params) {
      timers.push({ type: 'timer.cancel', timerId: String(params.sendId) });
    } else if (COMMAND_TYPES.has(type)) {
      commands.push({ type, params } as AttemptCommand);
    } else {
      throw new UnknownActionError(type);
    }
  }
  const snapshot = persist(machine, next);
  return {
    snapshot,
    state: stateToString(next.value),
    done: next.status === 'done',
    facts: factsOf(snapshot.context),
    commands,
    timers,
  };
}

export { factsOf };

/** Dotted path of the active leaf state (`askingConsent.listening`). */
export function stateToString(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? [];
  if (key === undefined || child === undefined) return '';
  const rest = stateToString(child as StateValue);
  return rest ? `${key}.${rest}` : key;
}

function toMachineEvent(event: AttemptEvent): AttemptEvent {
  if (event.type !== 'timer.fired') return event;
  // Timers are journaled as `timer.fired`; the machine knows them by XState's own
  // delayed-event type, which is the timer id.
  if (!event.timerId.startsWith(TIMER_EVENT_PREFIX)) {
    throw new Error(`not an attempt timer: "${event.timerId}"`);
  }
  return { type: event.timerId, at: event.at } as unknown as AttemptEvent;
}

function persist(
  machine: typeof attemptMachine,
  snapshot: SnapshotFrom<typeof attemptMachine>,
): PersistedAttemptSnapshot {
  // Value and context are plain JSON data (inputs and events are JSON, and every
  // `assign` builds new objects), so they are shared rather than copied.
  const persisted = { value: snapshot.value, context: snapshot.context };
  resolvedFrom.set(persisted, { machine, snapshot });
  return persisted;
}
