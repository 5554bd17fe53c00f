/** Exponential backoff between connection attempts. */
export interface BackoffPolicy {
  /** Delay before the first retry (ms). */
  initialMs: number;
  /** Longest delay between two attempts (ms). */
  maxMs: number;
}

/** Delay before retry number `retry` (1-based): doubling from `initialMs`, capped at `maxMs`. */
export function backoffDelayMs(retry: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, Math.min(retry - 1, 30));
  return Math.min(policy.initialMs * 2 ** exponent, policy.maxMs);
}
