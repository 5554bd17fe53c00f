import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Requires `Authorization: Bearer <token>`. The comparison is of SHA-256 digests with
 * `timingSafeEqual`: constant time whatever the length of what the client sent.
 */
export function bearerAuth(token: string): MiddlewareHandler {
  const expected = digest(token);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match?.[1] === undefined || !timingSafeEqual(digest(match[1].trim()), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="dialstate"');
      throw new ApiError(
        'unauthorized',
        match ? 'the bearer token is not valid' : 'this API needs an Authorization: Bearer token',
      );
    }
    await next();
  };
}
