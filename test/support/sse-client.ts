import { EventSourceParserStream } from 'eventsource-parser/stream';
import { type LiveEventMessage, parseLiveEvent } from '../../src/http/live-event-schemas.js';

/**
 * One event of `/api/events` as received: its name (`type`) and data, read through the
 * live events' schemas, its id, and when it arrived (performance.now()).
 */
export type ReceivedEvent = LiveEventMessage & {
  id: string | undefined;
  receivedAt: number;
};

/** A live connection to an event stream, collecting what it receives. */
export interface SseConnection {
  readonly events: ReceivedEvent[];
  /** Resolves with the first received event (past or future) that matches. */
  waitFor(match: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Resolves once `holds` is true of everything received so far (checked on each event). */
  waitUntil(
    holds: (events: readonly ReceivedEvent[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  close(): void;
}

/**
 * Opens `url` with fetch and parses the text/event-stream as it arrives (eventsource-parser),
 * each event's data through its schema: an event that does not fit fails every wait.
 */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  if (response.status !== 200 || response.body === null) {
    throw new Error(`event stream answered ${response.status}`);
  }
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  let misfit: Error | undefined;
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        try {
          // `message` is EventSource's default type, which the parser leaves out.
          const message = parseLiveEvent(value.event ?? 'message', value.data);
          events.push({ ...message, id: value.id, receivedAt: performance.now() });
        } catch (error) {
          misfit ??= error as Error;
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // Aborted by close().
    }
  })();
  function waitUntil(holds: (all: readonly ReceivedEvent[]) => boolean, timeoutMs = 5_000) {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (misfit !== undefined) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(misfit);
          return true;
        }
        if (!holds(events)) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `not there within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`,
          ),
        );
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  }
  return {
    events,
    async waitFor(match, timeoutMs) {
      await waitUntil((all) => all.some(match), timeoutMs);
      return events.find(match) as ReceivedEvent;
    },
    waitUntil,
    close: () => controller.abort(),
  };
}
