import { getAdjacencyMap, getShortestPaths, getStateNodes } from '@xstate/graph';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AnyStateNode,
  type AnyTransitionDefinition,
  getMicrosteps,
  type SnapshotFrom,
} from 'xstate';
import { attemptMachine, PBX_LOSS_GRACE_MS } from '../../src/machines/attempt.js';
import { factsOf, stateToString, stepAttempt } from '../../src/machines/attempt-step.js';
import {
  ATTEMPT_OUTCOMES,
  type AttemptEvent,
  type AttemptFacts,
  type AttemptInput,
  type AttemptOutcome,
  type CommandName,
} from '../../src/machines/attempt-types.js';
import { classifyUnanswered } from '../../src/machines/unanswered-outcome.js';
import { driveAttempt } from '../support/attempt-driver.js';
import {
  consentPlaybackId,
  ev,
  optOutPlaybackId,
  safeHarbourPlaybackId,
  voicemailPlaybackId,
} from '../support/attempt-events.js';
import {
  COMPLIANCE_VARIANTS,
  INPUT_VARIANTS,
  type InputVariant,
  SAMPLE_CONSENT,
  SAMPLE_VOICEMAIL,
  t,
} from '../support/attempt-inputs.js';
import { AAVA_AI_TARGET, aavaTargetInput } from '../support/attempt-stories.js';

type Snapshot = SnapshotFrom<typeof attemptMachine>;

/**
 * What the model sends the machine: the attempt's events, except that a timer firing
 * is the machine's own delayed event (`xstate.after.<delay>.<state id>`), which the
 * step function turns `timer.fired` into.
 */
type ModelEvent = AttemptEvent | { type: string; at: number };

const ALL_STATE_NODES: AnyStateNode[] = [
  attemptMachine.root,
  ...getStateNodes(attemptMachine.root),
];

/** Every state node id of the machine, read from its definition. */
const ALL_STATE_IDS = ALL_STATE_NODES.map((node) => node.id);

/** Every delayed-event type the machine declares, e.g. `xstate.after.ringTimeout.attempt.dialing`. */
const TIMER_EVENT_TYPES = ALL_STATE_NODES.flatMap((node) => node.after.map((t) => t.eventType));

const PLAYBACK_OWNER = 'att-0001';

/** The eight consent/voicemail/NOTSURE variants (app and dialplan targets), and AAVA. */
const VARIANTS: readonly InputVariant[] = [
  ...INPUT_VARIANTS,
  {
    name: 'consent on, voicemail on, NOTSURE as machine, AAVA target',
    input: aavaTargetInput({ consent: SAMPLE_CONSENT, voicemail: SAMPLE_VOICEMAIL }),
  },
  ...COMPLIANCE_VARIANTS,
];
const COMMANDS: CommandName[] = [
  'originate',
  'continueToAmd',
  'play',
  'stopPlayback',
  'detectGreetingEnd',
  'handOff',
  'hangUp',
];

