import type { Logger } from 'pino';
import { leadAfterAttempt } from '../campaign/retry-policy.js';
import type { Clock, LeadRecoveryStore } from './ports.js';

/** What one recovery did. */
export interface LeadRecoveryReport {
  /** Leads moved on, by the state they went to. */
  released: { leadId: string; outcome: string; state: string }[];
}

/**
 * Sends every lead left `dialing` without a live attempt back per its campaign's retry
 * policy, as if its attempt had just ended: with that attempt's outcome when it ended
 * (its commit did not move the lead), `interrupted` when it is missing. Run on start,
 * after open attempts are reconciled and before the scheduler claims anything, so that
 * no lead stays stuck in `dialing` (DESIGN §2).
 */
export async function recoverOrphanedLeads(deps: {
  store: LeadRecoveryStore;
  clock: Clock;
  log: Logger;
}): Promise<LeadRecoveryReport> {
  const { store, clock, log } = deps;
  const released: LeadRecoveryReport['released'] = [];
  for (const lead of await store.listOrphanedLeads()) {
    const at = clock.now();
    const outcome = lead.ended?.outcome ?? 'interrupted';
    const error = lead.ended
      ? lead.ended.error
      : lead.activeAttemptId === null
        ? 'left dialing without an attempt'
        : `left dialing, but its attempt ${lead.activeAttemptId} is missing`;
    const next = leadAfterAttempt(
      outcome,
      lead.countedAttempts,
      lead.retry,
      lead.ended?.endedAt ?? at,
    );
    if (await store.releaseLead(lead, { outcome, error, next }, at)) {
      released.push({ leadId: lead.leadId, outcome, state: next.state });
    }
  }
  if (released.length > 0) {
    log.warn({ released }, 'leads left dialing without a live attempt were moved on');
  }
  return { released };
}
