import { createSignal } from 'solid-js';
import type { Campaign, CampaignStats } from './api.js';
import { authHeaders, loadApiToken } from './api-token.js';
import { createSseParser, type ServerSentEvent } from './sse-parser.js';

/** An attempt's committed transition, as `/api/events` sends it. */
export interface LiveAttemptEvent {
  attemptId: string;
  leadId: string;
  campaignId: string;
  seq: number;
  event: string;
  at: number;
  state: string;
  done: boolean;
  outcome: string | null;
}

/** A campaign's status and counters after a change. */
export interface LiveCampaignEvent {
  campaign: Campaign;
  stats: CampaignStats;
}

/** What a page listens to. `reload` means: events may have been missed, fetch afresh. */
export interface LiveHandlers {
  attempt?(event: LiveAttemptEvent): void;
  campaign?(event: LiveCampaignEvent): void;
  reload?(): void;
}

export type LiveConnection = 'connecting' | 'open' | 'reconnecting';

const [connection, setConnection] = createSignal<LiveConnection>('connecting');
/** The state of the live feed, for the header's indicator. */
export const liveConnection = connection;

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
  }
}

/** The browser's EventSource: reconnects by itself and resumes with Last-Event-ID. */
function openEventSource(): void {
  const source = new EventSource('/api/events');
  for (const type of ['ready', 'reset', 'attempt', 'campaign']) {
    source.addEventListener(type, (event) => {
      const message = event as MessageEvent<string>;
      dispatch({ id: message.lastEventId || undefined, event: type, data: message.data });
    });
  }
  source.addEventListener('open', () => setConnection('open'));
  source.addEventListener('error', () => setConnection('reconnecting'));
}

/**
 * EventSource cannot send an Authorization header, so with an API token the stream is
 * read with fetch, reconnecting after a pause and resuming from the last event id the
 * way EventSource does.
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
      if (response.ok && response.body !== null) {
        setConnection('open');
        delayMs = 1_000;
        const parse = createSseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const message of parse(value)) {
            if (message.id !== undefined) lastEventId = message.id;
            dispatch(message);
          }
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
