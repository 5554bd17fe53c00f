import type { AttemptTransition } from './attempt-runner.js';

/** Consecutive failed originates that trip the breaker when the caller does not say. */
export const DEFAULT_CIRCUIT_BREAKER_THRESHOLD = 5;

/**
 * How a breaker's status reason begins. The reason is stored with the paused campaign,
 * and operators cannot write status reasons, so the prefix marks a pause as the
 * breaker's across restarts without a column of its own.
 */
const TRIP_REASON_PREFIX = 'circuit breaker: ';

/**
 * What tripped the breaker of a campaign it paused (the status reason without its
 * prefix); null for any other campaign, e.g. one paused by the operator or started again.
 */
export function circuitTripDetail(campaign: {
  status: string;
  statusReason: string | null;
}): string | null {
  const { status, statusReason } = campaign;
  if (status !== 'paused' || statusReason === null) return null;
  return statusReason.startsWith(TRIP_REASON_PREFIX)
    ? statusReason.slice(TRIP_REASON_PREFIX.length)
    : null;
}

/** A campaign whose calls keep failing before anyone answers, and why. */
export interface CircuitTrip {
  campaignId: string;
  /** For the campaign's status reason, e.g. "5 calls in a row failed before …". */
  reason: string;
}

/**
 * Watches attempts end and trips when a campaign's last `threshold` attempts all ended
 * `failed` before being answered: ARI refused the originate, or the call died before it
 * rang. That is a broken trunk, dial context or credentials, not a run of bad numbers
 * (those end `invalid_number`, `rejected`, `busy`…), and dialing on would burn through
 * the leads' attempts for nothing.
 */
export interface OriginateCircuitBreaker {
  /**
   * Feeds one committed transition, in commit order. Returns the trip when this
   * transition completes a run of `threshold` failures; the run then starts again.
   */
  observe(transition: AttemptTransition): CircuitTrip | null;
  /** Forgets a campaign's run of failures, e.g. when it is started again. */
  reset(campaignId: string): void;
}

export function createOriginateCircuitBreaker(
  threshold: number = DEFAULT_CIRCUIT_BREAKER_THRESHOLD,
): OriginateCircuitBreaker {
  const failures = new Map<string, number>();
  /** Live attempts that were answered: their failures are not the trunk's. */
  const answered = new Set<string>();
  /** The last command failure of each live attempt, to say what went wrong. */
  const lastError = new Map<string, string>();

  return {
    observe(t) {
      if (t.event.type === 'channel.answered') answered.add(t.attemptId);
      if (t.event.type === 'command.failed') {
        const status = t.event.status === undefined ? '' : ` (HTTP ${t.event.status})`;
        lastError.set(t.attemptId, `${t.event.command} failed${status}: ${t.event.message}`);
      }
      if (!t.done) return null;
      const wasAnswered = answered.delete(t.attemptId);
      const error = lastError.get(t.attemptId) ?? `the call ended on ${t.event.type}`;
      lastError.delete(t.attemptId);
      if (t.outcome !== 'failed' || wasAnswered) {
        failures.delete(t.campaignId);
        return null;
      }
      const run = (failures.get(t.campaignId) ?? 0) + 1;
      if (run < threshold) {
        failures.set(t.campaignId, run);
        return null;
      }
      failures.delete(t.campaignId);
      return {
        campaignId: t.campaignId,
        reason: `${TRIP_REASON_PREFIX}${run === 1 ? 'a call' : `${run} calls in a row`} failed before being answered (last: ${error})`,
      };
    },
    reset(campaignId) {
      failures.delete(campaignId);
    },
  };
}
