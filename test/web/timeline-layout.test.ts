import { describe, expect, it } from 'vitest';
import {
  describeMarker,
  layOutTimeline,
  type TimelineInput,
} from '../../web/src/view/timeline-layout.js';

const marker = (seq: number, at: number, type: string, stateAfter: string, event = {}) => ({
  seq,
  at,
  type,
  event: { type, at, ...event },
  stateAfter,
  commands: [],
});

const ended: TimelineInput = {
  live: false,
  spans: [
    { state: 'dialing.ringing', from: 1_000, to: 3_000, durationMs: 2_000 },
    { state: 'screening', from: 3_000, to: 5_000, durationMs: 2_000 },
    { state: 'done', from: 5_000, to: 5_000, durationMs: 0 },
  ],
  markers: [
    marker(1, 1_000, 'attempt.started', 'dialing.ringing'),
    marker(2, 3_000, 'channel.answered', 'screening'),
    marker(3, 5_000, 'channel.hungUp', 'done', { cause: 16 }),
  ],
};

describe('layOutTimeline', () => {
  it('places states as spans on an axis from the first event to the last', () => {
    const layout = layOutTimeline(ended, 99_999);
    expect(layout.spans).toEqual([
      {
        state: 'dialing.ringing',
        label: 'ringing',
        group: 'dialing',
        left: 0,
        width: 50,
        durationMs: 2_000,
        ongoing: false,
      },
      {
        state: 'screening',
        label: 'in AMD',
        group: 'screening',
        left: 50,
        width: 50,
        durationMs: 2_000,
        ongoing: false,
      },
    ]);
    expect(layout.markers.map((m) => [m.left, m.kind, m.text])).toEqual([
      [0, 'other', 'attempt.started'],
      [50, 'answer', 'answered'],
      [100, 'hangup', 'hung up, cause 16 (normal clearing)'],
    ]);
    expect(layout.ticks.map((t) => t.label)).toEqual(['0s', '1s', '2s', '3s', '4s']);
  });

  it('grows the current state up to now while the call is live', () => {
    const live: TimelineInput = {
      live: true,
      spans: [{ state: 'talking', from: 1_000, to: null, durationMs: null }],
      markers: [marker(1, 1_000, 'channel.leftStasis', 'talking')],
    };
    const layout = layOutTimeline(live, 11_000);
    expect(layout.end).toBe(11_000);
    expect(layout.spans[0]).toMatchObject({ width: 100, durationMs: 10_000, ongoing: true });
  });
});

describe('describeMarker', () => {
  it('tells the AMD verdict with its cause, the digit pressed and the playback state', () => {
    expect(describeMarker('amd.completed', { status: 'MACHINE', cause: 'MAXWORDS-3-2' })).toEqual({
      kind: 'amd',
      text: 'AMD MACHINE (MAXWORDS-3-2)',
    });
    expect(describeMarker('dtmf.received', { digit: '1' }).text).toBe('DTMF 1');
    expect(describeMarker('playback.finished', { state: 'failed' }).text).toBe(
      'playback finished (failed)',
    );
    expect(describeMarker('channel.hungUp', { cause: 17, causeText: 'User busy' }).text).toBe(
      'hung up, cause 17 (User busy)',
    );
  });
});
