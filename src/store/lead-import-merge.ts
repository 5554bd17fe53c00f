import type { LeadImportMode } from '../intake/lead-import.js';
import type { LeadImportMerge } from '../intake/lead-intake-ports.js';
import type { Store } from './db.js';

/** One import's staged leads, as the merge reads them. */
export interface StagedImport {
  importId: string;
  campaignId: string;
  mode: LeadImportMode;
  /** The temp table holding the staged rows. */
  rows: string;
  /** Rows staged, by the state they asked for. */
  staged: { pending: number; dnc: number };
}

/**
 * Moves an import's staged leads into the campaign: updates the leads that have their
 * numbers (`update_existing`), then inserts the rest in row order, each with the id
 * `<import id>-<row, 8 digits>` and an import position after the campaign's last lead.
 * A number that became a lead after its row was read is skipped (`skip_existing`) and
 * listed. Synchronous: run it inside the transaction that completes the import.
 */
export function mergeStagedLeads(
  store: Store,
  staging: StagedImport,
  at: number,
): Omit<Extract<LeadImportMerge, { ok: true }>, 'blockedMs'> {
  const { importId, campaignId, mode, rows, staged } = staging;
  const prefix = `${importId}-`;
  const leadId = `? || printf('%08d', s.row_number)`;

  const [last] = store
    .prepare('select ifnull(max(import_seq), 0) as base from lead where campaign_id = ?')
    .all([campaignId]) as { base: number }[];
  const updated =
    mode === 'update_existing'
      ? Number(
          store
            .prepare(
              `update lead set
                 name = coalesce(s.name, lead.name),
                 timezone = coalesce(s.timezone, lead.timezone),
                 caller_id = coalesce(s.caller_id, lead.caller_id),
                 custom_vars = json_patch(lead.custom_vars, s.custom_vars),
                 last_error = case when s.state = 'dnc' and lead.state = 'pending' then s.note else lead.last_error end,
                 state = case when s.state = 'dnc' and lead.state = 'pending' then 'dnc' else lead.state end,
                 updated_at = ?
               from ${rows} as s
               where lead.campaign_id = ? and lead.phone = s.phone`,
            )
            .run([at, campaignId]).changes,
        )
      : 0;
  const inserted = Number(
    store
      .prepare(
        `insert into lead (id, campaign_id, phone, phone_zones, name, timezone, caller_id,
           custom_vars, state, last_error, import_id, import_seq, created_at, updated_at)
         select ${leadId}, ?, s.phone, dialstate_phone_zones(s.phone), s.name, s.timezone,
           s.caller_id, s.custom_vars,
           s.state, s.note, ?, ? + s.row_number, ?, ?
         from ${rows} s where true order by s.row_number
         on conflict (campaign_id, phone) do nothing`,
      )
      .run([prefix, campaignId, importId, last?.base ?? 0, at, at]).changes,
  );

  const total = staged.pending + staged.dnc;
  // Every staged row is updated or inserted, except (skip_existing) numbers that became
  // leads after their row was read: list those, then split what was inserted by state.
  const lateDuplicates = mode === 'update_existing' ? 0 : total - inserted;
  if (lateDuplicates > 0) {
    store
      .prepare(
        `insert into lead_import_issue (import_id, row_number, severity, field, value, reason, raw)
         select ?, s.row_number, 'warning', 'phone', s.phone,
           'already a lead of this campaign (added while the file was read); skipped', null
         from ${rows} s where not exists (select 1 from lead where id = ${leadId})`,
      )
      .run([importId, prefix]);
  }
  let insertedDnc = staged.dnc;
  if (inserted !== total) {
    const [row] = store
      .prepare(
        `select count(*) as n from ${rows} s
         where s.state = 'dnc' and exists (select 1 from lead where id = ${leadId})`,
      )
      .all([prefix]) as { n: number }[];
    insertedDnc = row?.n ?? 0;
  }
  const updatedDnc = mode === 'update_existing' ? staged.dnc - insertedDnc : 0;
  return {
    ok: true,
    inserted: { pending: inserted - insertedDnc, dnc: insertedDnc },
    updated: { pending: updated - updatedDnc, dnc: updatedDnc },
    lateDuplicates,
  };
}
