import { type Kysely, sql } from 'kysely';
import type { LeadState } from '../campaign/retry-policy.js';
import type { LeadControlStore } from '../control/lead-control.js';
import type { Database } from './schema.js';

/** The store side of the operator's lead actions, and canceling a campaign's pending leads. */
export interface LeadOperations extends LeadControlStore {
  /** Cancels every pending lead of a campaign (stop with "cancel pending"); returns how many. */
  cancelAllPending(campaignId: string, at: number): Promise<number>;
}

const CANCELED_BY_OPERATOR = 'canceled by the operator before it was dialed';

/** Creates the lead operations over a migrated database. */
export function createLeadOperations(db: Kysely<Database>): LeadOperations {
  return {
    async leadState(leadId) {
      const row = await db
        .selectFrom('lead')
        .select(['campaign_id', 'state'])
        .where('id', '=', leadId)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : { campaignId: row.campaign_id, state: row.state as LeadState };
    },

    recycle(leadId, from, mode, at) {
      return db.transaction().execute(async (trx) => {
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
          .where('state', '=', from)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        // After the compare-and-set: a lead that was not `from` keeps its history.
        if (mode === 'reset') {
          await trx.deleteFrom('attempt').where('lead_id', '=', leadId).execute();
        }
        return true;
      });
    },

    async cancelPending(leadId, at) {
      const result = await db
        .updateTable('lead')
        .set({ state: 'canceled', last_error: CANCELED_BY_OPERATOR, updated_at: at })
        .where('id', '=', leadId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
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

    async deleteIdle(leadId) {
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
      return result.numDeletedRows > 0n;
    },
  };
}
