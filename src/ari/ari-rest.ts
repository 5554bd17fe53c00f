import type { Client } from 'ari-client';
import type { Clock } from '../calls/ports.js';
import { shortErrorText } from './ari-error-text.js';
import { AriConnectionError, AriRequestError } from './ari-errors.js';
import type { AriHttpPool, AriOperationDoc } from './ari-http-pool.js';

/** Default longest wait for ARI to answer one REST request (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Calls ARI operations by resource and nickname, keeping the HTTP status of failures. */
export interface AriRest {
  /**
   * Calls one operation of ARI's api-docs (`channels`/`originate`…) with ari-client's
   * parameter conventions: scalars go to the path and query string, and body
   * parameters (`variables`) into a JSON body. Resolves with the parsed JSON answer
   * (undefined for an empty one, e.g. 204). Rejects with `AriRequestError`, carrying
   * the status and ARI's message, or with no status when no answer came in time.
   */
  call(resource: string, operation: string, params?: Record<string, unknown>): Promise<unknown>;
}

/** What swagger-client 2.0.26 hands its success and error callbacks. */
interface SwaggerResponse {
  status?: number;
  data?: { toString(encoding?: string): string } | null;
}

type SwaggerInvoke = (
  args: Record<string, unknown>,
  onSuccess: (response: SwaggerResponse) => void,
  onError: (response: SwaggerResponse) => void,
) => void;

interface SwaggerResource {
  operations?: Record<string, Partial<AriOperationDoc> | undefined>;
  [operation: string]: unknown;
}

interface ClientInternals {
  _swagger?: { apis?: Record<string, SwaggerResource | undefined> };
}

/**
 * Builds the REST caller over a connected ari-client.
 *
 * ari-client rejects a failed call with `new Error(<raw response body>)` and drops the
 * status (lib/client.js, `swaggerError`), yet a 404 (gone) and a 409 (duplicate id,
 * fact 14) must be told apart. Its swagger-client does hand the status to the error
 * callback, so operations are invoked on ari-client's loaded swagger API directly, the
 * way ari-client itself does. swagger-client also never reports a request that got no
 * answer (a refused connection is dropped silently), hence the timeout on every call.
 *
 * @throws AriConnectionError when the client does not have the swagger API loaded.
 */
export function createAriRest(
  client: Client,
  options: {
    clock: Clock;
    timeoutMs?: number;
    /** Sends the requests on this pool of kept-alive sockets instead of swagger-client's. */
    pool?: AriHttpPool;
  },
): AriRest {
  const { clock } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const apis = (client as unknown as ClientInternals)._swagger?.apis;
  if (typeof apis?.channels?.originate !== 'function') {
    throw new AriConnectionError(
      'ari-client has no loaded ARI api-docs (is ari-client 2.2 installed?)',
      { reason: 'failed' },
    );
  }

  return {
    call(resource, operation, params = {}) {
      const api = apis[resource];
      const invoke = api?.[operation];
      if (!api || typeof invoke !== 'function') {
        return Promise.reject(
          new AriRequestError(`${resource}.${operation}`, 'no such operation in the api-docs'),
        );
      }
      const doc = api.operations?.[operation];
      const args = withBodyParameters(doc?.parameters ?? [], params);
      return new Promise((resolve, reject) => {
        let settled = false;
        let abandon: (() => void) | undefined;
        const timer = clock.setTimeout(() => {
          abandon?.();
          settle(() =>
            reject(
              new AriRequestError(`${resource}.${operation}`, `no answer within ${timeoutMs} ms`),
            ),
          );
        }, timeoutMs);
        function settle(finish: () => void): void {
          if (settled) return;
          settled = true;
          clock.clearTimeout(timer);
          finish();
        }
        const onSuccess = (response: SwaggerResponse) => settle(() => resolve(parseBody(response)));
        const onError = (response: SwaggerResponse) =>
          settle(() => reject(requestError(resource, operation, response)));
        try {
          if (options.pool && doc?.method && doc.path) {
            abandon = options.pool.send(
              { method: doc.method, path: doc.path, parameters: doc.parameters },
              args,
              onSuccess,
              onError,
            );
          } else {
            (invoke as SwaggerInvoke).call(api, args, onSuccess, onError);
          }
        } catch (error) {
          // Both throw strings, e.g. for a missing path parameter.
          settle(() =>
            reject(
              new AriRequestError(`${resource}.${operation}`, `not sent: ${String(error)}`, {
                cause: error,
              }),
            ),
          );
        }
      });
    },
  };
}

/**
 * Moves body parameters into a JSON body as ari-client does (lib/utils.js): the
 * originate's `variables` travel as `{"variables": {...}}`, not on the query string.
 */
function withBodyParameters(
  parameters: readonly { name: string; paramType: string }[],
  params: Record<string, unknown>,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) args[name] = value;
  }
  for (const parameter of parameters) {
    if (parameter.paramType !== 'body' || args[parameter.name] === undefined) continue;
    args.body = JSON.stringify({ [parameter.name]: args[parameter.name] });
    delete args[parameter.name];
  }
  return args;
}

function parseBody(response: SwaggerResponse): unknown {
  const text = response.data?.toString('utf-8') ?? '';
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function requestError(
  resource: string,
  operation: string,
  response: SwaggerResponse,
): AriRequestError {
  const status =
    typeof response.status === 'number' && response.status > 0 ? response.status : undefined;
  // ARI's errors are `{"message": "Channel not found"}` (fact 18); a shutting-down
  // Asterisk answers with an HTML page instead.
  return new AriRequestError(`${resource}.${operation}`, shortErrorText(parseBody(response)), {
    status,
  });
}
