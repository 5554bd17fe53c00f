import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Client } from 'ari-client';
import type { Clock } from '../calls/ports.js';
import { shortErrorText } from './ari-error-text.js';
import { AriConnectionError, AriRequestError } from './ari-errors.js';
import { type AriRestTransport, createAriSockets } from './ari-http-pool.js';

/** Default longest wait for ARI to answer one REST request (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Where ARI is, who we are there, and whose timers limit the wait. */
export interface AriHttpOptions {
  /** Asterisk's HTTP server root, e.g. `http://127.0.0.1:8088`; ARI lives under `/ari`. */
  url: string;
  user: string;
  password: string;
  clock: Clock;
  /** Longest wait for one answer, body included (ms). Default {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Most sockets kept open to ARI at once (default 32, see ari-http-pool.ts). */
  maxSockets?: number;
  /** `pool` (default) or `per-request`, for benchmarks only (see ari-http-pool.ts). */
  transport?: AriRestTransport;
}

/** One request to ARI and what came of it; `what` names it for messages (`GET http://…/ari/…`). */
export type AriExchange =
  | { answered: true; what: string; status: number; body: unknown }
  | {
      answered: false;
      what: string;
      /** True when nothing came back within the time limit. */
      timedOut: boolean;
      /** Why there is no answer, readable: `connection refused, nothing listens there (ECONNREFUSED)`. */
      reason: string;
      cause: unknown;
    };

export interface AriRequestOptions {
  /** Query string parameters; undefined values are left out. */
  query?: Record<string, string | undefined>;
  /** Sent as a JSON body. */
  body?: unknown;
  /** This request's own time limit (ms), instead of the client's. */
  timeoutMs?: number;
  /**
   * False when the caller does not read a successful answer: a 2xx body is then taken
   * off the socket and dropped, neither kept nor parsed (`body` is undefined). Any
   * other status keeps its body, which says why. Default true.
   */
  readBody?: boolean;
}

/** ARI's HTTP API: every request to ARI goes through here, with HTTP Basic auth. */
export interface AriHttp {
  /** The HTTP server root, without a trailing slash. */
  readonly baseUrl: string;
  /** The `Authorization` header value, for ARI's websockets too. */
  readonly authorization: string;
  /** The events websocket URL of a Stasis app (`ws://…/ari/events?app=…`). */
  eventsUrl(app: string): string;
  /**
   * Sends `method /ari<path>` and reads the whole answer, whatever its status. Never
   * rejects: a request that got no answer resolves with `answered: false`.
   */
  request(method: string, path: string, options?: AriRequestOptions): Promise<AriExchange>;
  /** Closes the kept sockets; later requests open new ones. */
  close(): void;
}

/**
 * Builds ARI's HTTP client on a bounded pool of kept-alive sockets (ari-http-pool.ts).
 * The time limit runs on the injected clock and covers reading the body, so a server
 * that stalls mid-answer is given up on too; the time a request waits for a free socket
 * counts against it.
 */
export function createAriHttp(options: AriHttpOptions): AriHttp {
  const { clock } = options;
  const baseUrl = options.url.replace(/\/+$/, '');
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  const sockets = createAriSockets(baseUrl, options);
  const root = new URL(baseUrl);
  const hostname = root.hostname.replace(/^\[|\]$/g, '');
  const port = root.port === '' ? (root.protocol === 'https:' ? 443 : 80) : Number(root.port);
  const prefix = root.pathname.replace(/\/+$/, '');

  /** One exchange on one socket; a kept socket the server closed meanwhile says so. */
  function exchange(
    method: string,
    target: string,
    body: string | undefined,
    readBody: boolean,
    onRequest: (request: ClientRequest) => void,
  ): Promise<{ status: number; text: string } | { error: unknown; reused: boolean }> {
    return new Promise((resolve) => {
      const headers: Record<string, string | number> = {
        authorization,
        accept: 'application/json',
      };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const request = sockets.transport.request(
        { agent: sockets.agent, hostname, port, method, path: target, headers },
        (response: IncomingMessage) => {
          const status = response.statusCode ?? 0;
          response.on('error', (error) => resolve({ error, reused: false }));
          if (!readBody && status >= 200 && status < 300) {
            // Read to its end all the same: only then is the socket free for the next request.
            response.on('end', () => resolve({ status, text: '' }));
            response.resume();
            return;
          }
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString() }));
        },
      );
      request.on('error', (error) => resolve({ error, reused: request.reusedSocket }));
      onRequest(request);
      request.end(body);
    });
  }

  return {
    baseUrl,
    authorization,
    eventsUrl: (app) =>
      `${baseUrl.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}`,

    async request(method, path, requestOptions = {}) {
      const timeoutMs = requestOptions.timeoutMs ?? defaultTimeoutMs;
      const search = queryString(requestOptions.query ?? {});
      const target = `${prefix}/ari${path}${search ? `?${search}` : ''}`;
      const what = `${method} ${baseUrl}/ari${path}${search ? `?${search}` : ''}`;
      const body =
        requestOptions.body === undefined ? undefined : JSON.stringify(requestOptions.body);
      let current: ClientRequest | undefined;
      let timedOut = false;
      const timer = clock.setTimeout(() => {
        timedOut = true;
        current?.destroy(new Error('timed out'));
      }, timeoutMs);
      const readBody = requestOptions.readBody ?? true;
      try {
        let outcome = await exchange(method, target, body, readBody, (r) => {
          current = r;
        });
        // A kept socket the server closed just as we wrote on it fails before any answer:
        // the request never reached ARI, so it is sent once more on a fresh socket
        // (Node's advice for kept-alive agents). An originate is safe to send again: its
        // channel id is ours, and a second one would be refused as a duplicate.
        if ('error' in outcome && outcome.reused && !timedOut) {
          outcome = await exchange(method, target, body, readBody, (r) => {
            current = r;
          });
        }
        if ('error' in outcome) {
          return {
            answered: false,
            what,
            timedOut,
            reason: timedOut ? `no answer within ${timeoutMs} ms` : networkReason(outcome.error),
            cause: outcome.error,
          };
        }
        return { answered: true, what, status: outcome.status, body: parseBody(outcome.text) };
      } finally {
        clock.clearTimeout(timer);
      }
    },

    close() {
      sockets.agent.destroy();
    },
  };
}

