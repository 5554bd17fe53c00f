import { type Kysely, sql } from 'kysely';
import type { LeadRecoveryStore } from '../calls/ports.js';
import type { AttemptOutcome } from '../machines/attempt-types.js';
import type { Database } from './schema.js';

/** Creates the store side of restart recovery over a migrated database. */
export function createLeadRecoveryStore(db: Kysely<Database>): LeadRecoveryStore {
  return {
    async listOrphanedLeads() {
      const rows = await db
        .selectFrom('lead')
        .innerJoin('campaign', 'campaign.id', 'lead.campaign_id')
        .leftJoin('attempt', 'attempt.id', 'lead.active_attempt_id')
        .select([
          'lead.id as lead_id',
          'lead.campaign_id',
          'lead.active_attempt_id',
          sql<number>`lead.attempts - lead.recycled_attempts`.as('counted'),
          'campaign.retry',
          'attempt.done',
          'attempt.outcome',
          'attempt.error',
          'attempt.ended_at',
        ])
        .where('lead.state', '=', 'dialing')
        .where((eb) => eb.or([eb('attempt.id', 'is', null), eb('attempt.done', '=', 1)]))
        .orderBy('lead.campaign_id')
        .orderBy('lead.import_seq')
        .execute();
      return rows.map((row) => ({
        leadId: row.lead_id,
        campaignId: row.campaign_id,
        activeAttemptId: row.active_attempt_id,
        countedAttempts: row.counted,
        retry: JSON.parse(row.retry),
        ended:
          row.done === 1 && row.outcome !== null
            ? {
                outcome: row.outcome as AttemptOutcome,
                error: row.error,
                endedAt: row.ended_at,
              }
            : null,
      }));
    },

    async releaseLead(lead, { outcome, error, next }, at) {
      const result = await db
        .updateTable('lead')
        .set({
          state: next.state,
          ...(next.nextAttemptAt === null ? {} : { next_attempt_at: next.nextAttemptAt }),
          last_outcome: outcome,
          last_error: error,
          active_attempt_id: null,
          updated_at: at,
        })
        .where('id', '=', lead.leadId)
        .where('state', '=', 'dialing')
        .where((eb) =>
          lead.activeAttemptId === null
            ? eb('active_attempt_id', 'is', null)
            : eb('active_attempt_id', '=', lead.activeAttemptId),
        )
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
