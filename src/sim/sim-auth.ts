import { timingSafeEqual } from 'node:crypto';

/** ARI credentials, as in ari.conf. */
export interface AriCredentials {
  user: string;
  password: string;
}

/**
 * Whether a request carries the right credentials, as HTTP Basic or as the `api_key`
 * query parameter (`user:password`; ari-client uses it on the websocket). Asterisk
 * accepts both, on REST, api-docs and the websocket alike.
 */
export function isAuthorized(
  credentials: AriCredentials,
  authorization: string | undefined,
  apiKey: string | null,
): boolean {
  const expected = `${credentials.user}:${credentials.password}`;
  if (apiKey !== null && sameText(apiKey, expected)) return true;
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (!basic?.[1]) return false;
  return sameText(Buffer.from(basic[1], 'base64').toString('utf8'), expected);
}

/** Asterisk's answer to a request without valid credentials (fact 18). */
export const AUTH_REQUIRED_BODY = { message: 'Authentication required' } as const;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
