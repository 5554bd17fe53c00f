import type { z } from '@hono/zod-openapi';

/** The OpenAPI description of a JSON response. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The OpenAPI description of a required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** The OpenAPI description of a CSV file response. */
export const csvResponse = (description: string) => ({
  description,
  content: { 'text/csv': { schema: { type: 'string' as const } } },
});
