import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Machine-readable error codes of the API; each has one HTTP status. */
export const API_ERROR_STATUS = {
  validation: 400,
  unauthorized: 401,
  notFound: 404,
  conflict: 409,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** The body of every error response: `{ error: { code, message, details } }`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(API_ERROR_STATUS) as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z.string().openapi({ example: 'campaign 7f3a… does not exist' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * An error a route reports to the client as it is. Anything else thrown is an
 * internal error: logged, and answered without its message (it may hold secrets).
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export const notFound = (what: string, id: string) =>
  new ApiError('notFound', `${what} ${id} does not exist`);

/** One problem of a request, from schema validation or the domain's own checks. */
export interface ValidationIssue {
  /** Where: `body.window.start`, `query.limit`… */
  path: string;
  message: string;
}

/** A 400 listing every problem of the request at once. */
export function validationError(issues: readonly ValidationIssue[]): ApiError {
  const first = issues[0];
  const message =
    first === undefined
      ? 'the request is not valid'
      : issues.length === 1
        ? `${first.path}: ${first.message}`
        : `${first.path}: ${first.message} (and ${issues.length - 1} more)`;
  return new ApiError('validation', message, { issues });
}

/** Zod issues as validation issues, prefixed with the part of the request they are in. */
export function issuesFromZod(
  target: string,
  issues: readonly { path: PropertyKey[]; message: string }[],
): ValidationIssue[] {
  // Hono names a JSON body's target `json`; clients know it as the body.
  const part = target === 'json' ? 'body' : target;
  return issues.map((issue) => ({
    path: [part, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** The OpenAPI description of an error response. */
export function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: errorBodySchema } } };
}
