import type { AttemptTimeline } from '../machines/attempt-timeline.js';
import type { AttemptEvent } from '../machines/attempt-types.js';

/** Header facts of an attempt shown above its timeline. */
export interface TimelineHeader {
  attemptId: string;
  campaignId: string;
  leadId: string;
  number: string;
  machineVersion: number;
  outcome: string | null;
  error: string | null;
  /** Talk time with the AI target (ms), when the call was handed off. */
  talkMs: number | null;
}

/** Renders an attempt's timeline as plain text for a terminal. */
export function formatTimeline(header: TimelineHeader, timeline: AttemptTimeline): string {
  const origin = timeline.markers[0]?.at ?? 0;
  const lines: string[] = [];
  lines.push(
    `attempt ${header.attemptId}  campaign ${header.campaignId}  lead ${header.leadId}  number ${header.number}  machine v${header.machineVersion}`,
  );
  const talk = header.talkMs === null ? '' : `  talk ${seconds(header.talkMs)}`;
  lines.push(`outcome ${header.outcome ?? '(in progress)'}${talk}`);
  if (header.error) lines.push(`error   ${header.error}`);
  lines.push('');
  lines.push('events');
  lines.push(
    `  ${'seq'.padStart(4)}  ${'time'.padEnd(9)}  ${'event'.padEnd(40)}  ${'state after'.padEnd(26)}  commands`,
  );
  for (const marker of timeline.markers) {
    const commands = marker.commands.map((c) => c.type).join(', ');
    lines.push(
      `  ${String(marker.seq).padStart(4)}  ${offset(marker.at - origin).padEnd(9)}  ${describeEvent(marker.event).padEnd(40)}  ${marker.stateAfter.padEnd(26)}  ${commands}`,
    );
  }
  lines.push('');
  lines.push('states');
  for (const span of timeline.spans) {
    const duration = span.durationMs === null ? 'ongoing' : seconds(span.durationMs);
    lines.push(`  ${span.state.padEnd(26)}  ${offset(span.from - origin).padEnd(9)}  ${duration}`);
  }
  return lines.join('\n');
}

/** One event with the details that matter when reading a call's story. */
export function describeEvent(event: AttemptEvent): string {
  switch (event.type) {
    case 'dial.statusChanged':
      return `${event.type} ${event.dialStatus}`;
    case 'farEnd.hungUp':
    case 'channel.hungUp':
      return `${event.type} cause ${event.cause}`;
    case 'amd.completed':
      return `${event.type} ${event.status} ${event.cause}`;
    case 'dtmf.received':
      return `${event.type} ${event.digit}`;
    case 'playback.started':
      return `${event.type} ${event.playbackId}`;
    case 'playback.finished':
      return `${event.type} ${event.playbackId} ${event.state}`;
    case 'command.failed':
      return `${event.type} ${event.command}${event.status ? ` ${event.status}` : ''}`;
    case 'timer.fired':
      return `${event.type} ${timerName(event.timerId)}`;
    default:
      return event.type;
  }
}

/** `xstate.after.ringTimeout.attempt.dialing` → `ringTimeout`. */
function timerName(timerId: string): string {
  return timerId.split('.')[2] ?? timerId;
}

function offset(ms: number): string {
  return `+${(ms / 1000).toFixed(3)}s`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}
