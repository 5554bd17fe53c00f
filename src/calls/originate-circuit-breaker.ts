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
  /** The PBX whose calls of the campaign failed, when the breaker counts per PBX. */
  pbx?: string;
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
  /** Forgets a campaign's runs of failures (on every PBX), e.g. when it is started again. */
  reset(campaignId: string): void;
}

/**
 * `perPbx`: runs are counted per campaign and PBX (several PBXs, ADR 028), so that one
 * broken PBX trips only its own run; a transition without a PBX counts for the campaign.
 */
export function createOriginateCircuitBreaker(
  threshold: number = DEFAULT_CIRCUIT_BREAKER_THRESHOLD,
  options: { perPbx?: boolean } = {},
): OriginateCircuitBreaker {
  /** Runs of failures by campaign, then by PBX ('' for none). */
  const failures = new Map<string, Map<string, number>>();
  const pbxOf = (t: AttemptTransition) => (options.perPbx ? (t.pbx ?? '') : '');
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
      const pbx = pbxOf(t);
      const runs = failures.get(t.campaignId) ?? new Map<string, number>();
      if (t.outcome !== 'failed' || wasAnswered) {
        runs.delete(pbx);
        if (runs.size === 0) failures.delete(t.campaignId);
        return null;
      }
      const run = (runs.get(pbx) ?? 0) + 1;
      failures.set(t.campaignId, runs);
      if (run < threshold) {
        runs.set(pbx, run);
        return null;
      }
      runs.delete(pbx);
      if (runs.size === 0) failures.delete(t.campaignId);
      return {
        campaignId: t.campaignId,
        ...(pbx === '' ? {} : { pbx }),
        reason: `${TRIP_REASON_PREFIX}${run === 1 ? 'a call' : `${run} calls in a row`} failed before being answered (last: ${error})`,
      };
    },
    reset(campaignId) {
      failures.delete(campaignId);
    },
  };
}
