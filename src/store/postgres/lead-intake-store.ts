import { type Kysely, sql } from 'kysely';
import type { LeadAddStore, LeadImportStore } from '../../intake/lead-intake-ports.js';
import { createCampaignRepository } from '../campaigns.js';
import { dncMatchesOf } from '../lead-import/lead-intake-store.js';
import { phoneZonesColumn } from '../phone-zones.js';
import type { Database } from '../schema.js';
import type { PostgresMergeOptions } from './import-merge.js';
import { openPostgresLeadImportRun } from './import-run.js';

/**
 * The store side of lead intake (CSV imports, leads added by hand) on PostgreSQL: the
 * same ports and answers as SQLite's (src/store/lead-intake-store.ts). A batch's lookups
 * take the batch as one array parameter.
 */
export function createPostgresLeadIntakeStore(
  db: Kysely<Database>,
  /** Told how long each merge transaction took (a bench's or a test's). */
  merge: Pick<PostgresMergeOptions, 'onSlice'> = {},
): LeadImportStore & LeadAddStore {
  const campaigns = createCampaignRepository(db);
  return {
    getCampaign: (campaignId) => campaigns.get(campaignId),

    begin: (start) => openPostgresLeadImportRun(db, start, merge),

    async findExisting(campaignId, phones) {
      if (phones.length === 0) return new Set();
      const { rows } = await sql<{ phone: string }>`select phone from lead
        where campaign_id = ${campaignId} and phone = any(${[...phones]}::text[])`.execute(db);
      return new Set(rows.map((row) => row.phone));
    },

    async findBlocked(campaignId, phones) {
      if (phones.length === 0) return new Map();
      // Spelt like the unique index's expression, so each number is one index lookup.
      const { rows } = await sql<{
        phone: string;
        campaign_id: string | null;
        reason: string | null;
      }>`
        select phone, campaign_id, reason from dnc
        where coalesce(campaign_id, '') in ('', ${campaignId})
          and phone = any(${[...phones]}::text[])`.execute(db);
      return dncMatchesOf(rows);
    },

    async insertLead(lead) {
      return db.transaction().execute(async (trx) => {
        // The campaign's row, locked: two leads added at once get different positions.
        await trx
          .selectFrom('campaign')
          .select('id')
          .where('id', '=', lead.campaignId)
          .forUpdate()
          .execute();
        const inserted = await sql`insert into lead (id, campaign_id, phone, phone_zones, name,
            timezone, caller_id, custom_vars, state, last_error, import_seq, created_at, updated_at)
          select ${lead.id}, ${lead.campaignId}, ${lead.phone}, ${phoneZonesColumn(lead.phone)},
            ${lead.name}, ${lead.timezone}, ${lead.callerId}, ${JSON.stringify(lead.customVars)},
            ${lead.state}, ${lead.note}, coalesce(max(import_seq), 0) + 1, ${lead.createdAt},
            ${lead.createdAt}
          from lead where campaign_id = ${lead.campaignId}
          on conflict (campaign_id, phone) do nothing`.execute(trx);
        if (Number(inserted.numAffectedRows ?? 0n) > 0) return { ok: true as const };
        const existing = await trx
          .selectFrom('lead')
          .select('id')
          .where('campaign_id', '=', lead.campaignId)
          .where('phone', '=', lead.phone)
          .executeTakeFirst();
        return { ok: false as const, existingLeadId: existing?.id ?? '' };
      });
    },
  };
}