/** The events explored from every state (only those the state handles are sent). */
const MODEL_EVENTS: ModelEvent[] = [
  ev.started(t(0)),
  ev.originateAccepted(t(3)),
  ev.ringing(t(6)),
  ...['RINGING', 'BUSY', 'CONGESTION', 'CHANUNAVAIL'].map((status) => ev.dialStatus(status, t(7))),
  ev.farEndHungUp(1, t(8)),
  ev.farEndHungUp(21, t(8)),
  ev.answered(t(1_005)),
  ev.leftStasis(t(1_007)),
  ev.hangupRequested(0, t(9)),
  ev.hangupRequested(16, t(9)),
  ev.hungUp(0, t(9)),
  ev.hungUp(16, t(9)),
  ...['HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP', ''].map((status) =>
    ev.amd(status, `${status || 'NONE'}-1`, t(3_000)),
  ),
  ev.dtmf('1', t(6_000)),
  ev.dtmf('2', t(6_000)),
  ev.dtmf('5', t(6_000)),
  ev.dtmf('9', t(6_000)),
  ev.playbackFinished(consentPlaybackId(PLAYBACK_OWNER), 'done', t(5_000)),
  ev.playbackFinished(consentPlaybackId(PLAYBACK_OWNER), 'failed', t(5_000)),
  ev.playbackFinished(voicemailPlaybackId(PLAYBACK_OWNER), 'done', t(20_000)),
  ev.playbackFinished(voicemailPlaybackId(PLAYBACK_OWNER), 'failed', t(20_000)),
  ev.playbackFinished(safeHarbourPlaybackId(PLAYBACK_OWNER), 'done', t(16_000)),
  ev.playbackFinished(optOutPlaybackId(PLAYBACK_OWNER), 'done', t(9_000)),
  ev.greetingEnded(t(15_000)),
  ...COMMANDS.map((command) => ev.commandFailed(command, 404, 'Channel not found', t(10))),
  ...COMMANDS.map((command) => ev.commandFailed(command, 503, 'Service Unavailable', t(10))),
  ev.commandFailed('originate', undefined, 'connect ECONNREFUSED', t(10)),
  ev.operatorCanceled(t(11)),
  ev.channelLost(t(12)),
  // Where a hand-off lands, the AI target's own Hangup() and a transfer onward.
  ev.dialplanEntered('ai-handoff', 's', 1, 'NoOp', t(3_990)),
  ev.dialplanEntered(AAVA_AI_TARGET.context, 's', 1, 'NoOp', t(3_990)),
  ev.dialplanEntered('ai-handoff', 's', 6, 'Hangup', t(30_000)),
  ev.dialplanEntered('sales-queue', 's', 1, 'Queue', t(30_000)),
  ev.stasisFailed(t(3_991)),
  ev.moveFailed('ai-agent', t(3_981)),
  // Just before the hang-ups above: a cause-0 end after it is the PBX going away.
  ev.pbxLost('websocket closed', t(8)),
  ...TIMER_EVENT_TYPES.map((type) => ({ type, at: t(60_000) })),
];

function isTimerEvent(event: ModelEvent): boolean {
  return event.type.startsWith('xstate.after.');
}

/** The journaled form of a model event. */
function toAttemptEvent(event: ModelEvent): AttemptEvent {
  return isTimerEvent(event) ? ev.timerFired(event.type, event.at) : (event as AttemptEvent);
}

// The state space is kept finite and small: context that grows without bound (digits,
// timestamps) is left out; the Dial status and far-end cause count only while dialing,
// where they decide the outcome, and of a PBX loss only whether one was seen.
function serializeState(snapshot: Snapshot): string {
  const { context } = snapshot;
  return JSON.stringify({
    value: snapshot.value,
    status: snapshot.status,
    pending: context.pendingOutcome,
    outcome: context.outcome,
    dial: snapshot.matches('dialing') ? [context.dialStatus, context.farEndCause] : null,
    pbxLost: context.pbxLostAt != null,
  });
}

/**
 * The event types the active states declare a transition for, their ancestors' included.
 * Unlike XState's own descriptors this keeps transitions that do nothing on purpose
 * (`{}`), which a model must take too.
 */
function declaredEvents(snapshot: Snapshot): Set<string> {
  return new Set(
    stateIdsOf(snapshot).flatMap((id) => [
      ...attemptMachine.getStateNodeById(id).transitions.keys(),
    ]),
  );
}

function traversalOptions(input: AttemptInput) {
  return {
    input,
    serializeState,
    events: (snapshot: Snapshot) => {
      const handled = declaredEvents(snapshot);
      return MODEL_EVENTS.filter((event) => handled.has(event.type)) as AttemptEvent[];
    },
    stopWhen: (snapshot: Snapshot) => snapshot.status === 'done',
  };
}

/** A path the model generated: the events from the initial state and where they lead. */
interface ModelPath {
  variant: string;
  input: AttemptInput;
  events: ModelEvent[];
  /** The snapshot before each event, and the one after the last. */
  snapshots: Snapshot[];
}

