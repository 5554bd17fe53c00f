import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { attemptMachine } from '../../src/machines/attempt.js';
import { createAttemptSnapshot, stepAttempt } from '../../src/machines/attempt-step.js';
import type { AttemptEvent } from '../../src/machines/attempt-types.js';
import { journalFixtureFiles, loadJournalFixture } from '../support/journal-fixtures.js';

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
    let [reference] = initialTransition(attemptMachine, fixture.input);
    let persisted = createAttemptSnapshot(fixture.input);
    for (const entry of fixture.entries) {
      const step = stepAttempt(persisted, entry.event);
      const [next, actions] = transition(attemptMachine, reference, machineEvent(entry.event));
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

  it('shares no state between attempts stepped one after another', () => {
    const [first, second] = journalFixtureFiles().map(loadJournalFixture);
    if (!first || !second) throw new Error('fixtures missing');
    const interleaved = [createAttemptSnapshot(first.input), createAttemptSnapshot(second.input)];
    const longest = Math.max(first.entries.length, second.entries.length);
    for (let i = 0; i < longest; i++) {
      [first, second].forEach((fixture, k) => {
        const entry = fixture.entries[i];
        if (!entry) return;
        const step = stepAttempt(interleaved[k] as (typeof interleaved)[number], entry.event);
        expect(step.state).toBe(entry.state);
        expect(step.commands).toEqual(entry.commands);
        interleaved[k] = step.snapshot;
      });
    }
  });
});
