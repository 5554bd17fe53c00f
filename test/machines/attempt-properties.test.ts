import { getStateNodes } from '@xstate/graph';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTEMPT_MACHINE_VERSION,
  attemptMachine,
  PBX_LOST_ERROR,
} from '../../src/machines/attempt.js';
import { replayAttempt } from '../../src/machines/attempt-replay.js';
import {
  ATTEMPT_OUTCOMES,
  type AttemptEvent,
  type AttemptInput,
  type AttemptOutcome,
  type CommandName,
} from '../../src/machines/attempt-types.js';
import { type AttemptDrive, armedTimers, createAttemptDrive } from '../support/attempt-driver.js';
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
  t,
} from '../support/attempt-inputs.js';
import { AAVA_AI_TARGET, aavaTargetInput } from '../support/attempt-stories.js';

const SEED = 42;
const NUM_RUNS = 300;

/** An event as generated, before it is given its `at`. */
type EventBody = AttemptEvent extends infer E
  ? E extends AttemptEvent
    ? Omit<E, 'at'>
    : never
  : never;

/** One generated step: how long after the previous one it happens, and what it is. */
interface Move {
  gapMs: number;
  what:
    | { kind: 'event'; event: EventBody }
    /** The next thing a real call would plausibly do in the state it is in (picked by index). */
    | { kind: 'plausible'; pick: number }
    /** Fires one of the timers armed at that moment (picked by index). */
    | { kind: 'armedTimer'; pick: number }
    /** Fires a timer whatever the state: often stale, sometimes unknown to the machine. */
    | { kind: 'anyTimer'; timerId: string };
}

const MACHINE_TIMER_IDS = [attemptMachine.root, ...getStateNodes(attemptMachine.root)].flatMap(
  (node) => node.after.map((transition) => transition.eventType),
);
const UNKNOWN_TIMER_IDS = [
  'xstate.after.bogusTimeout.attempt.talking',
  'xstate.after.ringTimeout.attempt.screening',
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

const cause = fc.integer({ min: 0, max: 127 });

/** The sample variants, and one handing off to AAVA. */
const VARIANTS: readonly InputVariant[] = [
  ...INPUT_VARIANTS,
  { name: 'AAVA target', input: aavaTargetInput() },
  ...COMPLIANCE_VARIANTS,
];

/** The context a hand-off lands in, for dialplan and AAVA targets. */
function targetContext(input: AttemptInput): string {
  return input.aiTarget.kind === 'app' ? 'ai-agent-return' : input.aiTarget.context;
}

function eventBody(input: AttemptInput): fc.Arbitrary<EventBody> {
  const playbackId = fc.constantFrom(
    consentPlaybackId(input.attemptId),
    voicemailPlaybackId(input.attemptId),
    safeHarbourPlaybackId(input.attemptId),
    optOutPlaybackId(input.attemptId),
    'att-0002-consent',
    'unrelated',
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({ type: 'attempt.started' as const }) },
    { weight: 2, arbitrary: fc.constant({ type: 'originate.accepted' as const }) },
    { weight: 3, arbitrary: fc.constant({ type: 'channel.ringing' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('dial.statusChanged' as const),
        dialStatus: fc.constantFrom(
          '',
          'RINGING',
          'ANSWER',
          'BUSY',
          'NOANSWER',
          'CONGESTION',
          'CHANUNAVAIL',
          'DONTCALL',
          'TORTURE',
          'CANCEL',
          'garbage',
        ),
      }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('farEnd.hungUp' as const), cause }) },
    { weight: 6, arbitrary: fc.constant({ type: 'channel.answered' as const }) },
    { weight: 4, arbitrary: fc.constant({ type: 'channel.leftStasis' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({ type: fc.constant('channel.hangupRequested' as const), cause }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('channel.hungUp' as const), cause }) },
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('amd.completed' as const),
        status: fc.oneof(
          fc.constantFrom('HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP', '', 'human', 'FAX'),
          fc.string({ maxLength: 8 }),
        ),
        cause: fc.constantFrom('HUMAN-803-800', 'MAXWORDS-3-2', 'TOOLONG-5000', ''),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('dtmf.received' as const),
        digit: fc.constantFrom(...'0123456789*#'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ type: fc.constant('playback.started' as const), playbackId }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        type: fc.constant('playback.finished' as const),
        playbackId,
        state: fc.constantFrom('done', 'done', 'failed', 'canceled', 'stopped'),
      }),
    },
    { weight: 3, arbitrary: fc.constant({ type: 'greeting.ended' as const }) },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          type: fc.constant('command.failed' as const),
          command: fc.constantFrom(...COMMANDS),
          status: fc.constantFrom(400, 404, 409, 422, 500, 502, 503),
          message: fc.constantFrom('Channel not found', 'Internal Server Error'),
        },
        { requiredKeys: ['type', 'command', 'message'] },
      ),
    },
    { weight: 1, arbitrary: fc.constant({ type: 'operator.canceled' as const }) },
    { weight: 1, arbitrary: fc.constant({ type: 'channel.lost' as const }) },
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant('channel.dialplanEntered' as const),
        context: fc.constantFrom(
          targetContext(input),
          'ai-handoff',
          AAVA_AI_TARGET.context,
          'aava-outbound-amd',
          'sales-queue',
        ),
        extension: fc.constantFrom('s', 'h'),
        priority: fc.integer({ min: 1, max: 8 }),
        app: fc.constantFrom('NoOp', 'Stasis', 'Hangup', 'AppDial2', 'Queue'),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ type: 'channel.stasisFailed' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('channel.moveFailed' as const),
        destination: fc.constantFrom('ai-agent', 'other-app'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('pbx.lost' as const),
        reason: fc.constantFrom('websocket closed', 'ARI unreachable'),
      }),
    },
  );
}

