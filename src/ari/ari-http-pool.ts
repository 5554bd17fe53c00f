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

/**
 * How the REST requests reach ARI: `pool`, a bounded pool of kept-alive sockets (the
 * default); `per-request`, a new connection for every request with no bound, which is
 * what ari-client's swagger-client did, kept for benchmarks to compare against.
 */
export type AriRestTransport = 'pool' | 'per-request';

/** The sockets one ARI endpoint's REST requests go out on. */
export interface AriSockets {
  readonly transport: typeof http | typeof https;
  readonly agent: http.Agent;
}

/**
 * The socket pool for one ARI endpoint.
 *
 * Why a pool: swagger-client built a new HTTP client for every request and sent it
 * through Node's global agent with no socket limit and no keep-alive, so every
 * concurrent request opened a connection of its own. A burst of originates at a
 * thousand live calls overflowed the listen queue, and the dropped connections waited
 * for TCP's SYN retries (seconds). Here requests queue for one of at most `maxSockets`
 * kept-alive sockets instead (ADR 020). Idle sockets do not keep the process alive
 * (Node unrefs a kept socket while it waits).
 */
export function createAriSockets(
  url: string,
  options: { maxSockets?: number; transport?: AriRestTransport } = {},
): AriSockets {
  const secure = new URL(url).protocol === 'https:';
  const transport = secure ? https : http;
  const agent =
    options.transport === 'per-request'
      ? new transport.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY })
      : new transport.Agent({
          keepAlive: true,
          maxSockets: options.maxSockets ?? DEFAULT_ARI_MAX_SOCKETS,
          timeout: IDLE_SOCKET_MS,
          scheduling: 'lifo',
        });
  return { transport, agent };
}
