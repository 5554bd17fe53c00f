import type { ErrorBody } from '../../src/http/api-error.js';
import type { ApiInput, ApiOutput, ApiSchema, Method } from '../../web/src/api/api-types.js';

// A client of the API typed by its routes, over the web UI's own types of them
// (`ApiType` of src/http/app.ts): a test names the route as the server declares it, its
// input is checked against the route's params, query and JSON body, and the success body
// has the route's type. A route that changes its shape breaks the tests that call it at
// compile time, as it breaks the UI.

/** An answer: the route's success body on a 2xx, the API's error body otherwise. */
export type ApiAnswer<P extends keyof ApiSchema, M extends keyof ApiSchema[P]> =
  | { ok: true; status: number; headers: Headers; body: ApiOutput<P, M> }
  | { ok: false; status: number; headers: Headers; body: ErrorBody };

export interface ApiClient {
  /** Calls `method path` (relative to `/api`) with its typed input. */
  api<P extends keyof ApiSchema, M extends keyof ApiSchema[P] & Method>(
    method: M,
    path: P,
    input: ApiInput<P, M>,
    headers?: Record<string, string>,
  ): Promise<ApiAnswer<P, M>>;
  /** `api`, expecting a 2xx: resolves to the success body, fails the test with the error otherwise. */
  ok<P extends keyof ApiSchema, M extends keyof ApiSchema[P] & Method>(
    method: M,
    path: P,
    input: ApiInput<P, M>,
  ): Promise<ApiOutput<P, M>>;
  /** `api`, expecting a refusal: resolves to its status and error, fails the test on a 2xx. */
  refused<P extends keyof ApiSchema, M extends keyof ApiSchema[P] & Method>(
    method: M,
    path: P,
    input: ApiInput<P, M>,
  ): Promise<{ status: number } & ErrorBody['error']>;
}

/** `/campaigns/:id` with `{ id: 'c1' }` and a query → `/api/campaigns/c1?…`. */
function apiUrl(path: string, param?: object, query?: object): string {
  const filled = path.replace(/:(\w+)/g, (_, name: string) => {
    const value = (param as Record<string, unknown> | undefined)?.[name];
    if (value === undefined) throw new Error(`${path} needs the parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const qs = search.toString();
  return `/api${filled}${qs === '' ? '' : `?${qs}`}`;
}

/** The typed client over an app answered in process (`app.request`). */
export function createApiClient(app: {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}): ApiClient {
  const client: ApiClient = {
    async api(method, path, input, headers = {}) {
      const { param, query, json } = input as { param?: object; query?: object; json?: unknown };
      const init: RequestInit = { method: method.slice(1).toUpperCase(), headers: { ...headers } };
      if (json !== undefined) {
        init.body = JSON.stringify(json);
        init.headers = { 'content-type': 'application/json', ...headers };
      }
      const response = await app.request(apiUrl(path as string, param, query), init);
      const text = await response.text();
      const body = text === '' ? undefined : JSON.parse(text);
      return response.ok
        ? { ok: true, status: response.status, headers: response.headers, body }
        : { ok: false, status: response.status, headers: response.headers, body };
    },
    async ok(method, path, input) {
      const answer = await client.api(method, path, input);
      if (!answer.ok) {
        throw new Error(
          `${method} ${String(path)}: ${answer.status} ${JSON.stringify(answer.body.error)}`,
        );
      }
      return answer.body;
    },
    async refused(method, path, input) {
      const answer = await client.api(method, path, input);
      if (answer.ok)
        throw new Error(`${method} ${String(path)}: expected a refusal, got ${answer.status}`);
      return { status: answer.status, ...answer.body.error };
    },
  };
  return client;
}