function move(input: AttemptInput): fc.Arbitrary<Move> {
  return fc.record({
    gapMs: fc.integer({ min: 0, max: 8_000 }),
    what: fc.oneof(
      {
        weight: 8,
        arbitrary: eventBody(input).map((event) => ({ kind: 'event' as const, event })),
      },
      {
        weight: 12,
        arbitrary: fc.nat({ max: 1_000 }).map((pick) => ({ kind: 'plausible' as const, pick })),
      },
      {
        weight: 2,
        arbitrary: fc.nat({ max: 7 }).map((pick) => ({ kind: 'armedTimer' as const, pick })),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...MACHINE_TIMER_IDS, ...UNKNOWN_TIMER_IDS)
          .map((timerId) => ({ kind: 'anyTimer' as const, timerId })),
      },
    ),
  });
}

interface Scenario {
  variant: InputVariant;
  moves: Move[];
  /** Events delivered once the attempt is done, to check that nothing moves any more. */
  late: Move[];
}

const scenario: fc.Arbitrary<Scenario> = fc.constantFrom(...VARIANTS).chain((variant) =>
  fc.record({
    variant: fc.constant(variant),
    moves: fc.array(move(variant.input), { maxLength: 30, size: 'medium' }),
    late: fc.array(move(variant.input), { minLength: 1, maxLength: 5 }),
  }),
);

/** A timer of the state that is due: the runner fires it (when still armed). */
interface DueTimer {
  timer: string;
}

