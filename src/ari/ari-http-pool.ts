import http from 'node:http';
import https from 'node:https';

/**
 * Most sockets the ARI REST calls keep open to Asterisk at once. Asterisk's HTTP server
 * admits `sessionlimit` sessions (http.conf, 100 by default) and the event websocket is
 * one of them; 32 leaves room for other ARI users while a loopback request takes well
 * under a millisecond, so 32 sockets carry tens of thousands of requests per second.
 */
export const DEFAULT_ARI_MAX_SOCKETS = 32;

/**
 * How long an idle socket is kept for the next request (ms). Below Asterisk's own idle
 * close (`session_keep_alive`, 15 s by default) so that we close first, and a request
 * is not written onto a socket Asterisk is closing.
 */
const IDLE_SOCKET_MS = 4_000;

/** An operation of ARI's api-docs, as swagger-client 2.0.26 loads it. */
export interface AriOperationDoc {
  /** Lower case: `get`, `post`, `delete`. */
  method: string;
  /** Under the resource's base path, e.g. `/channels/{channelId}/continue`. */
  path: string;
  parameters?: readonly { name: string; paramType: string }[];
}

/** What a pooled request hands its callbacks: swagger-client's response shape. */
export interface AriPoolResponse {
  status: number;
  data: string;
}

/** Sends ARI REST requests on a bounded pool of keep-alive sockets. */
export interface AriHttpPool {
  /**
   * Sends one operation with swagger-client's argument conventions (path and query
   * parameters by name, a ready JSON `body`). 2xx goes to `onSuccess`, any other answer
   * to `onError`; a request that gets no answer (refused, reset) calls neither, as with
   * swagger-client, and is left to the caller's timeout. Returns a function that
   * abandons the request and frees its socket.
   * @throws string, like swagger-client, when a path parameter is missing.
   */
  send(
    operation: AriOperationDoc,
    args: Record<string, unknown>,
    onSuccess: (response: AriPoolResponse) => void,
    onError: (response: AriPoolResponse) => void,
  ): () => void;
  /** Closes every socket; later requests open new ones. */
  close(): void;
}

/**
 * Creates the pool for one ARI endpoint.
 *
 * Why not ari-client's own requests: swagger-client builds a new HTTP client for every
 * request and sends it through Node's global agent with no socket limit and no
 * keep-alive, so every concurrent request opens a connection of its own. A burst of
 * originates at a thousand live calls overflowed the listen queue, and the dropped
 * connections waited for TCP's SYN retries (seconds). Here requests queue for one of at
 * most `maxSockets` kept-alive sockets instead. swagger-client cannot be handed an
 * agent: its Shred layer also writes the `agent` option into the User-Agent header.
 */
export function createAriHttpPool(endpoint: {
  url: string;
  user: string;
  password: string;
  maxSockets?: number;
}): AriHttpPool {
  const base = new URL(endpoint.url);
  const secure = base.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = new transport.Agent({
    keepAlive: true,
    maxSockets: endpoint.maxSockets ?? DEFAULT_ARI_MAX_SOCKETS,
    timeout: IDLE_SOCKET_MS,
    scheduling: 'lifo',
  });
  const authorization = `Basic ${Buffer.from(`${endpoint.user}:${endpoint.password}`).toString('base64')}`;
  const hostname = base.hostname.replace(/^\[|\]$/g, '');
  const port = base.port === '' ? (secure ? 443 : 80) : Number(base.port);

  return {
    send(operation, args, onSuccess, onError) {
      const target = `/ari${requestPath(operation, args)}`;
      const body = typeof args.body === 'string' ? args.body : undefined;
      const headers: http.OutgoingHttpHeaders = { authorization, accept: 'application/json' };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      let abandoned = false;
      const request = transport.request(
        { agent, hostname, port, method: operation.method.toUpperCase(), path: target, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            if (abandoned) return;
            const status = response.statusCode ?? 0;
            const answer = { status, data: Buffer.concat(chunks).toString('utf-8') };
            if (status >= 200 && status < 300) onSuccess(answer);
            else onError(answer);
          });
          response.on('error', () => {});
        },
      );
      // No answer is reported by the caller's timeout, as swagger-client's silence was.
      request.on('error', () => {});
      request.end(body);
      return () => {
        abandoned = true;
        request.destroy();
      };
    },
    close() {
      agent.destroy();
    },
  };
}

/**
 * The path and query string of one request, as swagger-client's `urlify` makes them:
 * path parameters URI-encoded into the path (each required), query parameters in the
 * api-docs' order, each URI-encoded; values swagger-client would not send are skipped.
 */
export function requestPath(operation: AriOperationDoc, args: Record<string, unknown>): string {
  let path = operation.path;
  let query = '';
  for (const parameter of operation.parameters ?? []) {
    const value = args[parameter.name];
    if (parameter.paramType === 'path') {
      if (!value) throw `${parameter.name} is a required path param.`;
      path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
    } else if (parameter.paramType === 'query' && value !== undefined) {
      query += `${query === '' ? '?' : '&'}${encodeURIComponent(parameter.name)}=${encodeURIComponent(String(value))}`;
    }
  }
  return path + query;
}
