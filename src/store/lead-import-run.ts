import type { LeadImportCounts, LeadImportIssue } from '../intake/lead-import.js';
import type {
  LeadImportMerge,
  LeadImportRun,
  LeadImportStart,
  StagedLead,
} from '../intake/lead-intake-ports.js';
import type { Store } from './db.js';
import { mergeStagedLeads } from './lead-import-merge.js';
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
            const merged = mergeStagedLeads(
              store,
              { importId, campaignId, mode, rows, staged },
              at,
            );
            const result = { ...merged, blockedMs: 0 };
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