/**
 * One path per edge of the explored graph: the shortest path to the edge's source
 * state, then the edge's event. Together they take every transition the model found.
 */
function edgePaths(variant: InputVariant): ModelPath[] {
  const options = traversalOptions(variant.input);
  const adjacency = getAdjacencyMap(attemptMachine, options);
  const shortest = new Map<string, ModelPath>();
  for (const path of getShortestPaths(attemptMachine, options)) {
    // The first step is the initial state under `xstate.init`.
    const events = path.steps.slice(1).map((step) => step.event as ModelEvent);
    shortest.set(serializeState(path.state), {
      variant: variant.name,
      input: variant.input,
      events,
      snapshots: path.steps.map((step) => step.state),
    });
  }
  const paths: ModelPath[] = [];
  for (const [key, { state: source, transitions }] of Object.entries(adjacency)) {
    const head = shortest.get(key);
    if (!head) throw new Error(`the model has no path to ${key}`);
    const edges = Object.values(transitions) as { event: AttemptEvent; state: Snapshot }[];
    for (const { event, state } of edges) {
      paths.push({
        ...head,
        events: [...head.events, event as ModelEvent],
        // Snapshots that serialize alike (e.g. differing only in digits) are one graph
        // node; the edge starts from the one the adjacency map explored.
        snapshots: [...head.snapshots.slice(0, -1), source, state],
      });
    }
  }
  return paths;
}

function transitionLabel(transition: AnyTransitionDefinition): string {
  const targets = (transition.target ?? []).map((target: AnyStateNode) => target.id).join(',');
  return `${transition.source.id} --${transition.eventType || 'always'}--> ${targets || '(stay)'}`;
}

/** Every transition the machine declares: `on`, `after` and `always`, guarded branches apart. */
function declaredTransitions(): Map<AnyTransitionDefinition, string> {
  const all = new Map<AnyTransitionDefinition, string>();
  for (const node of ALL_STATE_NODES) {
    for (const [, transitions] of node.transitions) {
      transitions.forEach((transition, index) => {
        all.set(transition, `${transitionLabel(transition)} #${index}`);
      });
    }
    (node.always ?? []).forEach((transition, index) => {
      all.set(transition, `${transitionLabel(transition)} #${index}`);
    });
  }
  return all;
}

function stateIdsOf(snapshot: Snapshot): string[] {
  const segments = stateToString(snapshot.value).split('.');
  return [
    attemptMachine.root.id,
    ...segments.map((_, index) =>
      [attemptMachine.root.id, ...segments.slice(0, index + 1)].join('.'),
    ),
  ];
}

/**
 * The transitions one event takes from a snapshot, eventless ones included, and the
 * state ids visited on the way (transient routing states included).
 */
function takenBy(
  snapshot: Snapshot,
  event: ModelEvent,
): { transitions: AnyTransitionDefinition[]; stateIds: string[] } {
  const transitions = [...attemptMachine.getTransitionData(snapshot, event as AttemptEvent)];
  const microsteps = getMicrosteps(attemptMachine, snapshot, event as AttemptEvent);
  const stateIds = microsteps.flatMap(([next]) => stateIdsOf(next));
  for (let index = 1; index < microsteps.length; index++) {
    const [before] = microsteps[index - 1] ?? [];
    const [after] = microsteps[index] ?? [];
    if (!before || !after) continue;
    const afterIds = new Set(stateIdsOf(after));
    const candidates = stateIdsOf(before)
      .map((id) => attemptMachine.getStateNodeById(id))
      .flatMap((node) => node.always ?? []);
    const always = candidates.find((candidate) =>
      (candidate.target ?? []).every((target: AnyStateNode) => afterIds.has(target.id)),
    );
    if (always) transitions.push(always);
  }
  return { transitions, stateIds };
}

type Expectation = AttemptOutcome | 'unchanged';

