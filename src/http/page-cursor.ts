import { z } from '@hono/zod-openapi';
import { validationError } from './api-error.js';

/** Rows per page: 50 unless asked, 200 at most. */
export const pageLimit = z.coerce
  .number()
  .int()
  .min(1)
  .max(200)
  .default(50)
  .openapi({ description: 'Rows per page, 1 to 200', example: 50 });

/** A page's position as the opaque `cursor` a client passes back: base64url JSON. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * Reads a `cursor` back into the position `schema` describes.
 *
 * @throws ApiError `validation` (400, at `query.cursor`) for a cursor this list did not make.
 */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw validationError([
      { path: 'query.cursor', message: 'not a cursor of this list; start again without one' },
    ]);
  }
  return parsed.data;
}
