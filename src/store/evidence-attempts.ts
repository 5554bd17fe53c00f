import type { Kysely } from 'kysely';
import type { EvidenceAttemptReader } from '../compliance/consent-evidence.js';
import { createLeadRepository } from './leads.js';
import type { Database } from './schema.js';

/** Creates the reader over a migrated database. */
export function createEvidenceAttemptReader(db: Kysely<Database>): EvidenceAttemptReader {
  const leads = createLeadRepository(db);
  return {
    async attemptIdsOfLead(leadId) {
      if ((await leads.get(leadId)) === undefined) return undefined;
      const rows = await db
        .selectFrom('attempt')
        .select('id')
        .where('lead_id', '=', leadId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async attemptIdsOfCampaign(campaignId, after, limit) {
      // Keyset paging on (created_at, id): an export of a large campaign never holds
      // the database between two batches, and attempts created meanwhile come last.
      let query = db
        .selectFrom('attempt')
        .select('id')
        .where('campaign_id', '=', campaignId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit);
      if (after !== null) {
        const at = db.selectFrom('attempt').select('created_at').where('id', '=', after);
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', at),
            eb.and([eb('created_at', '=', at), eb('id', '>', after)]),
          ]),
        );
      }
      return (await query.execute()).map((r) => r.id);
    },
  };
}
