import type { MiddlewareHandler } from 'hono';
import { uploadBodyLimit } from './upload-body-limit.js';

/**
 * Bytes of a JSON request body at most. The largest the API takes is a campaign's
 * settings or a lead with its variables: a few KiB. No route needs more, so there is no
 * larger limit per route; files (CSV, audio) are not JSON and have their routes' own.
 */
export const JSON_BODY_MAX_BYTES = 1024 * 1024;

/** `application/json` and `application/<anything>+json`, as Hono's JSON validator reads them. */
const JSON_MEDIA_TYPE = /^application\/([\w.!#$%&'*^`|~-]+\+)?json\s*(;|$)/i;

/**
 * Refuses a JSON body over `maxBytes` with a 413 `payloadTooLarge` before it is parsed:
 * at once from its Content-Length, or — for a chunked body — as soon as the bytes read
 * pass the limit, so that no more than `maxBytes` of it is ever held. Bodies of other
 * types pass on: the routes that take them bound them (uploads), or refuse them with a
 * 415 without reading them (every JSON route checks the content type first).
 */
export function jsonBodyLimit(maxBytes = JSON_BODY_MAX_BYTES): MiddlewareHandler {
  const limit = uploadBodyLimit(maxBytes, 'a JSON body');
  return async (c, next) => {
    if (JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) return limit(c, next);
    await next();
  };
}
