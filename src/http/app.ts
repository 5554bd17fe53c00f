import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { API_DOCS_ASSETS, apiDocsRoutes } from './api-docs.js';
import { ApiError, type ApiErrorCode } from './api-error.js';
import { type AttemptsRoutesDeps, attemptsRoutes } from './attempts-routes.js';
import { bearerAuth } from './bearer-auth.js';
import { blackoutPresetsRoutes } from './blackout-presets-routes.js';
import {
  type CampaignActionsRoutesDeps,
  campaignActionsRoutes,
} from './campaign-actions-routes.js';
import { type CampaignsRoutesDeps, campaignsRoutes } from './campaigns-routes.js';
import { type DncRoutesDeps, dncRoutes } from './dnc-routes.js';
import { eventsRoutes } from './events-routes.js';
import { type EvidenceRoutesDeps, evidenceRoutes } from './evidence-routes.js';
import { type HealthRoutesDeps, healthRoutes } from './health-routes.js';
import { jsonBodyLimit } from './json-body-limit.js';
import { type LeadCsvRoutesDeps, leadCsvRoutes } from './lead-csv-routes.js';
import { type LeadImportRoutesDeps, leadImportRoutes } from './lead-import-routes.js';
import { type LeadsRoutesDeps, leadsRoutes } from './leads-routes.js';
import type { LiveFanout } from './live-fanout.js';
import { metaRoutes } from './meta-routes.js';
import { type MetricsRoutesDeps, metricsRoutes } from './metrics-routes.js';
import { type OptOutRoutesDeps, optOutRoutes } from './opt-out-routes.js';
import { type RecordingsRoutesDeps, recordingsRoutes } from './recordings-routes.js';
import { type SetupRoutesDeps, setupRoutes } from './setup-routes.js';
import { webUi } from './web-ui.js';

export interface ApiOptions {
  /** Bearer token every `/api` route requires; none means open (loopback-only listening). */
  apiToken: string | null;
  /** Version shown in the OpenAPI document. */
  version: string;
}

/**
 * Each router's own dependencies, as the composition root (src/main.ts) builds them;
 * a router sees only what it declares, and this module only mounts them.
 */
export interface ApiRouters {
  campaigns: CampaignsRoutesDeps;
  campaignActions: CampaignActionsRoutesDeps;
  /** The live feed's delivery to `/api/events` clients. */
  events: Pick<LiveFanout, 'open'>;
  recordings: RecordingsRoutesDeps;
  dnc: DncRoutesDeps;
  optOuts: OptOutRoutesDeps;
  setup: SetupRoutesDeps;
  leads: LeadsRoutesDeps;
  leadImports: LeadImportRoutesDeps;
  leadCsv: LeadCsvRoutesDeps;
  attempts: AttemptsRoutesDeps;
  evidence: EvidenceRoutesDeps;
  health: HealthRoutesDeps;
  metrics: MetricsRoutesDeps;
  /** Where requests that fail unexpectedly are logged. */
  log: Logger;
}

/** Hono's own refusals (a body that is not JSON, a media type a route does not take). */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ApiErrorCode>> = {
  413: 'payloadTooLarge',
  415: 'unsupportedMediaType',
};

/** Builds the `/api` routes; kept apart so that their type is the typed client's. */
function apiRoutes(deps: ApiRouters) {
  return new OpenAPIHono()
    .route('/campaigns', campaignsRoutes(deps.campaigns))
    .route('/campaigns', campaignActionsRoutes(deps.campaignActions))
    .route('/events', eventsRoutes(deps.events))
    .route('/recordings', recordingsRoutes(deps.recordings))
    .route('/', dncRoutes(deps.dnc))
    .route('/', optOutRoutes(deps.optOuts))
    .route('/setup', setupRoutes(deps.setup))
    .route('/', leadsRoutes(deps.leads))
    .route('/', leadImportRoutes(deps.leadImports))
    .route('/', leadCsvRoutes(deps.leadCsv))
    .route('/', attemptsRoutes(deps.attempts))
    .route('/', evidenceRoutes(deps.evidence))
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
export function createApp(deps: ApiRouters, options: ApiOptions) {
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
  app.route('/', healthRoutes(deps.health));
  app.route('/', metricsRoutes(deps.metrics));

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
