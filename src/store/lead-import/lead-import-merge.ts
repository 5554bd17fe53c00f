import type { MergedCounts } from '../../intake/lead-import-tally.js';
import type { LeadImportMerge } from '../../intake/lead-intake-ports.js';
import { PHONE_ZONES_FUNCTION, type Store } from '../sqlite/db.js';
import { runSliced, type SlicedWorkOptions } from '../sqlite/sliced-work.js';
import { syncTransaction, withConnection } from '../sqlite/sync-transaction.js';

/**
 * Staged rows merged per chunk, to start with. A new lead goes into the lead table's
 * nine B-trees and bumps its campaign's counter: 10–100 µs a row, depending on the
 * machine's load and how much of the indexes is cached. So the chunk adapts: it shrinks
 * when one took longer than `CHUNK_MS` and grows when it took less than half of that,
 * keeping a slice (its budget plus the chunk that overran it) under ~50 ms.
 */
const FIRST_ROWS_PER_CHUNK = 256;
const MIN_ROWS_PER_CHUNK = 16;
const MAX_ROWS_PER_CHUNK = 4096;
const CHUNK_MS = 8;
/**
 * The merge's transactions: ~35 ms of work each (plus at most one chunk over). Each
 * commit writes every page its slice touched to the WAL, and a million random phone
 * numbers touch a new leaf of the phone indexes nearly every row: the fewer commits, the
 * fewer times the same pages are written. 35 + 8 ms stays within the ~50 ms a
 * transaction may hold the write lock, which the journal's group commit waits for while
 * calls run (on the merge's own thread in a server, ADR 039; the event loop too where it
 * merges on it: docs/BENCHMARKS.md, the import's stalls).
 */
export const MERGE_SLICE_MS = 35;

/**
 * How an import's merge is cut into transactions: `sliceMs` a transaction (default
 * `MERGE_SLICE_MS`), its chunks adapting to about `chunkMs` of work each (default
 * `CHUNK_MS`) and `maxRowsPerChunk` rows at most (default 4,096). `onEventLoop` runs
 * them on the event loop's own connection rather than on a thread of its own
 * (`mergeImportInThread`, the default for a database file; ADR 039).
 */
export interface MergePace extends SlicedWorkOptions {
  chunkMs?: number;
  maxRowsPerChunk?: number;
  onEventLoop?: boolean;
}

/**
 * The pace of a merge run by `dialstate import` while it holds the database's server lock
 * (ADR 035): no server runs on the file, so no live call waits for the write lock, and
 * the merge commits about every 2 s, in chunks of up to 50,000 rows — the shape of the
 * set-wise floor (bench/import-alone.ts), where each commit writes the pages of the three
 * randomly keyed indexes once for tens of thousands of rows instead of a few hundred.
 * Each transaction still commits the next row to merge, so a killed import resumes.
 */
export const OWNED_MERGE_PACE: Readonly<MergePace> = {
  // Nothing else runs on this event loop that a transaction could hold up (ADR 039).
  onEventLoop: true,
  sliceMs: 2_000,
  chunkMs: 250,
  maxRowsPerChunk: 50_000,
};

/** One chunk's share of the merge: which rows, into which campaign, how. */
interface MergeRange {
  importId: string;
  campaignId: string;
  mode: string;
  rows: string;
  /** The campaign's last import position when the merge began. */
  base: number;
  /** SQL for a staged row's `lead.phone_zones` (`s` is the staged row). */
  zones: string;
  from: number;
  to: number;
}

/**
 * Moves staged rows `from`..`to` into the campaign: updates the leads that have their
 * numbers (`update_existing`), then inserts the rest in row order, each with the id
 * `<import id>-<row, 8 digits>` and the import position `base + row`. A number that
 * became a lead after its row was read is skipped (`skip_existing`) and listed.
 * Synchronous: run it inside a transaction.
 */
