import type { LiveEventData } from 'dialstate-api/live-events';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { createSignal } from 'solid-js';
import { authHeaders, loadApiToken } from './api-token.js';
import { markTokenNeeded } from './auth-state.js';

// The events' types come from the server's schemas (src/http/live-event-schemas.ts), as
// types only: the UI bundles no zod and trusts the server to send what they say.

/** An attempt's committed transition, as `/api/events` sends it. */
export type LiveAttemptEvent = LiveEventData['attempt'];
/**
 * A campaign's status and counters after a change. The abandoned-call rates are not in
 * it (they are read over 30 days of calls): `GET …/stats` has them.
 */
export type LiveCampaignEvent = LiveEventData['campaign'];
/**
 * A background import's progress (files over 1 MiB): at most 4 a second while it runs,
 * then once with `state` completed or failed when it has ended.
 */
export type LiveImportEvent = LiveEventData['import'];
/** Leads changed other than by a call; `leadIds` null when many did (reload the list). */
export type LiveLeadsEvent = LiveEventData['leads'];

/** What a page listens to. `reload` means: events may have been missed, fetch afresh. */
export interface LiveHandlers {
  attempt?(event: LiveAttemptEvent): void;
  campaign?(event: LiveCampaignEvent): void;
  leads?(event: LiveLeadsEvent): void;
  import?(event: LiveImportEvent): void;
  reload?(): void;
}

/** `unauthorized`: the server refused the token (or its absence); the shell asks for one. */
export type LiveConnection = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

const [connection, setConnection] = createSignal<LiveConnection>('connecting');
/** The state of the live feed, for the header's indicator. */
export const liveConnection = connection;

/** One server-sent event: its id (if any), type and data. */
interface ServerSentEvent {
  id: string | undefined;
  event: string;
  data: string;
}

const handlers = new Set<LiveHandlers>();
let started = false;
let readySeen = false;

/**
 * Listens to the live feed until the returned function is called. The feed is one shared
 * connection to `/api/events`, opened on the first subscription.
 */
export function subscribeLive(listener: LiveHandlers): () => void {
  handlers.add(listener);
  if (!started) {
    started = true;
    if (loadApiToken() === null) openEventSource();
    else void followWithFetch();
  }
  return () => handlers.delete(listener);
}

function dispatch(message: ServerSentEvent): void {
  if (message.event === 'ready' || message.event === 'reset') {
    // A `ready` after the first is a fresh stream after a reconnection that had no event
    // id to resume from; like `reset`, anything may have happened in between.
    const missed = message.event === 'reset' || readySeen;
    readySeen = true;
    setConnection('open');
    if (missed) for (const h of handlers) h.reload?.();
    return;
  }
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return;
  }
  for (const h of handlers) {
    if (message.event === 'attempt') h.attempt?.(data as LiveAttemptEvent);
    else if (message.event === 'campaign') h.campaign?.(data as LiveCampaignEvent);
    else if (message.event === 'leads') h.leads?.(data as LiveLeadsEvent);
    else if (message.event === 'import') h.import?.(data as LiveImportEvent);
  }
}

/** The browser's EventSource: reconnects by itself and resumes with Last-Event-ID. */
function openEventSource(): void {
  const source = new EventSource('/api/events');
  for (const type of ['ready', 'reset', 'attempt', 'campaign', 'leads', 'import']) {
    source.addEventListener(type, (event) => {
      const message = event as MessageEvent<string>;
      dispatch({ id: message.lastEventId || undefined, event: type, data: message.data });
    });
  }
  source.addEventListener('open', () => setConnection('open'));
  source.addEventListener('error', () => {
    setConnection('reconnecting');
    // EventSource gives up for good on an answer other than a stream, such as the 401 of
    // a server that wants a token, and does not say which: fetch can tell, and retries.
    if (source.readyState === EventSource.CLOSED) void followWithFetch();
  });
}

/**
 * EventSource cannot send an Authorization header, so with an API token the stream is
 * read with fetch, reconnecting after a pause and resuming from the last event id the
 * way EventSource does; a 401 stops it and asks for the token.
 */
async function followWithFetch(): Promise<void> {
  let lastEventId: string | undefined;
  let delayMs = 1_000;
  for (;;) {
    try {
      const response = await fetch('/api/events', {
        headers: {
          accept: 'text/event-stream',
          ...authHeaders(),
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        },
      });
      if (response.status === 401) {
        // Retrying cannot help without another token: the shell asks for it, and the
        // page reloads once it is entered.
        setConnection('unauthorized');
        markTokenNeeded();
        return;
      }
      if (response.ok && response.body !== null) {
        setConnection('open');
        delayMs = 1_000;
        const reader = response.body
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new EventSourceParserStream())
          .getReader();
        for (;;) {
          const { value: message, done } = await reader.read();
          if (done) break;
          if (message.id !== undefined) lastEventId = message.id;
          // EventSource's default type, which the parser leaves out.
          dispatch({ id: message.id, event: message.event ?? 'message', data: message.data });
        }
      }
    } catch {
      // The server went away; try again below.
    }
    setConnection('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 15_000);
  }
}
