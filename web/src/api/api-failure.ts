/** One problem the API found in a request: `path` is where, e.g. `body.window.start`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * A refused or failed API call, carrying the API's error body
 * (`{ error: { code, message, details } }`). A network failure has status 0.
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }

  /** The validation issues of a 400 answer; empty for any other failure. */
  get issues(): ValidationIssue[] {
    const issues = (this.details as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues)) return [];
    return issues.filter(
      (issue): issue is ValidationIssue =>
        typeof issue?.path === 'string' && typeof issue?.message === 'string',
    );
  }
}

/** Reads a non-2xx response into an ApiFailure, whatever its body turns out to be. */
export async function failureFrom(response: Response): Promise<ApiFailure> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as {
      error?: { code?: string; message?: string; details?: unknown };
    };
    if (body.error?.message !== undefined) {
      return new ApiFailure(
        response.status,
        body.error.code ?? 'unknown',
        body.error.message,
        body.error.details,
      );
    }
  } catch {
    // Not JSON: a proxy's error page, say. Its status still tells something.
  }
  return new ApiFailure(
    response.status,
    'unknown',
    `the server answered ${response.status} ${response.statusText}`.trim(),
  );
}

/** What to show for any error thrown by an API call. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiFailure) return error.message;
  if (error instanceof Error) return `could not reach the server (${error.message})`;
  return String(error);
}