/** Encoded as swagger-client did for ari-client (arrays comma-joined), so ARI reads the same. */
function queryString(query: Record<string, string | undefined>): string {
  return Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** Parsed JSON, the raw text when it is not JSON (an HTML error page), undefined when empty. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused, nothing listens there',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ETIMEDOUT: 'connecting timed out',
};

function networkReason(error: unknown): string {
  // Node's socket errors carry the code (ECONNREFUSED, ENOTFOUND, …) themselves.
  const failure = error as NodeJS.ErrnoException | undefined;
  const code = failure?.code;
  const words = code ? NETWORK_ERRORS[code] : undefined;
  if (words) return `${words} (${code})`;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** Calls ARI operations by resource and nickname, keeping the HTTP status of failures. */
export interface AriRest {
  /**
   * Calls one operation of ARI's api-docs (`channels`/`originate`…) with ari-client's
   * parameter conventions: path parameters go into the path, the other scalars to the
   * query string, and body parameters (`variables`) into a JSON body. Resolves with the
   * parsed JSON answer (undefined for an empty one, e.g. 204). Rejects with
   * `AriRequestError`, carrying the status and ARI's message, or with no status when no
   * answer came in time or the request could not be sent. With `{ answer: false }` a
   * successful answer is not read (see `readBody`): it resolves with undefined.
   */
  call(
    resource: string,
    operation: string,
    params?: Record<string, unknown>,
    options?: { answer?: boolean },
  ): Promise<unknown>;
}

/** An operation as swagger-client 2.0.26 keeps it from ARI's api-docs. */
interface ApiDocsOperation {
  path?: string;
  method?: string;
  parameters?: { name: string; paramType: string }[];
}

interface ClientInternals {
  _swagger?: {
    apis?: Record<
      string,
      { operations?: Record<string, ApiDocsOperation | undefined> } | undefined
    >;
  };
}

/**
 * Builds the REST caller from the api-docs ari-client loaded, sending over `http`.
 *
 * ari-client rejects a failed call with `new Error(<raw response body>)` and drops the
 * status (lib/client.js, `swaggerError`), yet a 404 (gone) and a 409 (duplicate id,
 * fact 14) must be told apart, and its swagger-client never reports a request that got
 * no answer (a refused connection is dropped silently). So ari-client only supplies the
 * api-docs, each operation's method, path and parameter kinds, and the request itself
 * goes through the one ARI HTTP client.
 *
 * @throws AriConnectionError when the client does not have the api-docs loaded.
 */
export function createAriRest(client: Client, http: AriHttp): AriRest {
  const apis = (client as unknown as ClientInternals)._swagger?.apis;
  if (!apis?.channels?.operations?.originate?.path) {
    throw new AriConnectionError(
      'ari-client has no loaded ARI api-docs (is ari-client 2.2 installed?)',
      { reason: 'failed' },
    );
  }

  return {
    async call(resource, operation, params = {}, options = {}) {
      const name = `${resource}.${operation}`;
      const spec = apis[resource]?.operations?.[operation];
      if (!spec?.path || !spec.method) {
        throw new AriRequestError(name, 'no such operation in the api-docs');
      }
      const request = requestFor(spec, params);
      if (typeof request === 'string') throw new AriRequestError(name, `not sent: ${request}`);
      const exchange = await http.request(spec.method.toUpperCase(), request.path, {
        ...request,
        readBody: options.answer ?? true,
      });
      if (!exchange.answered) {
        throw new AriRequestError(name, exchange.reason, { cause: exchange.cause });
      }
      if (exchange.status >= 200 && exchange.status < 300) return exchange.body;
      // ARI's errors are `{"message": "Channel not found"}` (fact 18); a shutting-down
      // Asterisk answers with an HTML page instead.
      throw new AriRequestError(name, shortErrorText(exchange.body), { status: exchange.status });
    },
  };
}

/**
 * Places the parameters as ari-client does (swagger-client's `urlify`, ari-client's
 * lib/utils.js): path parameters into the path, query ones onto the query string, and
 * a body parameter as `{"<name>": value}` (the originate's `variables`). Absent values
 * are left out. A string is why it cannot be sent.
 */
function requestFor(
  spec: ApiDocsOperation,
  params: Record<string, unknown>,
): { path: string; query: Record<string, string>; body?: unknown } | string {
  let path = (spec.path ?? '').replace('{format}', 'json');
  const query: Record<string, string> = {};
  let body: Record<string, unknown> | undefined;
  for (const parameter of spec.parameters ?? []) {
    const value = params[parameter.name];
    const present = value !== undefined && value !== null;
    if (parameter.paramType === 'path') {
      if (!present || value === '') return `${parameter.name} is a required path param.`;
      path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
    } else if (present && parameter.paramType === 'query') {
      query[parameter.name] = String(value);
    } else if (present && parameter.paramType === 'body') {
      body = { ...body, [parameter.name]: value };
    }
  }
  return { path, query, body };
}
