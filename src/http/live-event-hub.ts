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
  const buffer: LiveEvent[] = [];
  const listeners = new Set<(event: LiveEvent) => void>();
  let seq = 0;

  return {
    publish(event) {
      seq += 1;
      const full: LiveEvent = { ...event, id: `${options.boot}-${seq}` };
      buffer.push(full);
      if (buffer.length > capacity) buffer.splice(0, buffer.length - capacity);
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
      const oldest = seq - buffer.length + 1;
      // The next event the client needs is gone from the buffer.
      if (last + 1 < oldest) return { ok: false };
      return { ok: true, events: buffer.slice(last + 1 - oldest) };
    },
    subscriberCount: () => listeners.size,
  };
}
