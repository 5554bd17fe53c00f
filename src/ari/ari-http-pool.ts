import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { buildConnector, type Dispatcher, errors, Pool } from 'undici';

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

/**
 * How the REST requests reach ARI: `pool`, a bounded pool of kept-alive sockets (the
 * default); `per-request`, a new connection for every request with no bound, which is
 * what ari-client's swagger-client did, kept for benchmarks to compare against.
 */
export type AriRestTransport = 'pool' | 'per-request';

/**
 * Gives up one request: `abort(reason)` emits `abort` once. An EventEmitter with
 * `aborted` and `reason`, which undici takes as a request's signal (its documented
 * alternative to an AbortSignal): an AbortController and its listeners cost about a
 * third of undici's own CPU per request (docs/BENCHMARKS.md, ADR 049).
 */
export class AriAbort extends EventEmitter {
  aborted = false;
  reason: unknown;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/** One request, its target already holding the path and query string. */
export interface AriRequestLine {
  method: string;
  /** `/ari/channels?endpoint=…` */
  target: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** False: a 2xx body is read off the socket and dropped (`text` is empty). */
  readBody: boolean;
  /** Aborting it gives the request up, waiting for a socket or mid-answer, and frees its socket. */
  signal: AriAbort;
}

/**
 * What came of one request on one socket: the whole answer, or why there is none and
 * whether the socket it failed on was a kept one that had carried an answer before.
 */
export type AriSocketOutcome =
  | { status: number; text: string }
  | { error: unknown; reused: boolean };

/** The sockets one ARI endpoint's REST requests go out on. */
export interface AriSockets {
  /** Sends one request and reads its answer; never rejects. */
  exchange(request: AriRequestLine): Promise<AriSocketOutcome>;
  /** Closes every socket, failing what is in flight; later requests open new ones. */
  close(): void;
}

/**
 * The socket pool for one ARI endpoint.
 *
 * Why a pool: swagger-client built a new HTTP client for every request and sent it
 * through Node's global agent with no socket limit and no keep-alive, so every
 * concurrent request opened a connection of its own. A burst of originates at a
 * thousand live calls overflowed the listen queue, and the dropped connections waited
 * for TCP's SYN retries (seconds). Here requests queue for one of at most `maxSockets`
 * kept-alive sockets instead (ADR 020), on undici's pool (ADR 049).
 */
export function createAriSockets(
  url: string,
  options: { maxSockets?: number; transport?: AriRestTransport } = {},
): AriSockets {
  return options.transport === 'per-request'
    ? nodeSocketPerRequest(url)
    : undiciPool(url, options.maxSockets ?? DEFAULT_ARI_MAX_SOCKETS);
}

/**
 * undici's `Pool` (ADR 049): about half the client CPU of Node's `http` per request,
 * for the same rules. At most `maxSockets` connections, one request at a time on each
 * (`pipelining: 1`: a request is never queued behind a slow answer on a socket while
 * another is free). The pool hands a request to its first free connection in the order
 * they were opened, so the load settles on the fewest sockets and the rest idle out
 * after {@link IDLE_SOCKET_MS}, as the most-recently-used-first agent did. undici unrefs
 * an idle socket and its keep-alive timers, so kept sockets never hold the process open.
 * undici's own connect, header and body time limits are off: the caller's one limit
 * covers it all.
 *
 * Requests beyond `maxSockets` wait in our own line ({@link admission}), not undici's:
 * a request given up while in undici's queue stays there, and when a socket frees up it
 * is handed that dead request, which undici then aborts by destroying the socket. Under
 * a backlog, when requests time out waiting, that would close a kept socket for each.
 */
function undiciPool(url: string, maxSockets: number): AriSockets {
  const { origin } = new URL(url);
  const connector = buildConnector({ timeout: 0 });
  // Errors of sockets that had read an answer before: a request failing on one of those
  // before its own answer was likely written as the server closed the kept socket.
  const keptSocketErrors = new WeakSet<object>();
  const newPool = () =>
    new Pool(origin, {
      connections: maxSockets,
      pipelining: 1,
      keepAliveTimeout: IDLE_SOCKET_MS,
      keepAliveMaxTimeout: IDLE_SOCKET_MS,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect(connectOptions, callback) {
        connector(connectOptions, (...result) => {
          const socket = result[1];
          // Before undici's own listener, which fails the request with this very error.
          socket?.prependListener('error', (error) => {
            if (socket.bytesRead > 0) keptSocketErrors.add(error);
          });
          callback(...result);
        });
      },
    });
  let pool: Pool | null = null;
  const line = admission(maxSockets);
  return {
    async exchange(request) {
      const waited = line.enter(request.signal);
      if (waited !== null) {
        try {
          await waited;
        } catch (error) {
          return { error, reused: false };
        }
      }
      pool ??= newPool();
      try {
        return await exchangeOn(pool, request, keptSocketErrors);
      } finally {
        line.leave();
      }
    },
    close() {
      pool?.destroy().catch(() => {});
      pool = null;
    },
  };
}

/** One request on undici's pool, its answer read to the end. */
async function exchangeOn(
  pool: Pool,
  { method, target, headers, body, readBody, signal }: AriRequestLine,
  keptSocketErrors: WeakSet<object>,
): Promise<AriSocketOutcome> {
  let answer: Awaited<ReturnType<Pool['request']>>;
  try {
    answer = await pool.request({
      method: method as Dispatcher.HttpMethod,
      path: target,
      headers,
      body,
      signal,
    });
  } catch (error) {
    return { error, reused: failedOnKeptSocket(error, keptSocketErrors) };
  }
  const status = answer.statusCode;
  try {
    if (!readBody && status >= 200 && status < 300) {
      // Read to its end all the same: only then is the socket free for the next request.
      await answer.body.dump();
      return { status, text: '' };
    }
    return { status, text: await answer.body.text() };
  } catch (error) {
    return { error, reused: false };
  }
}

/**
 * At most `max` requests out at once; the others wait their turn in order, and one whose
 * signal aborts while it waits leaves the line, rejecting with the signal's reason.
 * `enter` gives null when the request may go at once (no promise to wait on).
 */
function admission(max: number) {
  let out = 0;
  // A Set keeps the order of arrival and drops an aborted waiter at once.
  const waiting = new Set<() => void>();
  return {
    enter(signal: AriAbort): Promise<void> | null {
      if (out < max) {
        out += 1;
        return null;
      }
      return new Promise((resolve, reject) => {
        const admit = () => {
          signal.removeListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          waiting.delete(admit);
          reject(signal.reason);
        };
        waiting.add(admit);
        signal.once('abort', onAbort);
      });
    },
    /** The request is done: its turn passes to the first waiting, if any. */
    leave() {
      const next = waiting.values().next();
      if (next.done) {
        out -= 1;
        return;
      }
      waiting.delete(next.value);
      next.value();
    },
  };
}

/** How a connection is lost: reset, broken pipe, or undici's "other side closed". */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * True when a request lost its connection before its answer on a socket that had read
 * bytes before: the server closed that kept socket as the request went out. undici's
 * "other side closed" says how much its socket had read; a reset or broken pipe is the
 * socket's own error, marked as it was raised. (Bytes of a partial answer to this very
 * request count too: a server that breaks off a head it began is also sent the request
 * once more.) Anything else, an answer that is not HTTP say, is not sent again.
 */
function failedOnKeptSocket(error: unknown, keptSocketErrors: WeakSet<object>): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (!CONNECTION_LOST.has((error as { code?: string }).code ?? '')) return false;
  if (keptSocketErrors.has(error)) return true;
  return error instanceof errors.SocketError && (error.socket?.bytesRead ?? 0) > 0;
}

/**
 * A new connection for every request through Node's client, unbounded: what
 * swagger-client did, for benchmarks that compare against it.
 */
function nodeSocketPerRequest(url: string): AriSockets {
  const root = new URL(url);
  const transport = root.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const hostname = root.hostname.replace(/^\[|\]$/g, '');
  const port = root.port === '' ? (root.protocol === 'https:' ? 443 : 80) : Number(root.port);
  return {
    exchange({ method, target, headers, body, readBody, signal }) {
      return new Promise((resolve) => {
        // Without a length Node's client would send the body chunked.
        const sized =
          body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) };
        const request = transport.request(
          { agent, hostname, port, method, path: target, headers: sized },
          (response) => {
            const status = response.statusCode ?? 0;
            response.on('error', (error) => resolve({ error, reused: false }));
            if (!readBody && status >= 200 && status < 300) {
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
        signal.once('abort', () => request.destroy(signal.reason as Error));
        request.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
