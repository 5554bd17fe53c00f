import type { Clock } from '../calls/ports.js';
import type { RoutedAttemptEvent } from './ari-events.js';

/** Default longest hold of our channel's hang-up while waiting for the far end's (ms). */
export const DEFAULT_HANGUP_HOLD_MS = 100;
/** How long a far end's hang-up is remembered when our half has not ended yet (ms). */
const FAR_END_MEMORY_MS = 1_000;

/** Puts the far end's hang-up before ours for calls that were never answered. */
export interface HangupOrdering {
  /** Delivers the event now, or later and in order, when it must wait for the far end. */
  push(routed: RoutedAttemptEvent): void;
  /** Delivers every held event at once and forgets all state (on close). */
  flush(): void;
}

interface CallState {
  reachedStasis: boolean;
  farEndGone: boolean;
  /** Our `channel.hungUp` and whatever followed it, while waiting for the far end. */
  held: RoutedAttemptEvent[] | null;
  timer: unknown;
}

/**
 * Creates the ordering stage between translation and delivery.
 *
 * An unanswered call is classified from the far end's cause, because our own half of
 * a Local channel ends with cause 0 (fact 8). The two halves' `ChannelDestroyed` come
 * in the same millisecond in no stable order (fact 20), so `channel.hungUp` of a call
 * that never reached Stasis is held until the far end's hang-up arrives or `holdMs`
 * passes (a trunk channel has no far-end half). Everything else passes straight
 * through, so the order of each channel's events is kept.
 */
export function createHangupOrdering(options: {
  clock: Clock;
  deliver: (routed: RoutedAttemptEvent) => void;
  holdMs?: number;
}): HangupOrdering {
  const { clock, deliver } = options;
  const holdMs = options.holdMs ?? DEFAULT_HANGUP_HOLD_MS;
  const calls = new Map<string, CallState>();

  function stateOf(attemptId: string): CallState {
    let state = calls.get(attemptId);
    if (!state) {
      state = { reachedStasis: false, farEndGone: false, held: null, timer: undefined };
      calls.set(attemptId, state);
    }
    return state;
  }

  function forget(attemptId: string): void {
    const state = calls.get(attemptId);
    if (!state) return;
    if (state.timer !== undefined) clock.clearTimeout(state.timer);
    calls.delete(attemptId);
  }

  function release(attemptId: string): void {
    const held = calls.get(attemptId)?.held ?? [];
    forget(attemptId);
    for (const routed of held) deliver(routed);
  }

  return {
    push(routed) {
      const { attemptId, event } = routed;
      const state = calls.get(attemptId);
      if (state?.held) {
        if (event.type === 'farEnd.hungUp') {
          deliver(routed);
          release(attemptId);
        } else {
          state.held.push(routed);
        }
        return;
      }
      switch (event.type) {
        case 'channel.answered':
        case 'amd.completed':
          stateOf(attemptId).reachedStasis = true;
          break;
        case 'farEnd.hungUp': {
          const known = stateOf(attemptId);
          known.farEndGone = true;
          // Our half normally ends within the same millisecond; if it already did
          // (answered calls), this entry must not linger.
          if (known.timer !== undefined) clock.clearTimeout(known.timer);
          known.timer = clock.setTimeout(() => forget(attemptId), FAR_END_MEMORY_MS);
          break;
        }
        case 'channel.hungUp': {
          if (state && (state.reachedStasis || state.farEndGone)) {
            forget(attemptId);
            break;
          }
          const waiting = stateOf(attemptId);
          waiting.held = [routed];
          waiting.timer = clock.setTimeout(() => release(attemptId), holdMs);
          return;
        }
      }
      deliver(routed);
    },
    flush() {
      for (const attemptId of [...calls.keys()]) release(attemptId);
    },
  };
}
