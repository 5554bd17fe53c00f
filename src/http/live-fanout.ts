import type { LiveEvent, LiveEventHub } from './live-event-hub.js';
import { createSseClient, type SseClient } from './sse-client.js';

/**
 * Socket writes per second the fan-out allows itself under load. Each round costs one
 * write per client, so the more clients, the fewer rounds: with 1,000 clients one round
 * per 200 ms, with 100 one per 20 ms. Twice as many cost 1,000 clients more CPU per
 * call and more lag, not less (bench:sse-fanout). A quiet feed sends at once.
 */
const WRITES_PER_SECOND = 5_000;
/** Longest wait between two rounds, however many clients (ms). */
const MAX_ROUND_INTERVAL_MS = 200;
/**
 * Clients served per turn of the event loop: call events get in between the slices. Not
 * fewer: a turn of a busy engine's loop takes long, and a round of ten small slices took
 * a second to reach its last client (bench:sse-fanout).
 */
const CLIENTS_PER_SLICE = 500;
/** Bytes queued for one client before it is told to reload and dropped (1 MiB: ~4,000 events). */
const MAX_QUEUED_BYTES = 1024 * 1024;
/** A comment line every so often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

/** The text/event-stream frame of a live event. JSON has no raw line break: one data line. */
export function sseFrame(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** A control event (`ready`, `reset`); `id` moves a reconnecting client's Last-Event-ID. */
function controlFrame(type: 'ready' | 'reset', id: string | null): Uint8Array {
  return encoder.encode(`${id === null ? '' : `id: ${id}\n`}event: ${type}\ndata: {}\n\n`);
}

const seqOf = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));

/** The live feed's delivery to `/api/events` clients. */
export interface LiveFanout {
  /**
   * Opens a client's stream: `ready` (or the events after `lastEventId`, or `reset` when
   * they are no longer held), then every event of `campaignId` (all when undefined).
   */
  open(options: { campaignId?: string; lastEventId?: string }): ReadableStream<Uint8Array>;
  clientCount(): number;
  /** Ends every stream and stops following the hub. */
  stop(): void;
}

/**
 * Creates the fan-out over the hub. The engine publishes into the hub and goes on: the
 * events of a round (a turn of the event loop; under load, rounds are spaced to keep
 * socket writes within a budget: one per 200 ms with 1,000 clients) are serialised and encoded once per campaign filter, not once per client, and handed
 * to the clients in slices, one turn of the event loop per slice, so that the call
 * engine's own I/O never waits behind a thousand viewers. Each client's queue is
 * bounded: one that cannot keep up is sent `reset` (reload your state) and dropped,
 * rather than buffered without limit.
 */
export function createLiveFanout(deps: {
  hub: Pick<LiveEventHub, 'subscribe' | 'since'>;
  maxQueuedBytes?: number;
}): LiveFanout {
  const { hub } = deps;
  const maxQueuedBytes = deps.maxQueuedBytes ?? MAX_QUEUED_BYTES;
  const clients = new Set<SseClient>();
  let pending: LiveEvent[] = [];
  let latest: LiveEvent | null = null;
  let busy = false;
  let lastRoundAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;

  const unsubscribe = hub.subscribe((event) => {
    latest = event;
    pending.push(event);
    schedule();
  });
  const heartbeat = setInterval(() => {
    const ping = encoder.encode(': ping\n\n');
    for (const client of clients) client.push(ping, Number.NEGATIVE_INFINITY);
  }, HEARTBEAT_MS);
  heartbeat.unref();

  // Real timers, not the injected clock: this paces I/O, it decides nothing about calls.
  function schedule(): void {
    if (busy || timer !== null) return;
    const intervalMs = Math.min(MAX_ROUND_INTERVAL_MS, (1_000 * clients.size) / WRITES_PER_SECOND);
    const wait = lastRoundAt + intervalMs - performance.now();
    if (wait <= 0) setImmediate(round);
    else timer = setTimeout(round, wait);
    busy = true;
  }

  function round(): void {
    timer = null;
    lastRoundAt = performance.now();
    const events = pending;
    pending = [];
    const frames = events.map(sseFrame);
    const chunks = new Map<string | undefined, Uint8Array | null>();
    /** The round's events for one filter, encoded once for every client with it. */
    const chunkFor = (campaignId: string | undefined) => {
      if (!chunks.has(campaignId)) {
        const text = frames.filter((_, i) => wants(campaignId, events[i])).join('');
        chunks.set(campaignId, text === '' ? null : encoder.encode(text));
      }
      return chunks.get(campaignId) ?? null;
    };
    const firstSeq = events[0] === undefined ? 0 : seqOf(events[0].id);
    const lastSeq = events.at(-1) === undefined ? 0 : seqOf(events.at(-1)?.id ?? '');
    const targets = [...clients];
    const slice = (from: number) => {
      for (const client of targets.slice(from, from + CLIENTS_PER_SLICE)) {
        // A client that opened during the round may hold some of its events already.
        if (client.afterSeq >= firstSeq) {
          const rest = events.filter(
            (e) => seqOf(e.id) > client.afterSeq && wants(client.campaignId, e),
          );
          if (rest.length > 0) client.push(encoder.encode(rest.map(sseFrame).join('')), lastSeq);
        } else {
          const chunk = chunkFor(client.campaignId);
          if (chunk !== null) client.push(chunk, lastSeq);
        }
      }
      if (from + CLIENTS_PER_SLICE < targets.length) {
        setImmediate(() => slice(from + CLIENTS_PER_SLICE));
        return;
      }
      busy = false;
      if (pending.length > 0) schedule();
    };
    slice(0);
  }

  function wants(campaignId: string | undefined, event: LiveEvent | undefined): boolean {
    return event !== undefined && (campaignId === undefined || event.campaignId === campaignId);
  }

  return {
    open({ campaignId, lastEventId }) {
      const client = createSseClient({
        campaignId,
        maxQueuedBytes,
        // Its Last-Event-ID moves to now: after reloading, it resumes from here.
        reset: () => controlFrame('reset', latest?.id ?? null),
        onClose: () => clients.delete(client),
      });
      const upTo = latest === null ? 0 : seqOf(latest.id);
      if (lastEventId === undefined) {
        client.push(controlFrame('ready', null), upTo);
      } else {
        const resumed = hub.since(lastEventId);
        if (resumed.ok) {
          const missed = resumed.events.filter((e) => wants(campaignId, e)).map(sseFrame);
          client.push(encoder.encode(missed.join('')), upTo);
        } else {
          client.push(controlFrame('reset', latest?.id ?? null), upTo);
        }
      }
      clients.add(client);
      return client.stream;
    },
    clientCount: () => clients.size,
    stop() {
      unsubscribe();
      clearInterval(heartbeat);
      if (timer !== null) clearTimeout(timer);
      for (const client of [...clients]) client.end();
      clients.clear();
    },
  };
}