/** The command each live state waits on, whose failure decides the attempt. */
function awaitedCommand(state: string): CommandName | null {
  if (state.startsWith('dialing')) return 'originate';
  if (state === 'screening') return 'continueToAmd';
  if (state === 'askingConsent.prompting' || state === 'leavingVoicemail') return 'play';
  if (state.startsWith('handingOff')) return 'handOff';
  return null;
}

/** What a failed command decides when ARI refused it for our settings (4xx). */
const REFUSED: Record<string, AttemptOutcome> = {
  originate: 'failed',
  continueToAmd: 'failed',
  play: 'failed',
  handOff: 'handoff_failed',
};

/**
 * What the callee's side ending the call decides in a state, before the PBX-loss rule:
 * `null` where it decides nothing.
 */
function endedInState(state: string, facts: AttemptFacts, e: AttemptEvent): AttemptOutcome | null {
  if (e.type !== 'channel.hungUp' && e.type !== 'channel.hangupRequested') return null;
  if (state.startsWith('dialing')) {
    if (e.type === 'channel.hangupRequested') return null;
    return classifyUnanswered({
      dialStatus: facts.dialStatus,
      farEndCause: facts.farEndCause,
      hangupCause: e.cause,
    }).outcome;
  }
  if (state === 'screening') {
    return e.type === 'channel.hungUp' && e.cause === 0 ? 'failed' : 'abandoned';
  }
  if (state.startsWith('askingConsent') || state === 'handingOff.requested') return 'abandoned';
  if (state.startsWith('handingOff')) return 'handoff_failed';
  if (state === 'waitingForGreetingEnd' || state === 'leavingVoicemail') return 'machine_detected';
  return null;
}

/**
 * Whether an end is one a stopping PBX could have caused: cause 0, where the callee would
 * otherwise be blamed, and before the answer only when nothing else explains it.
 */
function isAmbiguousEnd(state: string, facts: AttemptFacts, e: AttemptEvent): boolean {
  if (e.type !== 'channel.hungUp' && e.type !== 'channel.hangupRequested') return false;
  if (e.cause !== 0) return false;
  if (state.startsWith('dialing')) {
    // Before the answer: only while no Dial status but RINGING says otherwise (the
    // originate timeout ends with cause 19, not 0).
    return (
      e.type === 'channel.hungUp' &&
      !facts.farEndCause &&
      (facts.dialStatus === null || facts.dialStatus === 'RINGING')
    );
  }
  return endedInState(state, facts, e) !== null;
}

/**
 * The outcome DESIGN.md §1 (machine version 2) says an event decides in a state, or
 * 'unchanged'. This is the specification restated independently of the machine's
 * structure.
 */