/** What usually happens next in each state, so that generated calls get deep. */
function plausibleNext(input: AttemptInput): Record<string, Array<EventBody | DueTimer>> {
  const consent = consentPlaybackId(input.attemptId);
  const voicemail = voicemailPlaybackId(input.attemptId);
  const landing = { context: targetContext(input), extension: 's', priority: 1 };
  return {
    'dialing.originating': [
      { type: 'originate.accepted' },
      { type: 'dial.statusChanged', dialStatus: 'RINGING' },
      { type: 'channel.ringing' },
      { type: 'channel.ringing' },
      { type: 'channel.answered' },
      { type: 'dial.statusChanged', dialStatus: 'BUSY' },
      { type: 'dial.statusChanged', dialStatus: 'CONGESTION' },
      { type: 'dial.statusChanged', dialStatus: 'CHANUNAVAIL' },
      { type: 'farEnd.hungUp', cause: 1 },
      { type: 'farEnd.hungUp', cause: 21 },
      { type: 'channel.hungUp', cause: 0 },
    ],
    'dialing.ringing': [
      { type: 'dial.statusChanged', dialStatus: 'ANSWER' },
      { type: 'channel.answered' },
      { type: 'channel.answered' },
      { type: 'farEnd.hungUp', cause: 19 },
      { type: 'farEnd.hungUp', cause: 21 },
      { type: 'channel.hungUp', cause: 0 },
    ],
    screening: [
      { type: 'channel.leftStasis' },
      { type: 'channel.hangupRequested', cause: 0 },
      { type: 'amd.completed', status: 'HUMAN', cause: 'HUMAN-803-800' },
      { type: 'amd.completed', status: 'MACHINE', cause: 'MAXWORDS-3-2' },
      { type: 'amd.completed', status: 'NOTSURE', cause: 'TOOLONG-5000' },
    ],
    'askingConsent.prompting': [
      { type: 'playback.started', playbackId: consent },
      { type: 'playback.finished', playbackId: consent, state: 'done' },
      { type: 'dtmf.received', digit: '1' },
      { type: 'dtmf.received', digit: '2' },
      { type: 'dtmf.received', digit: '9' },
      { type: 'channel.hangupRequested', cause: 16 },
    ],
    'askingConsent.listening': [
      { type: 'dtmf.received', digit: '1' },
      { type: 'dtmf.received', digit: '2' },
      { type: 'dtmf.received', digit: '3' },
      { type: 'dtmf.received', digit: '9' },
    ],
    safeHarbour: [
      { type: 'playback.started', playbackId: safeHarbourPlaybackId(input.attemptId) },
      {
        type: 'playback.finished',
        playbackId: safeHarbourPlaybackId(input.attemptId),
        state: 'done',
      },
      { type: 'channel.hangupRequested', cause: 16 },
    ],
    'optingOut.confirming': [
      { type: 'playback.finished', playbackId: optOutPlaybackId(input.attemptId), state: 'done' },
      { type: 'channel.hangupRequested', cause: 16 },
    ],
    'handingOff.requested': [
      { type: 'channel.leftStasis' },
      { type: 'channel.leftStasis' },
      { type: 'channel.leftStasis' },
      { type: 'channel.hangupRequested', cause: 16 },
      { type: 'channel.moveFailed', destination: 'ai-agent' },
    ],
    'handingOff.entering': [
      { type: 'channel.dialplanEntered', ...landing, app: 'NoOp' },
      { type: 'channel.dialplanEntered', ...landing, app: 'NoOp' },
      { type: 'channel.hungUp', cause: 0 },
    ],
    'handingOff.settling': [
      { timer: 'handOffSettle' },
      { timer: 'handOffSettle' },
      { type: 'channel.dialplanEntered', ...landing, priority: 2, app: 'Stasis' },
      { type: 'channel.stasisFailed' },
      { type: 'channel.stasisFailed' },
      { type: 'channel.hangupRequested', cause: 16 },
    ],
    releasing: [
      { type: 'channel.dialplanEntered', ...landing, priority: 4, app: 'Hangup' },
      { type: 'channel.hungUp', cause: 16 },
    ],
    talking: [
      { type: 'dtmf.received', digit: '5' },
      { type: 'channel.hangupRequested', cause: 16 },
      { type: 'channel.dialplanEntered', ...landing, priority: 6, app: 'Hangup' },
      {
        type: 'channel.dialplanEntered',
        context: 'sales-queue',
        extension: 's',
        priority: 1,
        app: 'Queue',
      },
      { type: 'channel.hungUp', cause: 16 },
    ],
    ending: [
      { type: 'pbx.lost', reason: 'websocket closed' },
      { type: 'channel.hungUp', cause: 0 },
    ],
    waitingForGreetingEnd: [{ type: 'greeting.ended' }],
    leavingVoicemail: [
      { type: 'playback.started', playbackId: voicemail },
      { type: 'playback.finished', playbackId: voicemail, state: 'done' },
      { type: 'channel.hangupRequested', cause: 16 },
    ],
    hangingUp: [
      { type: 'channel.hungUp', cause: 16 },
      { type: 'command.failed', command: 'hangUp', status: 404, message: 'Channel not found' },
    ],
    done: [{ type: 'channel.hungUp', cause: 16 }],
  };
}

