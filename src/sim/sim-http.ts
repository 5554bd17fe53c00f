import { Hono } from 'hono';
import type { Logger } from 'pino';
import { ariApiDeclaration, ariResourceListing } from './api-docs/ari-api-docs.js';
import { SIMULATED_VERSION } from './sim-asterisk-info.js';
import { type AriCredentials, AUTH_REQUIRED_BODY, isAuthorized } from './sim-auth.js';
import type { SimPbx } from './sim-pbx.js';
import { registerChannelRoutes } from './sim-rest-channels.js';
import { ariJson, requestText } from './sim-rest-io.js';
import { registerSystemRoutes, type SystemRoutesDeps } from './sim-rest-system.js';

/** An authorized REST request, as the simulator received it. */
export interface SimRequestRecord {
  method: string;
  path: string;
  /** Query parameters, decoded (the first value of a repeated one). */
  query: Record<string, string>;
  /** The parsed JSON body, or null when there was none. */
  body: unknown;
}

export interface SimHttpDeps extends SystemRoutesDeps {
  pbx: SimPbx;
  credentials: AriCredentials;
  /** Sees every authorized request, e.g. for tests asserting what a client sent. */
  recordRequest?: (request: SimRequestRecord) => void;
  /** Writes out the websocket frames held for the end of the turn (see sim-websocket.ts). */
  flushEvents?: () => void;
  /** True while the PBX shuts down: every request gets Asterisk's HTML 503 page. */
  shuttingDown?: () => boolean;
  log?: Logger;
}

/** What Asterisk's HTTP server answers while it shuts down: an HTML page, not ARI's JSON. */
export const SHUTTING_DOWN_PAGE = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>503 Service Unavailable</title>
</head><body>
<h1>Service Unavailable</h1>
<p>Shutting down</p>
<hr />
<address>Asterisk Server</address>
</body></html>
`;

/** The simulator's HTTP side: ARI's REST operations and api-docs under `/ari`. */
export function createSimHttpApp(deps: SimHttpDeps): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    // Set before the answer is made, so that it is built with it: a header added to a
    // finished answer makes hono copy it into a web Response with a streamed body,
    // which was the largest single cost of a REST answer.
    c.header('Server', `Asterisk/${SIMULATED_VERSION}`);
    if (deps.shuttingDown?.()) return c.html(SHUTTING_DOWN_PAGE, 503);
    await next();
    // The events this request caused go out ahead of its answer.
    deps.flushEvents?.();
  });

  // Everything under /ari needs credentials, the api-docs included (fact 18).
  app.use('/ari/*', async (c, next) => {
    if (
      !isAuthorized(deps.credentials, c.req.header('authorization'), c.req.query('api_key') ?? null)
    ) {
      c.header('WWW-Authenticate', 'Basic realm="Asterisk REST Interface"');
      return ariJson(c, AUTH_REQUIRED_BODY, 401);
    }
    if (deps.recordRequest) {
      const text = await requestText(c);
      let body: unknown = null;
      try {
        body = text.trim() === '' ? null : JSON.parse(text);
      } catch {
        body = text;
      }
      deps.recordRequest({ method: c.req.method, path: c.req.path, query: c.req.query(), body });
    }
    await next();
  });

  // ari-client builds its methods from these; basePath names the host asked, as Asterisk does.
  app.get('/ari/api-docs/:file', (c) => {
    const file = c.req.param('file');
    const basePath = `http://${c.req.header('host') ?? '127.0.0.1'}/ari`;
    if (file === 'resources.json') return ariJson(c, ariResourceListing(basePath));
    const declaration = file.endsWith('.json')
      ? ariApiDeclaration(file.slice(0, -'.json'.length), basePath)
      : undefined;
    return declaration
      ? ariJson(c, declaration)
      : ariJson(c, { message: 'Resource not found' }, 404);
  });

  registerChannelRoutes(app, deps.pbx);
  registerSystemRoutes(app, deps);

  app.notFound((c) => ariJson(c, { message: 'Resource not found' }, 404));
  app.onError((error, c) => {
    deps.log?.error(
      { err: error, method: c.req.method, path: c.req.path },
      'simulated ARI request failed',
    );
    return ariJson(c, { message: 'Internal Server Error' }, 500);
  });
  return app;
}
