import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { MergedCounts } from '../../intake/lead-import-tally.js';
import type { LeadImportMerge } from '../../intake/lead-intake-ports.js';
import { mergeResultOf } from '../lead-import/lead-import-merge.js';
import type { Database } from '../schema.js';

/**
 * Staged rows merged per transaction, to start with. The chunk adapts like SQLite's
 * (src/store/lead-import/lead-import-merge.ts): it halves when one took longer than `targetMs` and
 * doubles when it took less than half of that. PostgreSQL holds no event loop, but a
 * merge transaction holds the campaign's counter rows, which claims on every node
 * update too: it stays short.
 */
const CHUNK = { firstRows: 512, minRows: 32, maxRows: 8192, targetMs: 50 } as const;

/** Where a chunk's rows go (the campaign, its mode and position base), and which they are. */
interface MergeRange {
  importId: string;
  campaignId: string;
  mode: string;
  /** The staged rows' table. */
  rows: RawBuilder<unknown>;
  /** The campaign's last import position when the merge began. */
  base: number;
  /** First and last row of the chunk. */
  from: number;
  to: number;
}

/**
 * A lead's id from its import and row: `<import id>-<row, at least 8 digits>`, as
 * SQLite's `printf('%08d', row)` writes it (lpad alone would cut a longer number).
 */
const leadIdOf = (importId: string) =>
  sql`${`${importId}-`} || lpad(s.row_number::text, greatest(8, length(s.row_number::text)), '0')`;

/**
 * `json_patch(lead.custom_vars, s.custom_vars)` as SQLite writes it, for objects of
 * strings: the lead's keys in their order with the row's values where it has them, then
 * the row's new keys in theirs, as compact JSON text.
 */
const PATCHED_CUSTOM_VARS = sql`coalesce((
    select '{' || string_agg(to_json(k)::text || ':' || to_json(v)::text, ',' order by src, ord) || '}'
    from (
      select t.key as k, coalesce(s.custom_vars::json ->> t.key, t.value) as v, 0 as src, t.ord
      from json_each_text(lead.custom_vars::json) with ordinality as t (key, value, ord)
      union all
      select p.key, p.value, 1, p.ord
      from json_each_text(s.custom_vars::json) with ordinality as p (key, value, ord)
      where not (lead.custom_vars::jsonb ? p.key)
    ) as merged), '{}')`;

/**
 * Moves staged rows `from`..`to` into the campaign, deciding exactly as SQLite does
 * (src/store/lead-import/lead-import-merge.ts `mergeRange`): updates the leads that have their
 * numbers (`update_existing`), then inserts the rest in row order; a number that became
 * a lead after its row was read is skipped (`skip_existing`) and listed.
 */
async function mergeRange(
  trx: Kysely<Database>,
  range: MergeRange,
  at: number,
): Promise<MergedCounts> {
  const { importId, campaignId, mode, rows, base, from, to } = range;
  const leadId = leadIdOf(importId);
  const staged = await sql<{ n: number; dnc: number }>`
    select count(*) as n, count(*) filter (where state = 'dnc') as dnc from ${rows}
    where row_number between ${from} and ${to}`.execute(trx);
  const total = staged.rows[0]?.n ?? 0;
  const stagedDnc = staged.rows[0]?.dnc ?? 0;
  let updated = 0;
  if (mode === 'update_existing') {
    const result = await sql`update lead set
        name = coalesce(s.name, lead.name),
        timezone = coalesce(s.timezone, lead.timezone),
        caller_id = coalesce(s.caller_id, lead.caller_id),
        custom_vars = ${PATCHED_CUSTOM_VARS},
        last_error = case when s.state = 'dnc' and lead.state = 'pending' then s.note else lead.last_error end,
        state = case when s.state = 'dnc' and lead.state = 'pending' then 'dnc' else lead.state end,
        updated_at = ${at}
      from (select * from ${rows} where row_number between ${from} and ${to}) as s
      where lead.campaign_id = ${campaignId} and lead.phone = s.phone`.execute(trx);
    updated = Number(result.numAffectedRows ?? 0n);
  }
  const insertedResult = await sql`insert into lead (id, campaign_id, phone, phone_zones, name,
      timezone, caller_id, custom_vars, state, last_error, import_id, import_seq, created_at,
      updated_at)
    select ${leadId}, ${campaignId}, s.phone, s.phone_zones, s.name, s.timezone, s.caller_id,
      s.custom_vars, s.state, s.note, ${importId}, ${base} + s.row_number, ${at}, ${at}
    from ${rows} s where s.row_number between ${from} and ${to} order by s.row_number
    on conflict (campaign_id, phone) do nothing`.execute(trx);
  const inserted = Number(insertedResult.numAffectedRows ?? 0n);

  const lateDuplicates = mode === 'update_existing' ? 0 : total - inserted;
  if (lateDuplicates > 0) {
    await sql`insert into lead_import_issue (import_id, row_number, severity, field, value, reason, raw)
      select ${importId}, s.row_number, 'warning', 'phone', s.phone,
        'already a lead of this campaign (added while the file was read); skipped', null
      from ${rows} s where s.row_number between ${from} and ${to}
        and not exists (select 1 from lead where id = ${leadId})
      order by s.row_number`.execute(trx);
  }
  let insertedDnc = stagedDnc;
  if (inserted !== total) {
    const counted = await sql<{ n: number }>`select count(*) as n from ${rows} s
      where s.row_number between ${from} and ${to} and s.state = 'dnc'
        and exists (select 1 from lead where id = ${leadId})`.execute(trx);
    insertedDnc = counted.rows[0]?.n ?? 0;
  }
  const updatedDnc = mode === 'update_existing' ? stagedDnc - insertedDnc : 0;
  return {
    inserted: { pending: inserted - insertedDnc, dnc: insertedDnc },
    updated: { pending: updated - updatedDnc, dnc: updatedDnc },
    lateDuplicates,
  };
}

