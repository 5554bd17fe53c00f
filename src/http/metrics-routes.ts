import { createRoute, z } from '@hono/zod-openapi';
import { errorResponse } from './api-error.js';
import { createRouter } from './api-router.js';

/** What `/metrics` serves: the Prometheus text of dialstate's own registry. */
export interface MetricsDeps {
  readonly contentType: string;
  render(): Promise<string>;
}

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['Operations'],
  summary: 'Prometheus metrics (text exposition format)',
  description:
    'Attempts by outcome, live attempts by state, originate and AMD latencies, event lag, lead import rows, ARI connection, and the process. Needs the bearer token when one is configured (Prometheus: `authorization: { credentials: … }`).',
  responses: {
    200: {
      description: 'The metrics',
      content: { 'text/plain': { schema: z.string() } },
    },
    401: errorResponse('A token is configured and the request has none, or a wrong one'),
  },
});

/** `GET /metrics`, outside `/api`. */
/** What `/metrics` serves. */
export interface MetricsRoutesDeps {
  metrics: MetricsDeps;
}

export function metricsRoutes(deps: MetricsRoutesDeps) {
  return createRouter().openapi(route, async (c) => {
    const text = await deps.metrics.render();
    return c.text(text, 200, {
      'Content-Type': deps.metrics.contentType,
      'Cache-Control': 'no-store',
    });
  });
}