function mergeRange(store: Store, range: MergeRange, at: number): MergedCounts {
  const { importId, campaignId, mode, rows, base, zones, from, to } = range;
  const prefix = `${importId}-`;
  const leadId = `? || printf('%08d', s.row_number)`;
  const [staged] = store
    .prepare(
      `select count(*) as n, ifnull(sum(state = 'dnc'), 0) as dnc from ${rows}
       where row_number between ? and ?`,
    )
    .all([from, to]) as { n: number; dnc: number }[];
  const total = staged?.n ?? 0;
  const stagedDnc = staged?.dnc ?? 0;
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
               from (select * from ${rows} where row_number between ? and ?) as s
               where lead.campaign_id = ? and lead.phone = s.phone`,
            )
            .run([at, from, to, campaignId]).changes,
        )
      : 0;
  const inserted = Number(
    store
      .prepare(
        `insert into lead (id, campaign_id, phone, phone_zones, name, timezone, caller_id,
           custom_vars, state, last_error, import_id, import_seq, created_at, updated_at)
         select ${leadId}, ?, s.phone, ${zones}, s.name, s.timezone,
           s.caller_id, s.custom_vars,
           s.state, s.note, ?, ? + s.row_number, ?, ?
         from ${rows} s where s.row_number between ? and ? order by s.row_number
         on conflict (campaign_id, phone) do nothing`,
      )
      .run([prefix, campaignId, importId, base, at, at, from, to]).changes,
  );

  // Every staged row is updated or inserted, except (skip_existing) numbers that became
  // leads after their row was read: list those, then split what was inserted by state.
  const lateDuplicates = mode === 'update_existing' ? 0 : total - inserted;
  if (lateDuplicates > 0) {
    store
      .prepare(
        `insert into lead_import_issue (import_id, row_number, severity, field, value, reason, raw)
         select ?, s.row_number, 'warning', 'phone', s.phone,
           'already a lead of this campaign (added while the file was read); skipped', null
         from ${rows} s where s.row_number between ? and ?
           and not exists (select 1 from lead where id = ${leadId})`,
      )
      .run([importId, from, to, prefix]);
  }
  let insertedDnc = stagedDnc;
  if (inserted !== total) {
    const [row] = store
      .prepare(
        `select count(*) as n from ${rows} s
         where s.row_number between ? and ? and s.state = 'dnc'
           and exists (select 1 from lead where id = ${leadId})`,
      )
      .all([from, to, prefix]) as { n: number }[];
    insertedDnc = row?.n ?? 0;
  }
  const updatedDnc = mode === 'update_existing' ? stagedDnc - insertedDnc : 0;
  return {
    inserted: { pending: inserted - insertedDnc, dnc: insertedDnc },
    updated: { pending: updated - updatedDnc, dnc: updatedDnc },
    lateDuplicates,
  };
}

interface MergeState {
  status: string;
  campaign_id: string;
  mode: string;
  merge_next_row: number | null;
  merge_seq_base: number;
  deleting_at: number | null;
}

const READ_STATE = `select m.status, m.campaign_id, m.mode, m.merge_next_row, m.merge_seq_base,
    c.deleting_at
  from lead_import m join campaign c on c.id = m.campaign_id where m.id = ?`;

/**
 * The staged rows' phone zones: their own column, or — rows staged by a version that
 * did not store them, their merge resumed after an upgrade — the number mapped in SQL.
 */
function zonesOfStaged(store: Store, rows: string): string {
  const dot = rows.indexOf('.');
  const [schema, table] = dot < 0 ? ['main', rows] : [rows.slice(0, dot), rows.slice(dot + 1)];
  const columns = store.prepare(`pragma ${schema}.table_info(${table})`).all([]) as {
    name: string;
  }[];
  return columns.some((column) => column.name === 'phone_zones')
    ? 's.phone_zones'
    : `${PHONE_ZONES_FUNCTION}(s.phone)`;
}

/**
 * Merges an import whose file has been read whole (`merge_next_row` set) into its
 * campaign, a chunk of staged rows at a time, in transactions of about
 * `MERGE_SLICE_MS` (or as `pace` says) with the event loop yielded between them
 * (`runSliced`). Each chunk commits with the next row to merge and the running totals,
 * so a restart picks up where it stopped; the slices commit without an fsync of their
 * own, and a last transaction, with one, marks the import `completed` with its final
 * counts.
 *
 * Stops, merging no more, when the import is no longer running or its campaign was
 * deleted (the import is then marked failed, and the purge removes what was merged).
 * `blockedMs` is the longest slice.
 */
export async function mergeImportInSlices(
  store: Store,
  staged: { importId: string; rows: string },
  at: number,
  pace: MergePace = {},
): Promise<LeadImportMerge> {
  const {
    chunkMs = CHUNK_MS,
    maxRowsPerChunk = MAX_ROWS_PER_CHUNK,
    onEventLoop: _onEventLoop,
    ...slices
  } = pace;
  const { importId, rows } = staged;
  const { lastRow, zones } = await withConnection(store, () => ({
    lastRow:
      (
        store.prepare(`select ifnull(max(row_number), 0) as n from ${rows}`).all([]) as {
          n: number;
        }[]
      )[0]?.n ?? 0,
    zones: zonesOfStaged(store, rows),
  }));
  let longest = 0;
  let stopped = false;
  let rowsPerChunk = FIRST_ROWS_PER_CHUNK;
  const ended = await runSliced(
    store,
    () => {
      const [state] = store.prepare(READ_STATE).all([importId]) as MergeState[];
      if (state === undefined || state.status !== 'running' || state.merge_next_row === null) {
        stopped = true;
        return true;
      }
      if (state.deleting_at !== null) {
        store
          .prepare(
            `update lead_import set status = 'failed', merge_next_row = null, finished_at = ?,
               error = 'stopped: the campaign was deleted' where id = ?`,
          )
          .run([at, importId]);
        stopped = true;
        return true;
      }
      const from = state.merge_next_row;
      if (from > lastRow) return true;
      const to = Math.min(lastRow, from + rowsPerChunk - 1);
      const began = performance.now();
      const merged = mergeRange(
        store,
        {
          importId,
          campaignId: state.campaign_id,
          mode: state.mode,
          rows,
          base: state.merge_seq_base,
          zones,
          from,
          to,
        },
        at,
      );
      store
        .prepare(
          `update lead_import set merge_next_row = ?,
             merged_pending = merged_pending + ?, merged_dnc = merged_dnc + ?,
             merged_updated_pending = merged_updated_pending + ?,
             merged_updated_dnc = merged_updated_dnc + ?,
             merged_late_duplicates = merged_late_duplicates + ?
           where id = ?`,
        )
        .run([
          to + 1,
          merged.inserted.pending,
          merged.inserted.dnc,
          merged.updated.pending,
          merged.updated.dnc,
          merged.lateDuplicates,
          importId,
        ]);
      const took = performance.now() - began;
      if (took > chunkMs) rowsPerChunk = Math.max(MIN_ROWS_PER_CHUNK, rowsPerChunk >> 1);
      else if (took < chunkMs / 2) rowsPerChunk = Math.min(maxRowsPerChunk, rowsPerChunk * 2);
      return false;
    },
    {
      sliceMs: MERGE_SLICE_MS,
      // A slice commits the next row to merge with its rows: one lost to a power cut is
      // merged again at the next start, and the next FULL commit (the journal's, the
      // import's end) makes it durable. No fsync of its own (ADR 035).
      commitUnsynced: true,
      ...slices,
      onSlice: (ms, cpuMs) => {
        longest = Math.max(longest, ms);
        slices.onSlice?.(ms, cpuMs);
      },
    },
  );
  // Stopped by the caller (shutting down): the merge resumes at the next start.
  if (stopped || ended === 'stopped') return { ok: false, reason: 'notRunning' };
  // Every row merged. The import is marked completed in a transaction of its own, with
  // the fsync the slices' commits went without: its caller deletes the staging file
  // next, and a completion a power cut could still undo would leave a merge to resume
  // without its rows. The fsync makes every slice before it durable too.
  const completed = await syncTransaction(
    store,
    () =>
      store
        .prepare(
          `update lead_import set status = 'completed', merge_next_row = null,
             accepted = merged_pending, updated = merged_updated_pending,
             duplicates = duplicates + merged_late_duplicates,
             dnc_blocked = merged_dnc + merged_updated_dnc, finished_at = ?
           where id = ? and status = 'running' and merge_next_row > ?`,
        )
        .run([at, importId, lastRow]).changes,
    { immediate: true },
  );
  if (Number(completed) === 0) return { ok: false, reason: 'notRunning' };
  const [totals] = await withConnection(
    store,
    () =>
      store
        .prepare(
          `select merged_pending, merged_dnc, merged_updated_pending, merged_updated_dnc,
             merged_late_duplicates from lead_import where id = ?`,
        )
        .all([importId]) as {
        merged_pending: number;
        merged_dnc: number;
        merged_updated_pending: number;
        merged_updated_dnc: number;
        merged_late_duplicates: number;
      }[],
  );
  return mergeResultOf(totals, longest);
}

/** The import's merge totals, as its row keeps them. */
export interface MergeTotals {
  merged_pending: number;
  merged_dnc: number;
  merged_updated_pending: number;
  merged_updated_dnc: number;
  merged_late_duplicates: number;
}

/**
 * What a merge answers from the import's totals (either dialect): `notRunning` when the
 * import's row is gone; `blockedMs` is its longest transaction.
 */
export function mergeResultOf(totals: MergeTotals | undefined, blockedMs: number): LeadImportMerge {
  if (totals === undefined) return { ok: false, reason: 'notRunning' };
  return {
    ok: true,
    inserted: { pending: totals.merged_pending, dnc: totals.merged_dnc },
    updated: { pending: totals.merged_updated_pending, dnc: totals.merged_updated_dnc },
    lateDuplicates: totals.merged_late_duplicates,
    blockedMs,
  };
}
