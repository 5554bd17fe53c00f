import { type Kysely, sql } from 'kysely';
import { isTerminalLeadState, TERMINAL_LEAD_STATES } from '../campaign/lead.js';
import type { LeadState } from '../campaign/retry-policy.js';
import type { Database } from './schema.js';

/**
 * How a finished lead is recycled: `redial` keeps its attempts and their journals and
 * gives it a fresh set of attempts under the retry policy; `reset` deletes its attempts
 * and makes it as good as new.
 */
export type RecycleMode = 'redial' | 'reset';

/** The result of an operator's action on one lead. */
export type LeadOperationResult =
  | { ok: true }
  | { ok: false; reason: 'notFound' }
  /** The lead's state does not allow the action; nothing changed. */
  | { ok: false; reason: 'wrongState'; state: LeadState; message: string };

/** Operators' actions on leads, each guarded by the lead's state (compare-and-set). */
export interface LeadOperations {
  /** Sends a finished lead (completed, failed, canceled, dnc) back to `pending`, due at once. */
  recycle(leadId: string, mode: RecycleMode, at: number): Promise<LeadOperationResult>;
  /**
   * Ignores a pending lead: it becomes `canceled` and is never dialed. A lead being
   * dialed is canceled by canceling its live attempt instead.
   */
  cancelPending(leadId: string, at: number): Promise<LeadOperationResult>;
  /** Cancels every pending lead of a campaign (stop with "cancel pending"); returns how many. */
  cancelAllPending(campaignId: string, at: number): Promise<number>;
  /** Deletes a lead with its attempts; refused while an attempt of it is live. */
  delete(leadId: string): Promise<LeadOperationResult>;
}

const CANCELED_BY_OPERATOR = 'canceled by the operator before it was dialed';

/** Creates the lead operations over a migrated database. */
export function createLeadOperations(db: Kysely<Database>): LeadOperations {
  async function stateOf(leadId: string, trx: Kysely<Database> = db) {
    const row = await trx
      .selectFrom('lead')
      .select('state')
      .where('id', '=', leadId)
      .executeTakeFirst();
    return row?.state as LeadState | undefined;
  }

  /** Explains a compare-and-set that changed nothing: the lead is gone or in another state. */
  async function refusal(
    leadId: string,
    message: (state: LeadState) => string,
  ): Promise<LeadOperationResult> {
    const state = await stateOf(leadId);
    if (state === undefined) return { ok: false, reason: 'notFound' };
    return { ok: false, reason: 'wrongState', state, message: message(state) };
  }

  return {
    async recycle(leadId, mode, at) {
      const done = await db.transaction().execute(async (trx) => {
        const state = await stateOf(leadId, trx);
        if (state === undefined || !isTerminalLeadState(state)) return false;
        if (mode === 'reset')
          await trx.deleteFrom('attempt').where('lead_id', '=', leadId).execute();
        const result = await trx
          .updateTable('lead')
          .set((eb) => ({
            state: 'pending',
            next_attempt_at: 0,
            // A cap's reason from before is no longer what holds it; the next claim says.
            wait_reason: null,
            updated_at: at,
            ...(mode === 'reset'
              ? {
                  attempts: 0,
                  recycled_attempts: 0,
                  last_outcome: null,
                  last_error: null,
                  last_attempt_id: null,
                }
              : { recycled_attempts: eb.ref('attempts') }),
          }))
          .where('id', '=', leadId)
          .where('state', '=', state)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
      return done
        ? { ok: true }
        : refusal(
            leadId,
            (state) =>
              `cannot recycle a lead that is ${state}; only ${TERMINAL_LEAD_STATES.join(', ')} leads can be recycled`,
          );
    },

    async cancelPending(leadId, at) {
      const result = await db
        .updateTable('lead')
        .set({ state: 'canceled', last_error: CANCELED_BY_OPERATOR, updated_at: at })
        .where('id', '=', leadId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n
        ? { ok: true }
        : refusal(leadId, (state) =>
            state === 'dialing'
              ? 'cannot cancel a lead that is dialing this way; cancel its live attempt instead'
              : `cannot cancel a lead that is ${state}; only pending leads can be`,
          );
    },

    async cancelAllPending(campaignId, at) {
      const result = await db
        .updateTable('lead')
        .set({ state: 'canceled', last_error: CANCELED_BY_OPERATOR, updated_at: at })
        .where('campaign_id', '=', campaignId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async delete(leadId) {
      const result = await db
        .deleteFrom('lead')
        .where('id', '=', leadId)
        .where('state', '<>', 'dialing')
        // Belt and braces: `dialing` is how a live attempt shows on its lead, but an
        // open attempt row must never lose its lead either.
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('attempt')
                .select('attempt.id')
                .whereRef('attempt.lead_id', '=', 'lead.id')
                .where(sql<boolean>`attempt.done = 0`),
            ),
          ),
        )
        .executeTakeFirst();
      return result.numDeletedRows > 0n
        ? { ok: true }
        : refusal(
            leadId,
            () => 'cannot delete a lead while it is being dialed; cancel its live attempt first',
          );
    },
  };
}