function decidedBy(
  state: string,
  event: ModelEvent,
  input: AttemptInput,
  facts: AttemptFacts,
): Expectation {
  const timer = isTimerEvent(event) ? event.type.split('.')[2] : null;
  const e = event as AttemptEvent;
  if (state === 'hangingUp') return 'unchanged';
  // A cause-0 end waits here for the connection loss that would explain it.
  if (state === 'ending') {
    return e.type === 'pbx.lost' || e.type === 'channel.lost' ? 'interrupted' : 'unchanged';
  }
  // A failed hand-off the dialplan still holds stays failed, however it ends.
  if (state === 'releasing') return 'unchanged';
  if (e.type === 'operator.canceled') return 'canceled';
  if (e.type === 'channel.lost') return state === 'talking' ? 'answered_human' : 'interrupted';
  if (timer) {
    const byTimer: Record<string, Expectation> = {
      ringTimeout: 'no_answer',
      amdTimeout: 'failed',
      consentTimeout: 'consent_timeout',
      handOffTimeout: 'handoff_failed',
      handOffSettle: 'answered_human',
      playbackTimeout: 'failed',
    };
    return byTimer[timer] ?? 'unchanged';
  }
  const asked = state.startsWith('askingConsent');
  switch (e.type) {
    case 'command.failed': {
      if (awaitedCommand(state) !== e.command) return 'unchanged';
      const transient = e.status === undefined || e.status >= 500;
      return transient ? 'interrupted' : (REFUSED[e.command] ?? 'unchanged');
    }
    case 'channel.hungUp':
    case 'channel.hangupRequested': {
      const outcome = endedInState(state, facts, e);
      if (outcome === null) return 'unchanged';
      const pbxJustLost = facts.pbxLostAt != null && e.at - facts.pbxLostAt <= PBX_LOSS_GRACE_MS;
      return isAmbiguousEnd(state, facts, e) && pbxJustLost ? 'interrupted' : outcome;
    }
    case 'amd.completed': {
      if (state !== 'screening') return 'unchanged';
      const notSure = e.status === 'NOTSURE';
      const isHuman = e.status === 'HUMAN' || (notSure && input.amd.notSureAs === 'human');
      const isMachine = e.status === 'MACHINE' || (notSure && input.amd.notSureAs === 'machine');
      if (isHuman) return 'unchanged';
      if (isMachine) return input.voicemail ? 'unchanged' : 'machine_detected';
      return e.status === 'HANGUP' ? 'abandoned' : 'failed';
    }
    case 'dtmf.received':
      if (asked && e.digit === '2') return 'consent_denied';
      // The opt-out digit, only where the campaign has one.
      return asked && e.digit === input.consent?.optOut?.digit ? 'opted_out' : 'unchanged';
    case 'playback.finished':
      if (state === 'askingConsent.prompting' && e.playbackId.endsWith('-consent')) {
        return e.state === 'done' ? 'unchanged' : 'failed';
      }
      if (state === 'leavingVoicemail' && e.playbackId.endsWith('-voicemail')) {
        return e.state === 'done' ? 'voicemail_dropped' : 'failed';
      }
      return 'unchanged';
    case 'channel.moveFailed':
      return state === 'handingOff.requested' ? 'handoff_failed' : 'unchanged';
    case 'channel.stasisFailed':
      return state.startsWith('handingOff') ? 'handoff_failed' : 'unchanged';
    default:
      // Leaving Stasis, dialplan steps and a PBX loss decide nothing by themselves.
      return 'unchanged';
  }
}

interface Exploration {
  paths: ModelPath[];
  doneOutcomes: Set<AttemptOutcome>;
  visitedStateIds: Set<string>;
  takenTransitions: Set<AnyTransitionDefinition>;
}

/** The last step of a path: the edge of the graph it was made for. */
function edgeOf(path: ModelPath): { before: Snapshot; event: ModelEvent; after: Snapshot } {
  const before = path.snapshots.at(-2);
  const event = path.events.at(-1);
  const after = path.snapshots.at(-1);
  if (!before || !event || !after) throw new Error('a model path has no edge');
  return { before, event, after };
}

function storyOf(path: ModelPath): string {
  return `${path.variant}: ${path.events.map((event) => event.type).join(' → ')}`;
}

function explore(): Exploration {
  const paths = VARIANTS.flatMap(edgePaths);
  const visitedStateIds = new Set<string>();
  const takenTransitions = new Set<AnyTransitionDefinition>();
  const doneOutcomes = new Set<AttemptOutcome>();
  // Every step of every path is an edge that some path ends with: looking at the last
  // steps covers them all once.
  for (const path of paths) {
    const { before, event, after } = edgeOf(path);
    for (const id of stateIdsOf(before)) visitedStateIds.add(id);
    const taken = takenBy(before, event);
    for (const id of taken.stateIds) visitedStateIds.add(id);
    for (const transition of taken.transitions) takenTransitions.add(transition);
    if (after.status === 'done' && after.context.outcome) doneOutcomes.add(after.context.outcome);
  }
  return { paths, doneOutcomes, visitedStateIds, takenTransitions };
}

