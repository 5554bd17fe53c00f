import type { LeadImportCounts, LeadImportIssue } from '../campaign/lead-import.js';
import type {
  LeadImportMerge,
  LeadImportRun,
  LeadImportStart,
  StagedLead,
} from '../dialer/lead-intake-ports.js';
import type { Store } from './db.js';
import { syncTransaction, withConnection } from './sync-transaction.js';
import { claimTempSlot, releaseTempSlot } from './temp-table-slots.js';

/**
 * Opens the staging of one import: its leads and issues go to temp tables (private to
 * this connection, never written to the database file, gone with the connection when
 * the process dies), and reach the real tables only in `merge`, all at once.
 *
 * A crash at any point before the merge's commit therefore leaves no lead of the
 * import behind; the import itself stays `running` until the next start marks it
 * failed (`LeadImportRepository.failRunning`).
 */
export async function openLeadImportRun(
  store: Store,
  start: LeadImportStart,
): Promise<LeadImportRun> {
  const slot = claimTempSlot(store);
  const rows = `temp.lead_import_rows_${slot}`;
  const issues = `temp.lead_import_issues_${slot}`;
  const { importId, campaignId, mode } = start;
  try {
    await syncTransaction(store, () => {
      store.prepare(`drop table if exists ${rows}`).run([]);
      store.prepare(`drop table if exists ${issues}`).run([]);
      // row_number is the rowid: rows are appended in order, the cheapest insert there is.
      store
        .prepare(
          `create table ${rows} (row_number integer primary key, phone text not null,
            name text, timezone text, caller_id text, custom_vars text not null,
            state text not null, note text)`,
        )
        .run([]);
      store
        .prepare(
          `create table ${issues} (row_number integer not null, severity text not null,
            field text, value text, reason text not null, raw text)`,
        )
        .run([]);
      store
        .prepare(
          `insert into lead_import (id, campaign_id, file_name, mode, status, bytes_total, started_at)
           values (?, ?, ?, ?, 'running', ?, ?)`,
        )
        .run([importId, campaignId, start.fileName, mode, start.bytesTotal, start.startedAt]);
    });
  } catch (error) {
    releaseTempSlot(store, slot);
    throw error;
  }

  // Counted as staged, so the merge need not count the staging table.
  const staged = { pending: 0, dnc: 0 };
  let closed = false;
  async function dropStaging(): Promise<void> {
    if (closed) return;
    closed = true;
    try {
      await withConnection(store, () => {
        store.prepare(`drop table if exists ${rows}`).run([]);
        store.prepare(`drop table if exists ${issues}`).run([]);
      });
    } finally {
      releaseTempSlot(store, slot);
    }
  }

  /** Moves the staged issues to the import's issues; inside a transaction. */
  function flushIssues(): void {
    store
      .prepare(
        `insert into lead_import_issue (import_id, row_number, severity, field, value, reason, raw)
         select ?, row_number, severity, field, value, reason, raw from ${issues} order by rowid`,
      )
      .run([importId]);
    store.prepare(`delete from ${issues}`).run([]);
  }

  const prefix = `${importId}-`;
  const leadIdSql = `? || printf('%08d', s.row_number)`;

  return {
    importId,

    async setHeader(header) {
      await withConnection(store, () =>
        store
          .prepare('update lead_import set header = ? where id = ?')
          .run([JSON.stringify(header), importId]),
      );
    },

    async stage(leads: readonly StagedLead[], found: readonly LeadImportIssue[]) {
      if (leads.length === 0 && found.length === 0) return;
      await syncTransaction(store, () => {
        const insertLead = store.prepare(
          `insert into ${rows} (row_number, phone, name, timezone, caller_id, custom_vars, state, note)
           values (?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const lead of leads) {
          staged[lead.state] += 1;
          insertLead.run([
            lead.rowNumber,
            lead.phone,
            lead.name,
            lead.timezone,
            lead.callerId,
            lead.customVars,
            lead.state,
            lead.note,
          ]);
        }
        const insertIssue = store.prepare(
          `insert into ${issues} (row_number, severity, field, value, reason, raw) values (?, ?, ?, ?, ?, ?)`,
        );
        for (const issue of found) {
          insertIssue.run([
            issue.rowNumber,
            issue.severity,
            issue.field,
            issue.value,
            issue.reason,
            issue.raw,
          ]);
        }
      });
    },

    async saveProgress(counts, bytesRead) {
      return syncTransaction(
        store,
        () => {
          const running = store
            .prepare(
              `update lead_import set total_rows = ?, accepted = ?, updated = ?, duplicates = ?,
                 rejected = ?, dnc_blocked = ?, bytes_read = ?
               where id = ? and status = 'running'`,
            )
            .run([...countValues(counts), bytesRead, importId]);
          if (Number(running.changes) === 0) return false;
          flushIssues();
          return true;
        },
        { immediate: true },
      );
    },

    async merge(finalCounts, at) {
      let outcome: LeadImportMerge;
      let heldMs = 0;
      try {
        outcome = await syncTransaction(
          store,
          (): LeadImportMerge => {
            const running = store
              .prepare(`update lead_import set finished_at = ? where id = ? and status = 'running'`)
              .run([at, importId]);
            if (Number(running.changes) === 0) return { ok: false, reason: 'notRunning' };
            flushIssues();
            const base = store
              .prepare('select ifnull(max(import_seq), 0) as base from lead where campaign_id = ?')
              .all([campaignId]) as { base: number }[];
            const updated = mode === 'update_existing' ? updateExisting(at) : 0;
            const inserted = Number(
              store
                .prepare(
                  `insert into lead (id, campaign_id, phone, name, timezone, caller_id, custom_vars,
                     state, last_error, import_id, import_seq, created_at, updated_at)
                   select ${leadIdSql}, ?, s.phone, s.name, s.timezone, s.caller_id, s.custom_vars,
                     s.state, s.note, ?, ? + s.row_number, ?, ?
                   from ${rows} s where true order by s.row_number
                   on conflict (campaign_id, phone) do nothing`,
                )
                .run([prefix, campaignId, importId, base[0]?.base ?? 0, at, at]).changes,
            );
            const total = staged.pending + staged.dnc;
            // Staged rows are updated or inserted, except (skip_existing) numbers that became
            // leads after their row was read: count and list those, and split by state.
            const lateDuplicates = mode === 'update_existing' ? 0 : total - inserted;
            if (lateDuplicates > 0) listLateDuplicates();
            const insertedDnc = inserted === total ? staged.dnc : insertedWithState('dnc');
            const result = {
              ok: true as const,
              inserted: { pending: inserted - insertedDnc, dnc: insertedDnc },
              updated: {
                pending: updated - (mode === 'update_existing' ? staged.dnc - insertedDnc : 0),
                dnc: mode === 'update_existing' ? staged.dnc - insertedDnc : 0,
              },
              lateDuplicates,
              blockedMs: 0,
            };
            const counts = finalCounts(result);
            store
              .prepare(
                `update lead_import set status = 'completed', total_rows = ?, accepted = ?,
                   updated = ?, duplicates = ?, rejected = ?, dnc_blocked = ?, finished_at = ?
                 where id = ?`,
              )
              .run([...countValues(counts), at, importId]);
            return result;
          },
          {
            immediate: true,
            onHeld: (ms) => {
              heldMs = ms;
            },
          },
        );
      } finally {
        await dropStaging();
      }
      return outcome.ok ? { ...outcome, blockedMs: heldMs } : outcome;
    },

    async fail(error, counts, at) {
      try {
        await syncTransaction(
          store,
          () => {
            flushIssues();
            store
              .prepare(
                `update lead_import set status = 'failed', error = ?, total_rows = ?, accepted = 0,
                   updated = 0, duplicates = ?, rejected = ?, dnc_blocked = 0, finished_at = ?
                 where id = ? and status = 'running'`,
              )
              .run([error, counts.totalRows, counts.duplicates, counts.rejected, at, importId]);
          },
          { immediate: true },
        );
      } finally {
        await dropStaging();
      }
    },
  };

  /** `update_existing`: fills in what the row gives, keeps the rest; returns rows updated. */
  function updateExisting(at: number): number {
    return Number(
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
    );
  }

  /** Staged leads of `state` the merge inserted (found by their ids). */
  function insertedWithState(state: string): number {
    const [row] = store
      .prepare(
        `select count(*) as n from ${rows} s
         where s.state = ? and exists (select 1 from lead where id = ${leadIdSql})`,
      )
      .all([state, prefix]) as { n: number }[];
    return row?.n ?? 0;
  }

  function listLateDuplicates(): void {
    store
      .prepare(
        `insert into lead_import_issue (import_id, row_number, severity, field, value, reason, raw)
         select ?, s.row_number, 'warning', 'phone', s.phone,
           'already a lead of this campaign (added while the file was read); skipped', null
         from ${rows} s where not exists (select 1 from lead where id = ${leadIdSql})`,
      )
      .run([importId, prefix]);
  }
}

function countValues(counts: LeadImportCounts): number[] {
  return [
    counts.totalRows,
    counts.accepted,
    counts.updated,
    counts.duplicates,
    counts.rejected,
    counts.dncBlocked,
  ];
}
