import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './api-error.js';

/** Room for a multipart body's boundaries and part headers around the file itself. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Refuses a request body over `maxBytes` with a 413 before it is read: at once from its
 * Content-Length, or as soon as a chunked body passes the limit (hono/body-limit).
 */
export function uploadBodyLimit(maxBytes: number, what: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(
        'payloadTooLarge',
        `${what} is larger than the limit of ${mib(maxBytes)}`,
        {
          limitBytes: maxBytes,
        },
      );
    },
  });
}

function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

/** Whether the request's body is `multipart/form-data`. */
export function isMultipart(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('multipart/form-data');
}