function resolve(drive: AttemptDrive, step: Move, at: number): AttemptEvent {
  const { what } = step;
  if (what.kind === 'event') return { ...what.event, at } as AttemptEvent;
  if (what.kind === 'plausible') {
    const options = plausibleNext(drive.input)[drive.state] ?? [{ type: 'channel.ringing' }];
    const option = options[what.pick % options.length];
    if (option && 'timer' in option) {
      const due = drive.armedTimers().find((armed) => armed.name === option.timer);
      if (due) return ev.timerFired(due.timerId, at);
    }
    return { ...option, at } as AttemptEvent;
  }
  if (what.kind === 'anyTimer') return ev.timerFired(what.timerId, at);
  const armed = drive.armedTimers();
  const timer = armed[what.pick % Math.max(armed.length, 1)];
  // Nothing armed: the runner may still deliver a timer it persisted before a restart.
  return ev.timerFired(timer?.timerId ?? 'xstate.after.hangUpTimeout.attempt.hangingUp', at);
}

/** Starts the attempt and delivers the generated events; returns the drive and the clock. */
function play(input: AttemptInput, moves: readonly Move[]): { drive: AttemptDrive; at: number } {
  const drive = createAttemptDrive(input);
  let at = t(0);
  drive.send(ev.started(at));
  for (const step of moves) {
    at += step.gapMs;
    drive.send(resolve(drive, step, at));
  }
  return { drive, at };
}

/**
 * Brings any attempt to its end the way the world eventually does: every armed timer
 * fires (earliest first), then the channel goes away. Bounded, so a machine that can
 * get stuck fails instead of looping.
 */
function finish(drive: AttemptDrive, from: number): number {
  let at = from;
  for (let round = 0; round < 5 && !drive.done; round++) {
    for (;;) {
      const [next] = drive.armedTimers().sort((a, b) => a.dueAt - b.dueAt);
      if (!next || drive.done) break;
      at = Math.max(at, next.dueAt);
      drive.send(ev.timerFired(next.timerId, at));
    }
    // Before the answer our Local half ends with cause 0 (busy, congestion...); after it, 16.
    if (!drive.done) {
      at += 20;
      drive.send(ev.hungUp(drive.state.startsWith('dialing') ? 0 : 16, at));
    }
  }
  return at;
}

/** Delivers the late events to a done attempt, after its last event. */
function deliverLate(drive: AttemptDrive, late: readonly Move[], from: number): void {
  let at = from;
  for (const step of late) {
    at += step.gapMs;
    drive.send(resolve(drive, step, at));
  }
}

function firstDoneIndex(drive: AttemptDrive): number {
  return drive.steps.findIndex((step) => step.done);
}

const property = (check: (scenario: Scenario) => void) =>
  fc.assert(fc.property(scenario, check), { seed: SEED, numRuns: NUM_RUNS });

