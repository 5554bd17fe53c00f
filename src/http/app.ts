import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { ApiDeps } from './api-deps.js';
import { API_DOCS_ASSETS, apiDocsRoutes } from './api-docs.js';
import { ApiError, type ApiErrorCode } from './api-error.js';
import { attemptsRoutes } from './attempts-routes.js';
import { bearerAuth } from './bearer-auth.js';
import { blackoutPresetsRoutes } from './blackout-presets-routes.js';
import { campaignActionsRoutes } from './campaign-actions-routes.js';
import { campaignsRoutes } from './campaigns-routes.js';
import { dncRoutes } from './dnc-routes.js';
import { eventsRoutes } from './events-routes.js';
import { evidenceRoutes } from './evidence-routes.js';
import { healthRoutes } from './health-routes.js';
import { jsonBodyLimit } from './json-body-limit.js';
import { leadCsvRoutes } from './lead-csv-routes.js';
import { leadImportRoutes } from './lead-import-routes.js';
import { leadsRoutes } from './leads-routes.js';
import { metaRoutes } from './meta-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { optOutRoutes } from './opt-out-routes.js';
import { recordingsRoutes } from './recordings-routes.js';
import { setupRoutes } from './setup-routes.js';
import { webUi } from './web-ui.js';

export interface ApiOptions {
  /** Bearer token every `/api` route requires; none means open (loopback-only listening). */
  apiToken: string | null;
  /** Version shown in the OpenAPI document. */
  version: string;
}

/** Hono's own refusals (a body that is not JSON, a media type a route does not take). */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ApiErrorCode>> = {
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
};

/** Builds the `/api` routes; kept apart so that their type is the typed client's. */
function apiRoutes(deps: ApiDeps) {
  return new OpenAPIHono()
    .route('/campaigns', campaignsRoutes(deps))
    .route('/campaigns', campaignActionsRoutes(deps))
    .route('/events', eventsRoutes(deps.liveFanout))
    .route('/recordings', recordingsRoutes(deps))
    .route('/', dncRoutes(deps))
    .route('/', optOutRoutes(deps))
    .route('/setup', setupRoutes(deps))
    .route('/', leadsRoutes(deps))
    .route('/', leadImportRoutes(deps))
    .route('/', leadCsvRoutes(deps))
    .route('/', attemptsRoutes(deps))
    .route('/', evidenceRoutes(deps))
    .route('/meta', metaRoutes())
    .route('/blackout-presets', blackoutPresetsRoutes());
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
      const code = HTTP_EXCEPTION_CODES[error.status] ?? 'validation';
      const refusal = new ApiError(code, error.message || 'the request is not valid');
      return c.json(refusal.toBody(), refusal.status);
    }
    deps.log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(new ApiError('internal', 'internal error; see the server log').toBody(), 500);
  });
  app.notFound((c) =>
    c.json(new ApiError('notFound', `no route ${c.req.method} ${c.req.path}`).toBody(), 404),
  );
  // The web UI on the same port; first, so that it sees the 404s it turns into its pages.
  app.use('*', webUi());

  if (options.apiToken !== null) {
    const auth = bearerAuth(options.apiToken);
    // The API's description is public: the docs page fetches it without a token.
    const PUBLIC = new Set(['/api/openapi.json', '/api/docs']);
    const isPublic = (path: string) => PUBLIC.has(path) || path.startsWith(`${API_DOCS_ASSETS}/`);
    app.use('/api/*', (c, next) => (isPublic(c.req.path) ? next() : auth(c, next)));
    // What is being dialed and how it goes is the operator's business; /health says only up or down.
    app.use('/metrics', auth);
  }
  // After the token check: a request without the token is refused before its body is looked at.
  app.use('/api/*', jsonBodyLimit());
  app.route('/api', apiRoutes(deps));
  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps));

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
        'Outbound campaigns for Asterisk: campaigns, leads, call attempts and their timelines, recordings, do-not-call lists, opt-outs asked during a call, consent and contact evidence. Errors are `{ error: { code, message, details } }`. A JSON body is at most 1 MiB (413 `payloadTooLarge`, before it is parsed); an id in a body that names nothing is a 400 `validation` at its field.',
    },
    ...(options.apiToken === null ? {} : { security: [{ bearer: [] }] }),
  });
  app.route('/api', apiDocsRoutes());
  return app;
}