describe('attempt machine model', () => {
  let model: Exploration;

  beforeAll(() => {
    model = explore();
  });

  it('explores every input variant', () => {
    expect(VARIANTS).toHaveLength(11);
    expect(new Set(model.paths.map((path) => path.variant)).size).toBe(11);
    expect(new Set(VARIANTS.map((variant) => variant.input.aiTarget.kind))).toEqual(
      new Set(['app', 'dialplan', 'aava']),
    );
    expect(model.paths.length).toBeGreaterThan(500);
  });

  it('reaches every state node of the machine, transient routing states included', () => {
    expect(ALL_STATE_IDS).toEqual(
      expect.arrayContaining([
        'attempt.routingHuman',
        'attempt.askingConsent.listening',
        'attempt.handingOff.requested',
        'attempt.handingOff.entering',
        'attempt.handingOff.settling',
        'attempt.releasing',
        'attempt.ending',
        'attempt.safeHarbour',
        'attempt.optingOut.routing',
        'attempt.optingOut.confirming',
      ]),
    );
    expect(ALL_STATE_IDS.length).toBeGreaterThanOrEqual(21);
    const unvisited = ALL_STATE_IDS.filter((id) => !model.visitedStateIds.has(id));
    expect(unvisited).toEqual([]);
  });

  it('takes every transition the machine declares, guarded branches included', () => {
    const declared = declaredTransitions();
    expect(declared.size).toBeGreaterThan(50);
    const untaken = [...declared]
      .filter(([transition]) => !model.takenTransitions.has(transition))
      .map(([, label]) => label);
    expect(untaken).toEqual([]);
  });

  it('ends in every one of the outcomes on some path', () => {
    expect([...model.doneOutcomes].sort()).toEqual([...ATTEMPT_OUTCOMES].sort());
  });

  it('takes every explored transition the same way through the persisted step function', () => {
    for (const path of model.paths) {
      const { before, event, after } = edgeOf(path);
      const persisted = JSON.parse(
        JSON.stringify({ value: before.value, context: before.context }),
      );

      const step = stepAttempt(persisted, toAttemptEvent(event));

      expect(step.state, storyOf(path)).toBe(stateToString(after.value));
      expect(step.done, storyOf(path)).toBe(after.status === 'done');
      expect(step.facts, storyOf(path)).toEqual(factsOf(after.context));
    }
  });

  it('decides on every explored transition the outcome its event decides, and only then', () => {
    let decisions = 0;
    for (const path of model.paths) {
      const { before, event, after } = edgeOf(path);
      const decided = decidedBy(stateToString(before.value), event, path.input, before.context);
      if (decided !== 'unchanged') decisions++;
      const expected = decided === 'unchanged' ? before.context.pendingOutcome : decided;
      expect(after.context.pendingOutcome, storyOf(path)).toBe(expected);
    }
    expect(decisions).toBeGreaterThan(1_000);
  });

  it('ends every done path with exactly one outcome from the vocabulary, the decided one', () => {
    let donePaths = 0;
    for (const path of model.paths) {
      const last = path.snapshots.at(-1);
      if (last?.status !== 'done') continue;
      donePaths++;
      const story = storyOf(path);
      const { outcome, pendingOutcome, endedAt } = last.context;
      expect(ATTEMPT_OUTCOMES, story).toContain(outcome);
      expect(outcome, story).toBe(pendingOutcome);
      expect(endedAt, story).toBe(path.events.at(-1)?.at);
      // Earlier snapshots never carry an outcome: it is set once, on entering done.
      for (const snapshot of path.snapshots.slice(0, -1)) {
        expect(snapshot.context.outcome, story).toBeNull();
      }
      // The same story told to the step function from the start, as the runner does.
      const drive = driveAttempt(path.input, path.events.map(toAttemptEvent));
      expect(
        drive.steps.map((step) => step.state),
        story,
      ).toEqual(path.snapshots.slice(1).map((snapshot) => stateToString(snapshot.value)));
      expect(drive.facts.outcome, story).toBe(outcome);
    }
    expect(donePaths).toBeGreaterThan(500);
  });
});
