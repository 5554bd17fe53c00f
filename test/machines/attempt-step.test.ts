import { describe, expect, it, vi } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { ATTEMPT_MACHINE_VERSION, attemptMachine } from '../../src/machines/attempt.js';
import { createAttemptSnapshot, stepAttempt } from '../../src/machines/attempt-step.js';
import type { AttemptEvent } from '../../src/machines/attempt-types.js';
import { attemptMachineV1 } from '../../src/machines/attempt-v1.js';
import { journalFixtureFiles, loadJournalFixture } from '../support/journal-fixtures.js';

// Each fixture is stepped by the machine version it was recorded with.
const MACHINES = {
  1: attemptMachineV1 as unknown as typeof attemptMachine,
  [ATTEMPT_MACHINE_VERSION]: attemptMachine,
} as Record<number, typeof attemptMachine>;

function machineOf(version: number): typeof attemptMachine {
  const machine = MACHINES[version];
  if (!machine) throw new Error(`no machine of version ${version}`);
  return machine;
}

/** The machine's own event for a journaled one: timers fire as XState delayed events. */
function machineEvent(event: AttemptEvent): AttemptEvent {
  return event.type === 'timer.fired'
    ? ({ type: event.timerId, at: event.at } as unknown as AttemptEvent)
    : event;
}

describe('stepAttempt', () => {
  // The step function reuses one inert actor scope instead of XState's per-call one;
  // this pins it to what XState's own pure `transition()` does.
  it.each(journalFixtureFiles())('agrees with XState transition() at every step of %s', (file) => {
    const fixture = loadJournalFixture(file);
    const version = fixture.machineVersion;
    const machine = machineOf(version);
    let [reference] = initialTransition(machine, fixture.input);
    let persisted = createAttemptSnapshot(fixture.input, version);
    for (const entry of fixture.entries) {
      const step = stepAttempt(persisted, entry.event, version);
      const [next, actions] = transition(machine, reference, machineEvent(entry.event));
      const expected = actions.map((a) => ({ type: a.type, params: a.params }));
      const actual = [...step.commands, ...step.timers].map((c) =>
        c.type === 'timer.start'
          ? { type: 'xstate.raise', delay: c.delayMs, id: c.timerId }
          : c.type === 'timer.cancel'
            ? { type: 'xstate.cancel', sendId: c.timerId }
            : c,
      );
      const normalised = expected.map((a) => {
        const p = a.params as Record<string, unknown>;
        const type: string = a.type;
        if (type === 'xstate.raise') return { type: a.type, delay: p.delay, id: p.id };
        if (type === 'xstate.cancel') return { type, sendId: p.sendId };
        return a;
      });
      expect(new Set(actual.map((a) => JSON.stringify(a)))).toEqual(
        new Set(normalised.map((a) => JSON.stringify(a))),
      );
      expect(step.snapshot.value).toEqual(next.value);
      expect(step.snapshot.context).toEqual(next.context);
      reference = next;
      persisted = step.snapshot;
    }
  });

  // A live attempt's next step starts from the machine snapshot its persisted one was
  // made from; after a restart it starts from the stored JSON. Both must step alike.
  it.each(journalFixtureFiles())(
    'steps %s alike from a live snapshot and from its stored JSON',
    (file) => {
      const fixture = loadJournalFixture(file);
      const version = fixture.machineVersion;
      const resolveState = vi.spyOn(machineOf(version), 'resolveState');
      try {
        let live = createAttemptSnapshot(fixture.input, version);
        for (const entry of fixture.entries) {
          const stored = JSON.parse(JSON.stringify(live)) as typeof live;
          resolveState.mockClear();
          const fromLive = stepAttempt(live, entry.event, version);
          expect(resolveState).not.toHaveBeenCalled();
          const fromStored = stepAttempt(stored, entry.event, version);
          expect(resolveState).toHaveBeenCalledTimes(1);
          expect(JSON.parse(JSON.stringify(fromStored))).toEqual(
            JSON.parse(JSON.stringify(fromLive)),
          );
          live = fromLive.snapshot;
        }
      } finally {
        resolveState.mockRestore();
      }
    },
  );

  it('makes the initial snapshot XState initialTransition() makes, of every version', () => {
    for (const file of ['busy.v1.json', 'busy.v2.json']) {
      const fixture = loadJournalFixture(file);
      const [reference] = initialTransition(machineOf(fixture.machineVersion), fixture.input);
      const snapshot = createAttemptSnapshot(fixture.input, fixture.machineVersion);
      expect({ file, value: snapshot.value, context: snapshot.context }).toEqual({
        file,
        value: reference.value,
        context: reference.context,
      });
    }
  });

  // A new attempt's initial snapshot is made from the first one of its machine, with its
  // own input: for every fixture's input (campaigns with and without consent, voicemail,
  // opt-out, AAVA hand-off), the snapshot XState makes for that input, and its own.
  it.each(journalFixtureFiles())(
    'makes the initial snapshot of %s with its own input, as XState would',
    (file) => {
      const fixture = loadJournalFixture(file);
      const version = fixture.machineVersion;
      const machine = machineOf(version);
      const first = createAttemptSnapshot(fixture.input, version);
      const getInitialSnapshot = vi.spyOn(machine, 'getInitialSnapshot');
      try {
        const other = { ...fixture.input, attemptId: 'another', channelId: 'dialstate-another' };
        const second = createAttemptSnapshot(other, version);
        // The machine's initial transition is not run again for the second attempt.
        expect(getInitialSnapshot).not.toHaveBeenCalled();
        const [reference] = initialTransition(machine, fixture.input);
        const [otherReference] = initialTransition(machine, other);
        expect({ value: first.value, context: first.context }).toEqual({
          value: reference.value,
          context: reference.context,
        });
        expect({ value: second.value, context: second.context }).toEqual({
          value: otherReference.value,
          context: otherReference.context,
        });
        expect(first.context.input).toBe(fixture.input);
        expect(second.context.input).toBe(other);
      } finally {
        getInitialSnapshot.mockRestore();
      }
    },
  );

  it('shares no state between attempts stepped one after another, of one version or two', () => {
    const fixtures = ['aava-handoff.v2.json', 'handoff-stasis-failed.v2.json', 'busy.v1.json'].map(
      loadJournalFixture,
    );
    const interleaved = fixtures.map((fixture) =>
      createAttemptSnapshot(fixture.input, fixture.machineVersion),
    );
    const longest = Math.max(...fixtures.map((fixture) => fixture.entries.length));
    for (let i = 0; i < longest; i++) {
      fixtures.forEach((fixture, k) => {
        const entry = fixture.entries[i];
        if (!entry) return;
        const step = stepAttempt(
          interleaved[k] as (typeof interleaved)[number],
          entry.event,
          fixture.machineVersion,
        );
        expect(step.state).toBe(entry.state);
        expect(step.commands).toEqual(entry.commands);
        interleaved[k] = step.snapshot;
      });
    }
  });
});
