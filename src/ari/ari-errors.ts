/** Why the gateway could not connect to ARI. */
export type AriConnectionFailure =
  /** Nothing answered at the URL (refused, unknown host, timed out). */
  | 'unreachable'
  /** ARI answered 401: the user or password is wrong (fact 18). */
  | 'unauthorized'
  /** ARI answered, but not as ARI should (another status, no api-docs, no websocket). */
  | 'failed';

/** The gateway could not connect (or reconnect) to Asterisk's ARI. */
export class AriConnectionError extends Error {
  readonly reason: AriConnectionFailure;
  /** HTTP status of ARI's answer, when there was one. */
  readonly status: number | undefined;

  constructor(
    message: string,
    options: { reason: AriConnectionFailure; status?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'AriConnectionError';
    this.reason = options.reason;
    this.status = options.status;
  }
}

/**
 * An ARI REST request that failed: ARI answered with an error status, or no answer
 * came in time.
 */
export class AriRequestError extends Error {
  /** The operation, as `resource.nickname` of ARI's api-docs (`channels.originate`). */
  readonly operation: string;
  /** HTTP status of ARI's answer; undefined when there was none. */
  readonly status: number | undefined;
  /** What went wrong, in ARI's own words (`Channel not found`) when it said anything. */
  readonly detail: string;

  constructor(
    operation: string,
    detail: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    const status = options.status === undefined ? '' : ` (HTTP ${options.status})`;
    super(`ARI ${operation} failed${status}: ${detail}`, { cause: options.cause });
    this.name = 'AriRequestError';
    this.operation = operation;
    this.status = options.status;
    this.detail = detail;
  }
}
