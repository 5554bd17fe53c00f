import { describe, expect, it } from 'vitest';
import { buildAttemptTimeline } from '../../src/machines/attempt-timeline.js';
import { t } from '../support/attempt-inputs.js';
import { loadJournalFixture } from '../support/journal-fixtures.js';

// human-app-handoff starts at 09:00:00.000Z (T0): ringing at +6 ms, answered at
// +1005 ms, AMD HUMAN at +3977 ms, moved to the AI app at +3980 ms, the hand-off
// confirmed by the settle timer at +5980 ms, hung up at +5993 ms.
const handoff = loadJournalFixture('human-app-handoff.v2.json');

describe('buildAttemptTimeline', () => {
  it('turns each state into a span from the event that entered it to the one that left it', () => {
    const timeline = buildAttemptTimeline(handoff.entries, handoff.final.outcome);

    expect(timeline.spans).toEqual([
      { state: 'dialing.originating', from: t(0), to: t(6), durationMs: 6 },
      { state: 'dialing.ringing', from: t(6), to: t(1_005), durationMs: 999 },
      { state: 'screening', from: t(1_005), to: t(3_977), durationMs: 2_972 },
      { state: 'handingOff.requested', from: t(3_977), to: t(3_980), durationMs: 3 },
      { state: 'handingOff.settling', from: t(3_980), to: t(5_980), durationMs: 2_000 },
      { state: 'talking', from: t(5_980), to: t(5_993), durationMs: 13 },
      { state: 'done', from: t(5_993), to: t(5_993), durationMs: 0 },
    ]);
    expect(timeline.outcome).toBe('answered_human');
  });

  it('measures the ringing span from the ringing event to the answer', () => {
    const { spans } = buildAttemptTimeline(handoff.entries, handoff.final.outcome);
    const ringingAt = handoff.entries.find((e) => e.event.type === 'channel.ringing')?.event.at;
    const answeredAt = handoff.entries.find((e) => e.event.type === 'channel.answered')?.event.at;

    const ringing = spans.find((span) => span.state === 'dialing.ringing');

    expect(ringing?.durationMs).toBe((answeredAt ?? 0) - (ringingAt ?? 0));
  });

  it('keeps one marker per event, with the state after it and the commands it caused', () => {
    const { markers } = buildAttemptTimeline(handoff.entries, handoff.final.outcome);

    expect(markers).toHaveLength(handoff.entries.length);
    expect(markers.map((marker) => [marker.seq, marker.at - t(0), marker.stateAfter])).toEqual([
      [1, 0, 'dialing.originating'],
      [2, 3, 'dialing.originating'],
      [3, 5, 'dialing.originating'],
      [4, 6, 'dialing.ringing'],
      [5, 1_003, 'dialing.ringing'],
      [6, 1_005, 'screening'],
      [7, 1_007, 'screening'],
      [8, 1_007, 'screening'],
      [9, 3_977, 'screening'],
      [10, 3_977, 'handingOff.requested'],
      [11, 3_980, 'handingOff.settling'],
      [12, 5_980, 'talking'],
      [13, 5_993, 'done'],
    ]);
    expect(markers.map((marker) => marker.commands.map((command) => command.type))).toEqual([
      ['originate'],
      [],
      [],
      [],
      [],
      ['continueToAmd'],
      [],
      [],
      [],
      ['handOff'],
      [],
      [],
      [],
    ]);
    expect(markers[11]?.event).toEqual({
      type: 'timer.fired',
      at: t(5_980),
      timerId: 'xstate.after.handOffSettle.attempt.handingOff.settling',
    });
    expect(markers[9]?.event).toEqual({
      type: 'amd.completed',
      at: t(3_977),
      status: 'HUMAN',
      cause: 'HUMAN-803-800',
    });
  });

  it('leaves the last span open while the attempt is still live', () => {
    const live = handoff.entries.slice(0, 9);

    const timeline = buildAttemptTimeline(live, null);

    expect(timeline.spans.at(-1)).toEqual({
      state: 'screening',
      from: t(1_005),
      to: null,
      durationMs: null,
    });
    expect(timeline.outcome).toBeNull();
  });

  it('makes done a zero-length point even when it follows a timer', () => {
    const fixture = loadJournalFixture('no-answer-ring-timeout.v2.json');

    const { spans } = buildAttemptTimeline(fixture.entries, fixture.final.outcome);

    expect(spans.map((span) => [span.state, span.durationMs])).toEqual([
      ['dialing.originating', 6],
      ['dialing.ringing', 34_995],
      ['hangingUp', 4],
      ['done', 0],
    ]);
  });

  it('builds the timeline of a version 1 journal, whose hand-off is one span', () => {
    const v1 = loadJournalFixture('human-app-handoff.v1.json');

    const { spans } = buildAttemptTimeline(v1.entries, v1.final.outcome);

    expect(spans.slice(-3)).toEqual([
      { state: 'handingOff', from: t(3_977), to: t(3_990), durationMs: 13 },
      { state: 'talking', from: t(3_990), to: t(5_993), durationMs: 2_003 },
      { state: 'done', from: t(5_993), to: t(5_993), durationMs: 0 },
    ]);
  });

  it('gives an empty timeline for an attempt without events', () => {
    expect(buildAttemptTimeline([], null)).toEqual({ spans: [], markers: [], outcome: null });
  });
});
