import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { ApiDeps } from './api-deps.js';
import { ApiError } from './api-error.js';
import { bearerAuth } from './bearer-auth.js';
import { campaignsRoutes } from './campaigns-routes.js';
import { eventsRoutes } from './events-routes.js';

export interface ApiOptions {
  /** Bearer token every `/api` route requires; none means open (loopback-only listening). */
  apiToken: string | null;
  /** Version shown in the OpenAPI document. */
  version: string;
}

/** Builds the `/api` routes; kept apart so that their type is the typed client's. */
function apiRoutes(deps: ApiDeps) {
  return new OpenAPIHono()
    .route('/campaigns', campaignsRoutes(deps))
    .route('/events', eventsRoutes(deps.liveHub));
}

/** The API's routes and their types, for the web UI's typed client (`hono/client`). */
export type ApiType = ReturnType<typeof apiRoutes>;

/**
 * The HTTP application: the REST API under `/api` with its OpenAPI 3.1 document at
 * `/api/openapi.json` and an interactive page at `/api/docs`. Every error is answered as
 * `{ error: { code, message, details } }`.
 */
export function createApp(deps: ApiDeps, options: ApiOptions) {
  const app = new OpenAPIHono();

  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status);
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own refusals, e.g. a body that is not JSON.
      const code = error.status === 413 ? 'payloadTooLarge' : 'validation';
      const body = new ApiError(code, error.message || 'the request is not valid').toBody();
      return c.json(body, error.status === 413 ? 413 : 400);
    }
    deps.log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(new ApiError('internal', 'internal error; see the server log').toBody(), 500);
  });
  app.notFound((c) =>
    c.json(new ApiError('notFound', `no route ${c.req.method} ${c.req.path}`).toBody(), 404),
  );

  if (options.apiToken !== null) {
    const auth = bearerAuth(options.apiToken);
    // The API's description is public: the docs page fetches it without a token.
    const PUBLIC = new Set(['/api/openapi.json', '/api/docs']);
    app.use('/api/*', (c, next) => (PUBLIC.has(c.req.path) ? next() : auth(c, next)));
  }
  app.route('/api', apiRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'dialstate API',
      version: options.version,
      description:
        'Outbound campaigns for Asterisk: campaigns, leads, call attempts and their timelines, recordings, do-not-call lists.',
    },
    ...(options.apiToken === null ? {} : { security: [{ bearer: [] }] }),
  });
  app.get('/api/docs', swaggerUI({ url: '/api/openapi.json' }));
  return app;
}
