import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from './api-router.js';
import { liveEventFrameSchema } from './live-event-schemas.js';
import type { LiveFanout } from './live-fanout.js';

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['Live'],
  summary:
    'Server-sent events: attempt transitions, campaign counters, lead changes, import progress',
  description: [
    'Each event is one `LiveEventFrame`: its `event` name, its `data` line (JSON, of the schema named for that event) and its `id`.',
    '`attempt` events (`LiveAttemptEvent`) are sent once the transition is in the journal.',
    '`campaign` events (`LiveCampaignEvent`) at most every 250 ms per campaign while it changes.',
    '`leads` events (`LiveLeadsEvent`) when leads changed other than by a call (added, recycled, ignored, canceled, deleted by an operator; `leadIds` null when many changed at once: an import, a stop that canceled the pending leads), so that lead lists reload them.',
    '`import` events (`LiveImportEvent`), for imports running in the background (files over 1 MiB), when one starts, on each change of phase, at most 4 a second in between, and always once it has ended; `GET /api/imports/{id}` then has the full result.',
    'A `ready` event (data `{}`) opens a fresh stream. Reconnecting with `Last-Event-ID` resumes after that event; when the server no longer holds it (or restarted) a `reset` event (data `{}`) says to reload state.',
    'A client that reads too slowly (more than 1 MiB of events waiting for it) gets a `reset` event, whose id is the latest event, and the stream ends: reload state, then reconnect with that id.',
  ].join('\n\n'),
  request: {
    query: z.object({
      campaignId: z.string().min(1).optional().openapi({ description: 'Only this campaign' }),
    }),
    headers: z.object({ 'last-event-id': z.string().optional() }),
  },
  responses: {
    200: {
      description: 'An event stream (text/event-stream) of `LiveEventFrame`s',
      content: { 'text/event-stream': { schema: liveEventFrameSchema } },
    },
  },
});

/** `/api/events`: the live feed the web UI follows instead of polling. */
export function eventsRoutes(fanout: Pick<LiveFanout, 'open'>) {
  return createRouter().openapi(route, (c) => {
    const { campaignId } = c.req.valid('query');
    const lastEventId = c.req.valid('header')['last-event-id'];
    const stream = fanout.open({
      ...(campaignId === undefined ? {} : { campaignId }),
      ...(lastEventId === undefined ? {} : { lastEventId }),
    });
    return c.body(stream, 200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back to fill their buffers.
      'X-Accel-Buffering': 'no',
    });
  });
}