describe('attempt machine properties', () => {
  it('steps any plausible sequence of events without throwing, one step per event', () => {
    const visited = new Set<string>();
    const outcomes = new Set<AttemptOutcome>();
    property(({ variant, moves }) => {
      const { drive, at } = play(variant.input, moves);
      expect(drive.steps).toHaveLength(moves.length + 1);
      for (const step of drive.steps) visited.add(step.state);
      finish(drive, at);
      if (drive.facts.outcome) outcomes.add(drive.facts.outcome);
    });
    // The generator is worth something only if it drives the machine everywhere.
    expect([...visited].sort()).toEqual(
      [
        'askingConsent.listening',
        'askingConsent.prompting',
        'dialing.originating',
        'dialing.ringing',
        'done',
        'ending',
        'handingOff.entering',
        'handingOff.requested',
        'handingOff.settling',
        'hangingUp',
        'leavingVoicemail',
        'releasing',
        'screening',
        'talking',
        'waitingForGreetingEnd',
      ].sort(),
    );
    expect([...outcomes].sort()).toEqual([...ATTEMPT_OUTCOMES].sort());
  });

  it('always reaches done with exactly one outcome, which never changes afterwards', () => {
    property(({ variant, moves, late }) => {
      const { drive, at } = play(variant.input, moves);
      const clock = finish(drive, at);

      expect(drive.done).toBe(true);
      expect(drive.state).toBe('done');
      const { outcome } = drive.facts;
      expect(ATTEMPT_OUTCOMES).toContain(outcome);
      const doneAt = firstDoneIndex(drive);
      // No outcome before done, the same one on every step after it.
      expect(drive.steps.slice(0, doneAt).every((step) => step.facts.outcome === null)).toBe(true);

      const facts = drive.facts;
      deliverLate(drive, late, clock);
      for (const step of drive.steps.slice(doneAt)) {
        expect(step.facts).toEqual(facts);
        expect(step.state).toBe('done');
      }
    });
  });

  it('takes a PBX loss as a fact only, outside ending, and blames it only when one came', () => {
    property(({ variant, moves }) => {
      const { drive, at } = play(variant.input, moves);
      finish(drive, at);

      drive.steps.forEach((step, index) => {
        const before = drive.steps[index - 1];
        if (step.event.type !== 'pbx.lost' || !before || before.done) return;
        if (before.state === 'ending') return;
        expect(step.state).toBe(before.state);
        expect(step.commands).toEqual([]);
        expect(step.timers).toEqual([]);
        expect(step.facts).toEqual({ ...before.facts, pbxLostAt: step.event.at });
      });
      if (drive.facts.error === PBX_LOST_ERROR) {
        expect(drive.facts.outcome).toBe('interrupted');
        expect(drive.steps.some((step) => step.event.type === 'pbx.lost')).toBe(true);
      }
    });
  });

  it('emits originate exactly once per attempt, ever', () => {
    property(({ variant, moves, late }) => {
      const { drive, at } = play(variant.input, moves);
      const clock = finish(drive, at);
      deliverLate(drive, late, clock);

      const originates = drive.commands.filter((command) => command.type === 'originate');
      expect(originates).toHaveLength(1);
      expect(drive.steps[0]?.commands.map((command) => command.type)).toEqual(['originate']);
    });
  });

  it('emits no command and starts no timer once done', () => {
    property(({ variant, moves, late }) => {
      const { drive, at } = play(variant.input, moves);
      const clock = finish(drive, at);
      deliverLate(drive, late, clock);

      const afterDone = drive.steps.slice(firstDoneIndex(drive) + 1);
      expect(afterDone.length).toBeGreaterThan(0);
      for (const step of afterDone) {
        expect(step.commands).toEqual([]);
        expect(step.timers).toEqual([]);
      }
    });
  });

  it('cancels or fires every timer it starts, by the time it is done', () => {
    property(({ variant, moves }) => {
      const { drive, at } = play(variant.input, moves);
      // While live, every armed timer belongs to a state the attempt is in.
      if (!drive.done) {
        for (const timer of armedTimers(drive.steps)) {
          const stateId = timer.timerId.split('.').slice(3).join('.');
          expect(`attempt.${drive.state}`.startsWith(stateId)).toBe(true);
        }
      }
      finish(drive, at);

      const untilDone = drive.steps.slice(0, firstDoneIndex(drive) + 1);
      expect(armedTimers(untilDone)).toEqual([]);
    });
  });

  it('replays its own journal to the same states, commands, timers and snapshot', () => {
    property(({ variant, moves }) => {
      const { drive, at } = play(variant.input, moves);
      if (moves.length % 2 === 0) finish(drive, at);

      const replay = replayAttempt({
        machineVersion: ATTEMPT_MACHINE_VERSION,
        input: variant.input,
        entries: drive.journal(),
      });

      expect(
        replay.steps.map(({ state, commands, timers, facts }) => ({
          state,
          commands,
          timers,
          facts,
        })),
      ).toEqual(
        drive.steps.map(({ state, commands, timers, facts }) => ({
          state,
          commands,
          timers,
          facts,
        })),
      );
      expect(replay.snapshot).toEqual(drive.snapshot);
    });
  });
});
