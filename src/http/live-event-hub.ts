import type { LiveDataEventName, LiveEventMessage } from './live-event-schemas.js';

/**
 * One message of the live feed before it has its id: the SSE event name (`attempt`, a
 * transition; `campaign`, status and counters; `leads`, leads changed other than by a
 * call; `import`, a background import's progress) with its data as live-event-schemas.ts
 * defines it, and the campaign it is about, for filtering.
 */
export type LiveEventInput = LiveEventMessage<LiveDataEventName> & { campaignId: string };

/** One message of the live feed, as server-sent events carry it. */
export type LiveEvent = LiveEventInput & {
  /** `<boot>-<seq>`: unique within this process's run, increasing. */
  id: string;
};

export type ResumeResult =
  /** Every event after the client's last one, still in the buffer. */
  | { ok: true; events: LiveEvent[] }
  /** The client missed events the buffer no longer holds (or another run's): reload state. */
  | { ok: false };

/** The in-memory live feed: a bounded replay buffer and its subscribers. */
export interface LiveEventHub {
  publish(event: LiveEventInput): LiveEvent;
  /** Calls `listener` for every event published from now on; returns the unsubscribe. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  /** Events after `lastEventId` (the SSE `Last-Event-ID` of a reconnecting client). */
  since(lastEventId: string): ResumeResult;
  subscriberCount(): number;
}

/**
 * Creates the hub. Ids carry a per-run `boot` tag, so that a client reconnecting after
 * a restart is told to reload instead of being handed events that do not follow its own.
 */
export function createLiveEventHub(options: { boot: string; capacity?: number }): LiveEventHub {
  const capacity = options.capacity ?? 10_000;
  // A ring: event `seq` sits at `(seq - 1) % capacity`. Dropping the oldest of a full
  // array with `splice` moved every other one, 30–130 µs a publish at 10,000 — a turn
  // that applied a hundred calls' transitions spent milliseconds on it (ADR 052).
  const buffer: LiveEvent[] = [];
  const listeners = new Set<(event: LiveEvent) => void>();
  let seq = 0;

  return {
    publish(event) {
      seq += 1;
      const full: LiveEvent = { ...event, id: `${options.boot}-${seq}` };
      buffer[(seq - 1) % capacity] = full;
      for (const listener of listeners) listener(full);
      return full;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    since(lastEventId) {
      const dash = lastEventId.lastIndexOf('-');
      const boot = lastEventId.slice(0, dash);
      const last = Number(lastEventId.slice(dash + 1));
      if (dash < 0 || boot !== options.boot || !Number.isInteger(last) || last > seq) {
        return { ok: false };
      }
      const oldest = Math.max(1, seq - capacity + 1);
      // The next event the client needs is gone from the buffer.
      if (last + 1 < oldest) return { ok: false };
      const events: LiveEvent[] = [];
      for (let next = last + 1; next <= seq; next += 1) {
        events.push(buffer[(next - 1) % capacity] as LiveEvent);
      }
      return { ok: true, events };
    },
    subscriberCount: () => listeners.size,
  };
}
