import { stateLabel } from './labels.js';

/** The parts of an attempt timeline (GET /api/attempts/{id}/timeline) the drawing reads. */
export interface TimelineInput {
  live: boolean;
  spans: readonly { state: string; from: number; to: number | null; durationMs: number | null }[];
  markers: readonly {
    seq: number;
    at: number;
    type: string;
    event: Record<string, unknown>;
    stateAfter: string;
    commands: readonly { type: string; params: Record<string, unknown> }[];
  }[];
}

/** What a marker is, for its colour and whether it gets a label on the axis. */
export type MarkerKind = 'answer' | 'amd' | 'dtmf' | 'playback' | 'hangup' | 'failure' | 'other';

export interface LaidSpan {
  state: string;
  label: string;
  /** The top-level state, for the colour (`dialing` for `dialing.ringing`). */
  group: string;
  /** Percent of the axis. */
  left: number;
  width: number;
  durationMs: number;
  ongoing: boolean;
}

export interface LaidMarker {
  seq: number;
  at: number;
  /** Ms since the attempt began. */
  offsetMs: number;
  left: number;
  kind: MarkerKind;
  text: string;
  stateAfter: string;
  commands: string[];
}

export interface TimelineLayout {
  origin: number;
  end: number;
  spans: LaidSpan[];
  markers: LaidMarker[];
  ticks: { left: number; label: string }[];
}

/** Q.850 causes an operator meets most, by number. */
const CAUSES: Record<number, string> = {
  0: 'unknown',
  1: 'unallocated number',
  16: 'normal clearing',
  17: 'user busy',
  18: 'no user responding',
  19: 'no answer',
  21: 'call rejected',
  27: 'destination out of order',
  34: 'no circuit available (congestion)',
  38: 'network out of order',
};

const cause = (event: Record<string, unknown>) => {
  const n = Number(event.cause);
  const text = typeof event.causeText === 'string' ? event.causeText : CAUSES[n];
  return `cause ${n}${text ? ` (${text})` : ''}`;
};

/** One journaled event in plain words, with the details that tell the call's story. */
export function describeMarker(
  type: string,
  event: Record<string, unknown>,
): {
  kind: MarkerKind;
  text: string;
} {
  switch (type) {
    case 'channel.answered':
      return { kind: 'answer', text: 'answered' };
    case 'amd.completed':
      return { kind: 'amd', text: `AMD ${String(event.status)} (${String(event.cause)})` };
    case 'dtmf.received':
      return { kind: 'dtmf', text: `DTMF ${String(event.digit)}` };
    case 'playback.started':
      return { kind: 'playback', text: 'playback started' };
    case 'playback.finished':
      return { kind: 'playback', text: `playback finished (${String(event.state)})` };
    case 'greeting.ended':
      return { kind: 'playback', text: 'greeting ended (beep)' };
    case 'channel.hungUp':
      return { kind: 'hangup', text: `hung up, ${cause(event)}` };
    case 'farEnd.hungUp':
      return { kind: 'hangup', text: `far end hung up, ${cause(event)}` };
    case 'channel.hangupRequested':
      return { kind: 'hangup', text: `hang-up requested, ${cause(event)}` };
    case 'command.failed':
      return {
        kind: 'failure',
        text: `${String(event.command)} failed: ${String(event.message)}`,
      };
    case 'dial.statusChanged':
      return { kind: 'other', text: `dial status ${String(event.dialStatus)}` };
    case 'channel.ringing':
      return { kind: 'other', text: 'ringing' };
    case 'channel.leftStasis':
      return { kind: 'other', text: 'left Stasis' };
    case 'operator.canceled':
      return { kind: 'failure', text: 'canceled by the operator' };
    case 'channel.lost':
      return { kind: 'failure', text: 'channel lost (restart or reconnect)' };
    case 'timer.fired':
      return { kind: 'other', text: `timer ${String(event.timerId)} fired` };
    default:
      return { kind: 'other', text: type };
  }
}

/** A command as a short phrase: `originate`, `playPrompt sound:…`. */
function describeCommand(command: { type: string; params: Record<string, unknown> }): string {
  const media = command.params.media;
  return typeof media === 'string' ? `${command.type} ${media}` : command.type;
}

const STEPS_MS = [
  100, 250, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
];

/**
 * Places an attempt's states and events on one time axis: spans and markers in percent
 * of the axis, which runs from the first event to the last, or to `now` while the call
 * is live (its current state grows until it ends).
 */
export function layOutTimeline(timeline: TimelineInput, now: number): TimelineLayout {
  const origin = timeline.spans[0]?.from ?? timeline.markers[0]?.at ?? now;
  const lastAt = Math.max(origin, ...timeline.markers.map((m) => m.at));
  const end = timeline.live ? Math.max(lastAt, now) : lastAt;
  const total = Math.max(end - origin, 1);
  const pct = (at: number) => ((at - origin) / total) * 100;

  const spans = timeline.spans
    .filter((span) => span.state !== 'done')
    .map((span) => {
      const to = span.to ?? end;
      return {
        state: span.state,
        label: stateLabel(span.state),
        group: span.state.split('.')[0] ?? span.state,
        left: pct(span.from),
        width: Math.max(pct(to) - pct(span.from), 0),
        durationMs: span.durationMs ?? to - span.from,
        ongoing: span.to === null,
      };
    });

  const markers = timeline.markers.map((marker) => ({
    seq: marker.seq,
    at: marker.at,
    offsetMs: marker.at - origin,
    left: pct(marker.at),
    ...describeMarker(marker.type, marker.event),
    stateAfter: marker.stateAfter,
    commands: marker.commands.map(describeCommand),
  }));

  // At most six ticks after 0, on a round step.
  const step = STEPS_MS.find((s) => total / s <= 6) ?? STEPS_MS.at(-1) ?? 600_000;
  const ticks: TimelineLayout['ticks'] = [];
  for (let t = 0; t <= total; t += step) {
    ticks.push({
      left: pct(origin + t),
      label: step < 1_000 ? `${t / 1000}s` : `${Math.round(t / 1000)}s`,
    });
  }
  return { origin, end, spans, markers, ticks };
}
