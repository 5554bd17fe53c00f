import { ApiFailure, failureFrom } from './api-failure.js';
import { authHeaders } from './api-token.js';
import type { ApiInput, ApiOutput, ApiSchema, Method } from './api-types.js';
import { markTokenNeeded } from './auth-state.js';

export type * from './api-types.js';

/** `/campaigns/:id` with `{ id: 'c1' }` → `/api/campaigns/c1?…`. */
export function apiUrl(path: string, param?: object, query?: object): string {
  const filled = path.replace(/:(\w+)/g, (_, name: string) => {
    const value = (param as Record<string, unknown> | undefined)?.[name];
    if (value === undefined) throw new Error(`apiUrl: ${path} needs the parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const qs = search.toString();
  return `/api${filled}${qs === '' ? '' : `?${qs}`}`;
}

/**
 * A plain fetch of an API URL with the stored token; throws an ApiFailure for anything
 * but a 2xx. For bodies the JSON calls do not model (uploads, CSV and audio downloads).
 */
export async function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) },
    });
  } catch (error) {
    throw new ApiFailure(0, 'network', `could not reach the server (${String(error)})`);
  }
  if (response.status === 401) markTokenNeeded();
  if (!response.ok) throw await failureFrom(response);
  return response;
}

/**
 * Calls `method path` with its typed input and resolves to its success body (undefined
 * for 204), or throws an ApiFailure carrying the API's error code, message and details.
 */
export async function request<P extends keyof ApiSchema, M extends keyof ApiSchema[P] & Method>(
  method: M,
  path: P,
  input: ApiInput<P, M>,
): Promise<ApiOutput<P, M>> {
  const { param, query, json } = input as { param?: object; query?: object; json?: unknown };
  const response = await apiFetch(apiUrl(path as string, param, query), {
    method: method.slice(1).toUpperCase(),
    ...(json === undefined
      ? {}
      : { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }),
  });
  if (response.status === 204) return undefined as ApiOutput<P, M>;
  return (await response.json()) as ApiOutput<P, M>;
}
