import { describe, expect, it } from 'vitest';
import { ATTEMPT_MACHINE_VERSION } from '../../src/machines/attempt.js';
import { ReplayMismatchError, replayAttempt } from '../../src/machines/attempt-replay.js';
import {
  createAttemptSnapshot,
  stepAttempt,
  UnsupportedMachineVersionError,
} from '../../src/machines/attempt-step.js';
import { ATTEMPT_OUTCOMES, type AttemptEvent } from '../../src/machines/attempt-types.js';
import {
  type JournalFixture,
  journalFixtureFiles,
  loadJournalFixture,
} from '../support/journal-fixtures.js';

const FILES = journalFixtureFiles();

function seqOf(fixture: JournalFixture, matches: (event: AttemptEvent) => boolean): number {
  const entry = fixture.entries.find((candidate) => matches(candidate.event));
  if (!entry) throw new Error(`fixture ${fixture.scenario} has no such event`);
  return entry.seq;
}

function replayError(fixture: JournalFixture): unknown {
  try {
    replayAttempt(fixture);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('journal fixtures', () => {
  it('holds at least one fixture per outcome, fifteen or more in all', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(15);
    const outcomes = new Set(FILES.map((file) => loadJournalFixture(file).final.outcome));
    expect([...outcomes].sort()).toEqual([...ATTEMPT_OUTCOMES].sort());
  });

  it('holds every outcome among the current version fixtures alone, handoff_failed included', () => {
    const current = FILES.map(loadJournalFixture).filter(
      (fixture) => fixture.machineVersion === ATTEMPT_MACHINE_VERSION,
    );
    const outcomes = new Set(current.map((fixture) => fixture.final.outcome));

    expect(outcomes).toContain('handoff_failed');
    expect([...outcomes].sort()).toEqual([...ATTEMPT_OUTCOMES].sort());
  });

  it('keeps every version 1 fixture, and records each of its scenarios again under the current version', () => {
    const byVersion = (version: number) =>
      FILES.map(loadJournalFixture)
        .filter((fixture) => fixture.machineVersion === version)
        .map((fixture) => fixture.scenario);

    const v1 = byVersion(1);

    expect(v1).toHaveLength(27);
    expect(byVersion(ATTEMPT_MACHINE_VERSION)).toEqual(expect.arrayContaining(v1));
    expect(new Set(FILES.map((file) => loadJournalFixture(file).machineVersion))).toEqual(
      new Set([1, ATTEMPT_MACHINE_VERSION]),
    );
  });

  it.each(FILES)('names %s after its scenario and machine version', (file) => {
    const fixture = loadJournalFixture(file);

    expect(file).toBe(`${fixture.scenario}.v${fixture.machineVersion}.json`);
    expect(fixture.entries.map((entry) => entry.seq)).toEqual(
      fixture.entries.map((_, index) => index + 1),
    );
  });

  it.each(FILES)('replays %s step by step to its recorded end', (file) => {
    const fixture = loadJournalFixture(file);

    const { steps, snapshot } = replayAttempt(fixture);

    expect(steps).toHaveLength(fixture.entries.length);
    steps.forEach((step, index) => {
      const entry = fixture.entries[index];
      expect(step.state, `seq ${entry?.seq}`).toBe(entry?.state);
      expect(step.commands, `seq ${entry?.seq}`).toEqual(entry?.commands);
      expect(step.timers, `seq ${entry?.seq}`).toEqual(entry?.timers);
    });
    const last = steps.at(-1);
    expect(last?.state).toBe(fixture.final.state);
    expect(last?.done).toBe(true);
    expect(last?.facts.outcome).toBe(fixture.final.outcome);
    expect(last?.facts.endedAt).toBe(fixture.entries.at(-1)?.event.at);
    expect(snapshot.context.outcome).toBe(fixture.final.outcome);
  });

  it('keeps realistic timestamps: increasing, on 2026-11-24, answered about 1 s after the originate', () => {
    for (const file of FILES) {
      const fixture = loadJournalFixture(file);
      const times = fixture.entries.map((entry) => entry.event.at);
      expect(times, file).toEqual([...times].sort((a, b) => a - b));
      expect(new Date(times[0] ?? 0).toISOString().slice(0, 10), file).toBe('2026-11-24');
      const answered = fixture.entries.find((entry) => entry.event.type === 'channel.answered');
      if (answered) expect(answered.event.at - (times[0] ?? 0), file).toBe(1_005);
    }
  });
});

describe('replay of an altered journal', () => {
  it('names the seq of a changed AMD verdict', () => {
    const fixture = loadJournalFixture('voicemail-drop.v1.json');
    const seq = seqOf(fixture, (event) => event.type === 'amd.completed');
    expect(seq).toBe(9);
    const entry = fixture.entries[seq - 1];
    if (entry?.event.type !== 'amd.completed') throw new Error('seq 9 is not the AMD verdict');
    entry.event.status = 'HUMAN';

    const error = replayError(fixture);

    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect(error).toMatchObject({ seq: 9, field: 'state', expected: 'waitingForGreetingEnd' });
    expect((error as Error).message).toContain('replay diverged at seq 9 (state)');
  });

  it('names the seq of a changed consent digit', () => {
    const fixture = loadJournalFixture('consent-deny.v1.json');
    const seq = seqOf(fixture, (event) => event.type === 'dtmf.received');
    expect(seq).toBe(12);
    const entry = fixture.entries[seq - 1];
    if (entry?.event.type !== 'dtmf.received') throw new Error('seq 12 is not the digit');
    entry.event.digit = '1';

    const error = replayError(fixture);

    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect(error).toMatchObject({
      seq: 12,
      field: 'state',
      expected: 'hangingUp',
      actual: 'handingOff',
    });
  });

  it('names the seq whose recorded commands differ although the state is the same', () => {
    const fixture = loadJournalFixture('human-app-handoff.v1.json');
    const entry = fixture.entries[0];
    if (entry?.commands[0]?.type !== 'originate') throw new Error('seq 1 did not originate');
    entry.commands[0].params.timeoutSec = 45;

    expect(replayError(fixture)).toMatchObject({ seq: 1, field: 'commands' });
  });

  it('names the seq whose timer fired at a different state', () => {
    const fixture = loadJournalFixture('consent-timeout.v1.json');
    const seq = seqOf(fixture, (event) => event.type === 'timer.fired');
    const entry = fixture.entries[seq - 1];
    if (entry?.event.type !== 'timer.fired') throw new Error('no timer in consent-timeout');
    entry.event.timerId = 'xstate.after.promptTimeout.attempt.askingConsent.prompting';

    expect(replayError(fixture)).toMatchObject({
      seq,
      field: 'state',
      actual: 'askingConsent.listening',
    });
  });

  it('refuses a journal whose seqs skip one', () => {
    const fixture = loadJournalFixture('busy.v1.json');
    fixture.entries.splice(2, 1);

    expect(replayError(fixture)).toMatchObject({ seq: 3, field: 'seq', expected: 3, actual: 4 });
  });

  it('refuses an unknown machine version with a clear error', () => {
    const fixture = loadJournalFixture('busy.v1.json');
    fixture.machineVersion = 99;

    const error = replayError(fixture);

    expect(error).toBeInstanceOf(UnsupportedMachineVersionError);
    expect(error).toMatchObject({
      version: 99,
      message: 'attempt machine version 99 is not supported by this build',
    });
  });
});

describe('a version 1 journal under version 2', () => {
  // Version 1 took leaving our Stasis app as the hand-off; version 2 wants the target
  // seen holding the call past the settle time. Old journals keep their old meaning.
  const fixture = loadJournalFixture('human-app-handoff.v1.json');

  it('still replays under version 1 to answered_human', () => {
    expect(fixture.machineVersion).toBe(1);

    const { snapshot } = replayAttempt(fixture);

    expect(snapshot.context.outcome).toBe('answered_human');
    expect(snapshot.context.handedOffAt).toBe(fixture.entries.at(-2)?.event.at);
  });

  it('does not reach answered_human under version 2 from the same events: nothing confirmed the hand-off', () => {
    let snapshot = createAttemptSnapshot(fixture.input, 2);
    const states: string[] = [];
    for (const { event } of fixture.entries) {
      const step = stepAttempt(snapshot, event, 2);
      states.push(step.state);
      snapshot = step.snapshot;
    }

    expect(states).not.toContain('talking');
    expect(states.slice(-3)).toEqual(['handingOff.requested', 'handingOff.settling', 'done']);
    expect(snapshot.context).toMatchObject({
      outcome: 'handoff_failed',
      handOffConfirmedAt: null,
      error:
        'the call ended 2.0 s after the hand-off to app "ai-agent", before the target was confirmed (cause 16)',
    });
  });

  it('refuses it as a version 2 journal, naming the first step whose state differs', () => {
    const relabelled = { ...fixture, machineVersion: 2 };

    // Version 2's hand-off has steps of its own, from the verdict that starts it.
    expect(replayError(relabelled)).toMatchObject({
      field: 'state',
      seq: seqOf(fixture, (event) => event.type === 'amd.completed'),
      expected: 'handingOff',
      actual: 'handingOff.requested',
    });
  });
});
