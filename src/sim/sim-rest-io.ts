import type { Context } from 'hono';
import type { AriResult } from './ari-result.js';

/** Request parameters: the query string, plus the scalars and `variables` of a JSON body. */
export type AriParams = Readonly<Record<string, unknown>>;

/**
 * Reads an ARI request's parameters. ari-client puts scalars on the query string and
 * `variables` in a JSON body; ARI also takes other body keys as query parameters, and
 * the query wins where both give one.
 */
export async function readAriParams(c: Context): Promise<AriResult<AriParams>> {
  const params: Record<string, unknown> = {};
  const text = await requestText(c);
  if (text.trim() !== '') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, status: 400, message: 'Invalid JSON body' };
    }
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      Object.assign(params, body);
  }
  for (const [name, values] of Object.entries(c.req.queries())) {
    params[name] = values.length > 1 ? values.join(',') : values[0];
  }
  return { ok: true, value: params };
}

/**
 * A request's body as text; '' for a GET and for a request that declares an empty body
 * (most ARI commands: continue, hangup, play), which is not read: reading it builds a
 * web stream for nothing, a visible share of the simulator's time per request.
 */
export async function requestText(c: Context): Promise<string> {
  if (c.req.method === 'GET') return '';
  const declaredEmpty =
    c.req.header('content-length') === '0' && c.req.header('transfer-encoding') === undefined;
  return declaredEmpty ? '' : c.req.text();
}

/** A string parameter, or undefined. Numbers and booleans are accepted as text. */
export function textParam(params: AriParams, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A JSON answer with the exact content type Asterisk sends. */
export function ariJson(
  c: Context,
  body: unknown,
  status: 200 | 201 | 400 | 401 | 404 | 409 | 500 = 200,
): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': 'application/json' });
}

/**
 * Answers an operation's result: the value as JSON with `status` (or 204 with no body
 * and no content type when the operation returns nothing), or `{"message": …}`.
 */
export function sendAriResult<T>(
  c: Context,
  result: AriResult<T>,
  status: 200 | 201 = 200,
): Response {
  if (!result.ok)
    return ariJson(c, { message: result.message }, result.status as 400 | 404 | 409 | 500);
  if (result.value === undefined) return c.body(null, 204);
  return ariJson(c, result.value, status);
}
