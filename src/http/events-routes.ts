import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { createRouter } from './api-router.js';
import type { LiveEvent, LiveEventHub } from './live-event-hub.js';

/** A comment line every so often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** Events queued for one slow client before it is told to reload and is dropped. */
const MAX_QUEUED = 5_000;

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['Live'],
  summary:
    'Server-sent events: attempt transitions, campaign counters, lead changes, import progress',
  description: [
    '`attempt` events: { attemptId, leadId, campaignId, seq, event, at, state, done, outcome }, sent once the transition is in the journal.',
    '`campaign` events: { campaign, stats } at most every 250 ms per campaign while it changes.',
    '`leads` events: { campaignId, leadIds } when leads changed other than by a call (added, recycled, ignored, canceled, deleted by an operator; `leadIds` null when many changed at once: an import, a stop that canceled the pending leads), so that lead lists reload them.',
    '`import` events, for imports running in the background (files over 1 MiB): { importId, campaignId, fileName, state (running, completed, failed), phase, percent, rowsRead, rowsPerSecond, elapsedMs, counts, error } when one starts, on each change of phase, at most 4 a second in between, and always once it has ended; `GET /api/imports/{id}` then has the full result.',
    'Reconnecting with `Last-Event-ID` resumes after that event; when the server no longer holds it (or restarted) a `reset` event says to reload state.',
  ].join('\n\n'),
  request: {
    query: z.object({
      campaignId: z.string().min(1).optional().openapi({ description: 'Only this campaign' }),
    }),
    headers: z.object({ 'last-event-id': z.string().optional() }),
  },
  responses: {
    200: {
      description: 'An event stream (text/event-stream)',
      content: { 'text/event-stream': { schema: z.string() } },
    },
  },
});

/** `/api/events`: the live feed the web UI follows instead of polling. */
export function eventsRoutes(hub: LiveEventHub) {
  return createRouter().openapi(route, (c) => {
    const { campaignId } = c.req.valid('query');
    const lastEventId = c.req.valid('header')['last-event-id'];
    const wanted = (event: LiveEvent) =>
      campaignId === undefined || event.campaignId === campaignId;

    return streamSSE(c, async (stream) => {
      let queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      let overflowed = false;
      // Subscribed before the replay is read, so nothing falls between the two.
      const unsubscribe = hub.subscribe((event) => {
        if (!wanted(event)) return;
        if (queue.length >= MAX_QUEUED) overflowed = true;
        else queue.push(event);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      const heartbeat = setInterval(() => {
        void stream.write(': ping\n\n');
      }, HEARTBEAT_MS);
      try {
        if (lastEventId !== undefined) {
          const resumed = hub.since(lastEventId);
          if (resumed.ok) {
            const known = new Set(queue.map((e) => e.id));
            queue = [...resumed.events.filter((e) => wanted(e) && !known.has(e.id)), ...queue];
          } else {
            await stream.writeSSE({ event: 'reset', data: '{}' });
          }
        } else {
          await stream.writeSSE({ event: 'ready', data: '{}' });
        }
        while (!closed) {
          if (overflowed) {
            // Too far behind: the client reloads rather than reading a stale backlog.
            await stream.writeSSE({ event: 'reset', data: '{}' });
            break;
          }
          const batch = queue;
          queue = [];
          for (const event of batch) {
            await stream.writeSSE({
              id: event.id,
              event: event.type,
              data: JSON.stringify(event.data),
            });
          }
          if (queue.length === 0 && !closed) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
          }
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    });
  });
}
