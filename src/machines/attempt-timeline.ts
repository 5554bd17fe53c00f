import type { RecordedStep } from './attempt-replay.js';
import type { AttemptCommand, AttemptEvent, AttemptOutcome } from './attempt-types.js';

/** A time span the attempt spent in one state. */
export interface StateSpan {
  state: string;
  /** Epoch ms. */
  from: number;
  /** Epoch ms; null while the attempt is still in this state. */
  to: number | null;
  durationMs: number | null;
}

/** A journaled event on the time axis, with the commands it caused. */
export interface TimelineMarker {
  seq: number;
  at: number;
  event: AttemptEvent;
  stateAfter: string;
  commands: AttemptCommand[];
}

/** The story of one attempt: state spans and event markers, as the UI and CLI show it. */
export interface AttemptTimeline {
  spans: StateSpan[];
  markers: TimelineMarker[];
  outcome: AttemptOutcome | null;
}

/**
 * Builds the timeline of an attempt from its journal. Events that leave the state
 * unchanged become markers inside the current span.
 */
export function buildAttemptTimeline(
  entries: readonly RecordedStep[],
  outcome: AttemptOutcome | null,
): AttemptTimeline {
  const spans: StateSpan[] = [];
  const markers: TimelineMarker[] = [];
  for (const entry of entries) {
    const at = entry.event.at;
    markers.push({
      seq: entry.seq,
      at,
      event: entry.event,
      stateAfter: entry.state,
      commands: entry.commands,
    });
    const current = spans.at(-1);
    if (current?.state === entry.state) continue;
    if (current) {
      current.to = at;
      current.durationMs = at - current.from;
    }
    spans.push({ state: entry.state, from: at, to: null, durationMs: null });
  }
  // The final state is a point, not a span.
  const last = spans.at(-1);
  if (last?.state === 'done') {
    last.to = last.from;
    last.durationMs = 0;
  }
  return { spans, markers, outcome };
}
