import type { AttemptTransition } from '../calls/attempt-runner.js';
import type { AttemptEventType } from '../machines/attempt-types.js';

/** What one transition tells about latencies. Times are the events' own `at` (ms). */
export interface ObservedLatencies {
  /** The event came from Asterisk, not from the runner itself (timers, operator, start). */
  eventFromAri: boolean;
  /** The far end's first sign after the originate. */
  originate?: { until: 'ringing' | 'answered'; ms: number };
  /** The AMD verdict after the hop into the AMD context; `status` is AMDSTATUS or `other`. */
  amd?: { status: string; ms: number };
}

/** Follows attempts through their transitions and measures the spans `/metrics` shows. */
export interface AttemptLatencies {
  observe(transition: AttemptTransition): ObservedLatencies;
}

// Events the runner or the reconciler make up: their `at` is not an ARI arrival time.
const ENGINE_EVENTS: ReadonlySet<AttemptEventType> = new Set([
  'attempt.started',
  'timer.fired',
  'operator.canceled',
  'command.failed',
  'channel.lost',
]);

const AMD_STATUSES = new Set(['HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP']);

/**
 * Creates the tracker. A span starts at the event whose transition emitted the command
 * (`originate`, `continueToAmd`) and ends at the event that answers it; both times come
 * from the events, so the spans are what the machine saw. Attempts taken over after a
 * restart have no start and are not measured; an attempt's starts are forgotten when it
 * ends.
 */
export function createAttemptLatencies(): AttemptLatencies {
  const originatedAt = new Map<string, number>();
  const amdStartedAt = new Map<string, number>();

  return {
    observe({ attemptId, event, commands, done }) {
      const observed: ObservedLatencies = { eventFromAri: !ENGINE_EVENTS.has(event.type) };
      const originated = originatedAt.get(attemptId);
      if (
        originated !== undefined &&
        (event.type === 'channel.ringing' || event.type === 'channel.answered')
      ) {
        observed.originate = {
          until: event.type === 'channel.ringing' ? 'ringing' : 'answered',
          ms: event.at - originated,
        };
        originatedAt.delete(attemptId);
      }
      const amdStarted = amdStartedAt.get(attemptId);
      if (amdStarted !== undefined && event.type === 'amd.completed') {
        const status = AMD_STATUSES.has(event.status) ? event.status : 'other';
        observed.amd = { status, ms: event.at - amdStarted };
        amdStartedAt.delete(attemptId);
      }
      for (const command of commands) {
        if (command.type === 'originate') originatedAt.set(attemptId, event.at);
        if (command.type === 'continueToAmd') amdStartedAt.set(attemptId, event.at);
      }
      if (done) {
        originatedAt.delete(attemptId);
        amdStartedAt.delete(attemptId);
      }
      return observed;
    },
  };
}
