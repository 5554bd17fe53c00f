import type { DncMatch, LeadAddStore, LeadImportStore } from '../../intake/lead-intake-ports.js';
import { createCampaignRepository } from '../campaigns.js';
import type { Store } from '../sqlite/db.js';
import { syncTransaction, withConnection } from '../sqlite/sync-transaction.js';
import type { MergePace } from './lead-import-merge.js';
import { openLeadImportRun } from './lead-import-run.js';

/** The per-batch lookups of an import; exported for the test of their query plans. */
export const INTAKE_LOOKUP_SQL = {
  existing: `select j.value as phone from json_each(?) j
    where exists (select 1 from lead where campaign_id = ? and phone = j.value)`,
  // Written like the unique index's expression, so each lookup uses it; CROSS JOIN keeps
  // the batch outside, else SQLite may walk the whole list once per number.
  blocked: `select j.value as phone, d.campaign_id as campaign_id, d.reason as reason
    from json_each(?) j
    cross join dnc d on ifnull(d.campaign_id, '') in ('', ?) and d.phone = j.value`,
};

/** The do-not-call matches of a batch's numbers, from their listings (global, campaign). */
export function dncMatchesOf(
  rows: readonly { phone: string; campaign_id: string | null; reason: string | null }[],
): Map<string, DncMatch> {
  const blocked = new Map<string, DncMatch>();
  for (const row of rows) {
    // The global list wins, as at claim time.
    if (blocked.get(row.phone)?.scope === 'global') continue;
    blocked.set(row.phone, {
      scope: row.campaign_id === null ? 'global' : 'campaign',
      reason: row.reason,
    });
  }
  return blocked;
}

/** Creates the store side of lead intake (CSV imports, leads added by hand) over a migrated database. */
export function createLeadIntakeStore(
  store: Store,
  /**
   * How an import's merge is sliced: the defaults (a server's), `OWNED_MERGE_PACE` (the
   * command line holding the server lock), or a bench's or a test's.
   */
  mergeSlices: MergePace = {},
): LeadImportStore & LeadAddStore {
  const campaigns = createCampaignRepository(store.db);
  return {
    getCampaign: (campaignId) => campaigns.get(campaignId),

    begin: (start) => openLeadImportRun(store, start, mergeSlices),

    async findExisting(campaignId, phones) {
      if (phones.length === 0) return new Set();
      const rows = await withConnection(
        store,
        () =>
          store.prepare(INTAKE_LOOKUP_SQL.existing).all([JSON.stringify(phones), campaignId]) as {
            phone: string;
          }[],
      );
      return new Set(rows.map((row) => row.phone));
    },

    async findBlocked(campaignId, phones) {
      if (phones.length === 0) return new Map();
      const rows = await withConnection(
        store,
        () =>
          store.prepare(INTAKE_LOOKUP_SQL.blocked).all([JSON.stringify(phones), campaignId]) as {
            phone: string;
            campaign_id: string | null;
            reason: string | null;
          }[],
      );
      return dncMatchesOf(rows);
    },

    async insertLead(lead) {
      return syncTransaction(
        store,
        () => {
          const inserted = store
            .prepare(
              `insert into lead (id, campaign_id, phone, phone_zones, name, timezone, caller_id,
                 custom_vars, state, last_error, import_seq, created_at, updated_at)
               select ?, ?, ?, dialstate_phone_zones(?), ?, ?, ?, ?, ?, ?,
                 ifnull(max(import_seq), 0) + 1, ?, ?
               from lead where campaign_id = ?
               on conflict (campaign_id, phone) do nothing`,
            )
            .run([
              lead.id,
              lead.campaignId,
              lead.phone,
              lead.phone,
              lead.name,
              lead.timezone,
              lead.callerId,
              JSON.stringify(lead.customVars),
              lead.state,
              lead.note,
              lead.createdAt,
              lead.createdAt,
              lead.campaignId,
            ]);
          if (Number(inserted.changes) > 0) return { ok: true as const };
          const [existing] = store
            .prepare('select id from lead where campaign_id = ? and phone = ?')
            .all([lead.campaignId, lead.phone]) as { id: string }[];
          return { ok: false as const, existingLeadId: existing?.id ?? '' };
        },
        { immediate: true },
      );
    },
  };
}