export interface PostgresMergeOptions {
  /** Asked between transactions: true ends the merge early; it resumes at the next start. */
  shouldStop?: () => boolean;
  /** How long each transaction took, BEGIN to COMMIT (ms). */
  onSlice?: (heldMs: number) => void;
}

type ChunkResult = 'more' | 'completed' | 'stopped';

/**
 * Merges an import whose file has been read whole (`merge_next_row` set) into its
 * campaign, one chunk of staged rows per transaction. Each transaction first locks the
 * import's row and reads where the merge is: two nodes finishing the same merge after a
 * restart take turns, and each chunk is merged once. Each commits the next row to merge
 * and the running totals; the last marks the import `completed` with its final counts.
 *
 * Stops, merging no more, when the import is no longer running or its campaign was
 * deleted (the import is then marked failed; the purge removes what was merged), as on
 * SQLite (`mergeImportInSlices`). `blockedMs` is the longest transaction.
 */
export async function mergePostgresImport(
  db: Kysely<Database>,
  staged: { importId: string; rows: string },
  at: number,
  options: PostgresMergeOptions = {},
): Promise<LeadImportMerge> {
  const { importId } = staged;
  const rows = sql.raw(staged.rows);
  const last = await sql<{ n: number }>`
    select coalesce(max(row_number), 0) as n from ${rows}`.execute(db);
  const lastRow = last.rows[0]?.n ?? 0;
  let longest = 0;
  let rowsPerChunk: number = CHUNK.firstRows;

  async function chunk(): Promise<ChunkResult> {
    return db.transaction().execute(async (trx): Promise<ChunkResult> => {
      const state = await trx
        .selectFrom('lead_import as m')
        .innerJoin('campaign as c', 'c.id', 'm.campaign_id')
        .select([
          'm.status',
          'm.campaign_id',
          'm.mode',
          'm.merge_next_row',
          'm.merge_seq_base',
          'c.deleting_at',
        ])
        .where('m.id', '=', importId)
        .forUpdate('m')
        .executeTakeFirst();
      if (state === undefined || state.status !== 'running' || state.merge_next_row === null) {
        return 'stopped';
      }
      if (state.deleting_at !== null) {
        await trx
          .updateTable('lead_import')
          .set({
            status: 'failed',
            merge_next_row: null,
            finished_at: at,
            error: 'stopped: the campaign was deleted',
          })
          .where('id', '=', importId)
          .execute();
        return 'stopped';
      }
      const from = state.merge_next_row;
      if (from > lastRow) {
        await sql`update lead_import set status = 'completed', merge_next_row = null,
            accepted = merged_pending, updated = merged_updated_pending,
            duplicates = duplicates + merged_late_duplicates,
            dnc_blocked = merged_dnc + merged_updated_dnc, finished_at = ${at}
          where id = ${importId}`.execute(trx);
        return 'completed';
      }
      const to = Math.min(lastRow, from + rowsPerChunk - 1);
      const { campaign_id: campaignId, mode, merge_seq_base: base } = state;
      const merged = await mergeRange(
        trx,
        { importId, campaignId, mode, rows, base, from, to },
        at,
      );
      await trx
        .updateTable('lead_import')
        .set((eb) => ({
          merge_next_row: to + 1,
          merged_pending: eb('merged_pending', '+', merged.inserted.pending),
          merged_dnc: eb('merged_dnc', '+', merged.inserted.dnc),
          merged_updated_pending: eb('merged_updated_pending', '+', merged.updated.pending),
          merged_updated_dnc: eb('merged_updated_dnc', '+', merged.updated.dnc),
          merged_late_duplicates: eb('merged_late_duplicates', '+', merged.lateDuplicates),
        }))
        .where('id', '=', importId)
        .execute();
      return 'more';
    });
  }

  for (;;) {
    if (options.shouldStop?.()) return { ok: false, reason: 'notRunning' };
    const began = performance.now();
    const result = await chunk();
    const took = performance.now() - began;
    longest = Math.max(longest, took);
    options.onSlice?.(took);
    if (result === 'stopped') return { ok: false, reason: 'notRunning' };
    if (result === 'completed') break;
    if (took > CHUNK.targetMs) rowsPerChunk = Math.max(CHUNK.minRows, rowsPerChunk >> 1);
    else if (took < CHUNK.targetMs / 2) rowsPerChunk = Math.min(CHUNK.maxRows, rowsPerChunk * 2);
  }
  const totals = await db
    .selectFrom('lead_import')
    .select([
      'merged_pending',
      'merged_dnc',
      'merged_updated_pending',
      'merged_updated_dnc',
      'merged_late_duplicates',
    ])
    .where('id', '=', importId)
    .executeTakeFirst();
  return mergeResultOf(totals, longest);
}
