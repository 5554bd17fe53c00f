import { describe, expect, it } from 'vitest';
import {
  type CallTiming,
  DEFAULT_ABANDON_THRESHOLD_MS,
  deriveCallTiming,
  isAbandoned,
} from '../../src/machines/call-timing.js';
import { loadJournalFixture } from '../support/journal-fixtures.js';

/** Ms from the end of the greeting to `at`; throws when either is missing. */
function afterGreeting(timing: CallTiming, at: number | null): number {
  if (at === null || timing.greetingEndedAt === null) throw new Error('no such moment');
  return at - timing.greetingEndedAt;
}

function timingOf(file: string): CallTiming {
  const fixture = loadJournalFixture(file);
  return deriveCallTiming(fixture.input, fixture.entries, fixture.final.outcome);
}

/** A person's call whose greeting ended at 10 000 ms, with the rest given. */
function human(overrides: Partial<CallTiming>): CallTiming {
  return {
    human: true,
    answeredAt: 7_000,
    greetingEndedAt: 10_000,
    firstAudioAt: null,
    connectedAt: null,
    calleeLeftAt: null,
    ourSideFailed: false,
    endedAt: 20_000,
    ...overrides,
  };
}

describe('call timing from the journal', () => {
  it('reads answer, greeting end and connection of a confirmed app hand-off (version 2)', () => {
    const timing = timingOf('human-app-handoff.v2.json');
    const base = loadJournalFixture('human-app-handoff.v2.json').entries[0]?.event.at ?? 0;

    expect(timing).toMatchObject({
      human: true,
      answeredAt: base + 1_005,
      greetingEndedAt: base + 3_977,
      // Leaving our app for the agent's: the connection, confirmed 2 s later.
      connectedAt: base + 3_980,
      firstAudioAt: base + 3_980,
      calleeLeftAt: null,
      ourSideFailed: false,
    });
    expect(isAbandoned(timing, DEFAULT_ABANDON_THRESHOLD_MS)).toBe(false);
  });

  it('takes the consent prompt as the first audio, and the agent later as the connection', () => {
    const timing = timingOf('consent-accept-dialplan.v2.json');

    expect(afterGreeting(timing, timing.firstAudioAt)).toBe(3);
    expect(afterGreeting(timing, timing.connectedAt)).toBe(3_664);
    expect(isAbandoned(timing, DEFAULT_ABANDON_THRESHOLD_MS)).toBe(false);
  });

  it('reads a version 1 journal, whose hand-off counted on leaving our app', () => {
    const timing = timingOf('human-app-handoff.v1.json');

    expect(afterGreeting(timing, timing.connectedAt)).toBe(13);
    expect(isAbandoned(timing, DEFAULT_ABANDON_THRESHOLD_MS)).toBe(false);
  });

  it('counts a person our side could not connect as abandoned, however fast', () => {
    for (const file of ['hand-off-refused.v2.json', 'safe-harbour-move-failed.v2.json']) {
      const timing = timingOf(file);
      expect(timing.human, file).toBe(true);
      expect(timing.ourSideFailed, file).toBe(true);
      expect(timing.connectedAt, file).toBeNull();
      expect(isAbandoned(timing, DEFAULT_ABANDON_THRESHOLD_MS), file).toBe(true);
    }
  });

  it('does not blame a callee who hung up within the threshold, but does after it', () => {
    const early = timingOf('hangup-during-hand-off.v2.json');
    expect(afterGreeting(early, early.calleeLeftAt)).toBe(2);
    expect(isAbandoned(early, DEFAULT_ABANDON_THRESHOLD_MS)).toBe(false);

    // Left 11.4 s after the greeting, never connected: the hand-off kept them waiting.
    const late = timingOf('safe-harbour-hand-off-timeout.v2.json');
    expect(late.ourSideFailed).toBe(false);
    expect(isAbandoned(late, DEFAULT_ABANDON_THRESHOLD_MS)).toBe(true);
  });

  it('leaves calls that no person answered out of the count', () => {
    for (const file of ['machine-detected.v2.json', 'busy.v2.json', 'voicemail-drop.v2.json']) {
      const timing = timingOf(file);
      expect(timing.human, file).toBe(false);
      expect(isAbandoned(timing, DEFAULT_ABANDON_THRESHOLD_MS), file).toBe(false);
    }
  });

  it('does not count an opt-out: the prompt attended the person', () => {
    const timing = timingOf('opt-out-digit.v2.json');

    expect(timing.human).toBe(true);
    expect(isAbandoned(timing, DEFAULT_ABANDON_THRESHOLD_MS)).toBe(false);
  });
});

describe('the 2 s rule at its edge', () => {
  it('is in time at exactly the threshold and late 1 ms after it', () => {
    expect(isAbandoned(human({ firstAudioAt: 12_000 }), 2_000)).toBe(false);
    expect(isAbandoned(human({ firstAudioAt: 12_001 }), 2_000)).toBe(true);
  });

  it('excuses a callee who left at exactly the threshold, not 1 ms later', () => {
    expect(isAbandoned(human({ calleeLeftAt: 12_000 }), 2_000)).toBe(false);
    expect(isAbandoned(human({ calleeLeftAt: 12_001 }), 2_000)).toBe(true);
  });

  it('follows a configured threshold', () => {
    expect(isAbandoned(human({ firstAudioAt: 12_500 }), 3_000)).toBe(false);
    expect(isAbandoned(human({ firstAudioAt: 12_500 }), 2_000)).toBe(true);
  });

  it('counts a call our side failed even when it was attended in time', () => {
    expect(isAbandoned(human({ firstAudioAt: 10_010, ourSideFailed: true }), 2_000)).toBe(true);
  });
});
