import type { Kysely } from 'kysely';
import type { OptOutEntry, OptOutStore } from '../compliance/opt-out.js';
import { createLeadRepository } from './leads.js';
import type { Database } from './schema.js';

/** The store side of opt-outs: finding the call, listing its number with the call as source. */
export function createOptOutStore(db: Kysely<Database>): OptOutStore {
  const leads = createLeadRepository(db);
  const calls = db
    .selectFrom('attempt')
    .innerJoin('lead', 'lead.id', 'attempt.lead_id')
    .select([
      'attempt.id as attemptId',
      'attempt.campaign_id as campaignId',
      'attempt.lead_id as leadId',
      'lead.phone as phone',
    ]);

  async function entryOf(phone: string, campaignId: string | null) {
    const row = await db
      .selectFrom('dnc')
      .selectAll()
      .where('phone', '=', phone)
      .where((eb) =>
        campaignId === null ? eb('campaign_id', 'is', null) : eb('campaign_id', '=', campaignId),
      )
      .executeTakeFirstOrThrow();
    return {
      phone: row.phone,
      campaignId: row.campaign_id,
      reason: row.reason,
      createdAt: row.created_at,
      source: row.source,
      sourceCampaignId: row.source_campaign_id,
      sourceAttemptId: row.source_attempt_id,
    } satisfies OptOutEntry;
  }

  return {
    findCall: (attemptId) => calls.where('attempt.id', '=', attemptId).executeTakeFirst(),

    async latestCallOfLead(leadId) {
      return calls
        .where('attempt.lead_id', '=', leadId)
        .orderBy('attempt.created_at', 'desc')
        .orderBy('attempt.attempt_number', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    leadExists: async (leadId) => (await leads.get(leadId)) !== undefined,

    async list(optOut) {
      // On conflict nothing changes: the entry keeps its first source (idempotent).
      await db
        .insertInto('dnc')
        .values({
          campaign_id: optOut.listCampaignId,
          phone: optOut.phone,
          reason: optOut.reason,
          created_at: optOut.at,
          source: 'opt_out',
          source_campaign_id: optOut.call.campaignId,
          source_attempt_id: optOut.call.attemptId,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return entryOf(optOut.phone, optOut.listCampaignId);
    },

    async optOutsOfAttempt(attemptId) {
      const rows = await db
        .selectFrom('dnc')
        .select(['phone', 'campaign_id', 'reason', 'created_at'])
        .where('source_attempt_id', '=', attemptId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        phone: r.phone,
        campaignId: r.campaign_id,
        reason: r.reason,
        at: r.created_at,
      }));
    },
  };
}
