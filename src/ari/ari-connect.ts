import { type Client, connect } from 'ari-client';
import type { Logger } from 'pino';
import type { Clock } from '../calls/ports.js';
import { AriConnectionError } from './ari-errors.js';
import { createAriHttp } from './ari-rest.js';
import { quietSwaggerDeprecationNotice } from './quiet-swagger.js';
import { type BackoffPolicy, backoffDelayMs } from './reconnect-backoff.js';

/** Where ARI is and who we are there. */
export interface AriEndpoint {
  /** Base URL of Asterisk's HTTP server, e.g. `http://127.0.0.1:8088` (a path is ignored). */
  url: string;
  user: string;
  password: string;
}

export interface AriConnectOptions {
  clock: Clock;
  log: Logger;
  /** Attempts before giving up while ARI is unreachable (at least 1). */
  attempts: number;
  backoff: BackoffPolicy;
  /** Longest wait for one HTTP answer (ms). */
  requestTimeoutMs: number;
}

/**
 * Connects ari-client to ARI: checks that ARI answers with these credentials, then lets
 * ari-client load the api-docs. An unreachable host (or a 5xx) is retried with backoff
 * up to `attempts` times; wrong credentials fail at once.
 *
 * The check comes first because ari-client handles a failed api-docs load badly: on a
 * 401, swagger-client rejects with a bare string and also throws it out of the HTTP
 * callback, where nothing can catch it. Note that ari-client keeps the credentials in
 * a process-wide setting: the last client connected decides them for all.
 *
 * @throws AriConnectionError with `reason` `unreachable`, `unauthorized` or `failed`.
 */
export async function connectAriClient(
  endpoint: AriEndpoint,
  options: AriConnectOptions,
): Promise<Client> {
  const base = baseUrlOf(endpoint.url);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await checkApiDocs(base, endpoint, options);
      break;
    } catch (error) {
      const retryable =
        error instanceof AriConnectionError &&
        (error.reason === 'unreachable' || (error.status ?? 0) >= 500);
      if (!retryable || attempt >= options.attempts) throw error;
      const delayMs = backoffDelayMs(attempt, options.backoff);
      options.log.warn({ err: error, attempt, delayMs }, 'ARI not reachable yet, retrying');
      await sleep(options.clock, delayMs);
    }
  }
  quietSwaggerDeprecationNotice();
  try {
    return await oneAtATime(() => connect(base, endpoint.user, endpoint.password));
  } catch (error) {
    throw new AriConnectionError(`could not load ARI's api-docs from ${base}: ${reasonOf(error)}`, {
      reason: 'failed',
      cause: error,
    });
  }
}

/** The tail of the api-docs loads in this process (see {@link oneAtATime}). */
let loading: Promise<unknown> = Promise.resolve();

/**
 * Runs one ari-client connection at a time in this process. ari-client sets the
 * credentials of its api-docs load process-wide just before the load: two loads at once
 * (several PBXs connecting) would each go out with the other's, and a 401 there escapes
 * as an uncaught exception (see above). Once loaded, requests go with their own
 * credentials (ari-rest.ts), so only the load needs the turn.
 */
function oneAtATime<T>(load: () => Promise<T>): Promise<T> {
  const turn = loading.then(load, load);
  loading = turn.catch(() => {});
  return turn;
}

async function checkApiDocs(
  base: string,
  endpoint: AriEndpoint,
  options: AriConnectOptions,
): Promise<void> {
  const http = createAriHttp({
    ...endpoint,
    url: base,
    clock: options.clock,
    timeoutMs: options.requestTimeoutMs,
  });
  const answer = await http.request('GET', '/api-docs/resources.json');
  if (!answer.answered) {
    throw new AriConnectionError(`ARI is not reachable at ${base}: ${answer.reason}`, {
      reason: 'unreachable',
      cause: answer.cause,
    });
  }
  const { status } = answer;
  if (status === 401) {
    throw new AriConnectionError(
      `ARI at ${base} refused user "${endpoint.user}" (HTTP 401): check the ARI user and password (ari.conf)`,
      { reason: 'unauthorized', status: 401 },
    );
  }
  if (status >= 500) {
    throw new AriConnectionError(`ARI at ${base} is not ready (HTTP ${status})`, {
      reason: 'failed',
      status,
    });
  }
  if (status < 200 || status >= 300) {
    throw new AriConnectionError(
      `${base}/ari/api-docs/resources.json answered HTTP ${status}: is this Asterisk's HTTP server with ARI enabled?`,
      { reason: 'failed', status },
    );
  }
}

/** ari-client only keeps the protocol and host of the URL it is given. */
function baseUrlOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new AriConnectionError(`not a valid ARI URL: "${url}"`, {
      reason: 'failed',
      cause: error,
    });
  }
  return `${parsed.protocol}//${parsed.host}`;
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
