import type { LeadImportCounts, LeadImportIssue } from '../../intake/lead-import.js';
import type { LeadImportRun, LeadImportStart, StagedLead } from '../../intake/lead-intake-ports.js';
import { phoneZonesColumn } from '../phone-zones.js';
import { beginBulkWrite } from '../sqlite/bulk-writes.js';
import type { Store } from '../sqlite/db.js';
import { syncTransaction, withConnection } from '../sqlite/sync-transaction.js';
import { claimTempSlot, releaseTempSlot } from '../sqlite/temp-table-slots.js';
import type { MergePace } from './lead-import-merge.js';
import { mergeStagedImport } from './lead-import-merge-thread.js';
import { type ImportStaging, openImportStaging } from './lead-import-staging.js';

/**
 * How long staging may hold the event loop in one turn (ms): a turn of the server's loop
 * also carries the calls' events and HTTP requests, which wait that long. A batch of
 * 1,024 rows took ~7.5 ms (p50) to stage at load 5, 13 ms at p90 and up to 50 ms when
 * the core was busy (docs/BENCHMARKS.md); a slice costs a BEGIN, a COMMIT of the staging
 * file (no fsync) and a turn, a few tens of µs (ADR 046).
 */
export const STAGE_SLICE_MS = 5;
/** Rows staged between two reads of the clock. */
const STAGE_CLOCK_EVERY = 16;

/**
 * Opens the staging of one import: its rows go to a staging file of their own beside
 * the database (`lead-import-staging.ts`), its issues to a temp table, and they reach
 * the real tables only in `merge`.
 *
 * A crash at any point before the merge begins leaves no lead of the import behind;
 * the import stays `running` until the next start marks it failed
 * (`LeadImportRepository.failRunning`). Once the merge has begun (the whole file read,
 * its rows flushed to disk) the import no longer fails: it is merged in slices, and a
 * restart finishes the merge (ADR 024).
 */
export async function openLeadImportRun(
  store: Store,
  start: LeadImportStart,
  slices: MergePace = {},
): Promise<LeadImportRun> {
  const slot = claimTempSlot(store);
  // From the first staged row to the end of the merge the disk is busy with the import's
  // pages: the journal syncs off the event loop meanwhile (ADR 055).
  const endBulkWrite = beginBulkWrite(store);
  /** The import's temp tables are dropped (or left to a resumed merge): its bulk write ends. */
  const release = () => {
    releaseTempSlot(store, slot);
    endBulkWrite();
  };
  const issues = `temp.lead_import_issues_${slot}`;
  const { importId, campaignId, mode } = start;
  let staging: ImportStaging;
  try {
    staging = await openImportStaging(store, slot, importId);
  } catch (error) {
    release();
    throw error;
  }
  const { rows, file } = staging;
  try {
    await syncTransaction(store, () => {
      store.prepare(`drop table if exists ${issues}`).run([]);
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
    await staging.remove().catch(() => undefined);
    release();
    throw error;
  }

  let closed = false;
  async function dropStaging(): Promise<void> {
    if (closed) return;
    closed = true;
    try {
      await staging.remove();
      await withConnection(store, () => {
        store.prepare(`drop table if exists ${issues}`).run([]);
      });
    } finally {
      release();
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

  /**
   * Stages `leads` from `from` on until `until` (`performance.now()` ms) has passed, the
   * first row at least; returns the index of the first row not staged. Inside a transaction.
   */
  function insertLeads(leads: readonly StagedLead[], from: number, until: number): number {
    const insertLead = store.prepare(
      `insert into ${rows} (row_number, phone, name, timezone, caller_id, custom_vars, state,
         note, phone_zones)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let at = from;
    while (at < leads.length) {
      const lead = leads[at] as StagedLead;
      insertLead.run([
        lead.rowNumber,
        lead.phone,
        lead.name,
        lead.timezone,
        lead.callerId,
        lead.customVars,
        lead.state,
        lead.note,
        phoneZonesColumn(lead.phone),
      ]);
      at += 1;
      // The clock is read every few rows: a row takes a few µs.
      if (at % STAGE_CLOCK_EVERY === 0 && performance.now() >= until) break;
    }
    return at;
  }
  /** Stages a batch's issues; inside a transaction. */
  function insertIssues(found: readonly LeadImportIssue[]): void {
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
      // A batch's rows go in in slices of about `STAGE_SLICE_MS` each, every slice a
      // transaction in a turn of the event loop of its own: measured, not counted, so a
      // slower or busier core stages fewer rows a turn rather than holding the loop longer.
      let next = 0;
      for (;;) {
        next = await syncTransaction(store, () => {
          if (next === 0) insertIssues(found);
          return insertLeads(leads, next, performance.now() + STAGE_SLICE_MS);
        });
        if (next >= leads.length) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },

    async saveProgress(counts, bytesRead) {
      // Without an fsync of its own (the next journal commit's makes it durable): progress
      // that a power cut takes back is read again, the import failing at the next start
      // anyway while its file is read; on a busy disk that fsync held the loop 40-140 ms
      // every second (ADR 052).
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
        { immediate: true, commitUnsynced: true },
      );
    },

    async merge(finalCounts, at) {
      // Kept when the merge broke off half way (the store closing, an I/O error): the
      // next start finishes it from this file (resumeImportMerges).
      let keepStaging = false;
      try {
        // The point of no return: every row is read, validated and on disk. From the
        // commit below on, the import completes, if need be after a restart (ADR 024).
        await staging.sync();
        const decided = await syncTransaction(
          store,
          () => {
            const before = countValues(
              finalCounts({
                ok: true,
                inserted: { pending: 0, dnc: 0 },
                updated: { pending: 0, dnc: 0 },
                lateDuplicates: 0,
                blockedMs: 0,
              }),
            );
            const running = store
              .prepare(
                `update lead_import set merge_next_row = 1,
                   merge_seq_base = (select ifnull(max(import_seq), 0) from lead where campaign_id = ?),
                   total_rows = ?, accepted = ?, updated = ?, duplicates = ?, rejected = ?,
                   dnc_blocked = ?
                 where id = ? and status = 'running' and merge_next_row is null
                   and exists (select 1 from campaign where id = ? and deleting_at is null)`,
              )
              .run([campaignId, ...before, importId, campaignId]);
            if (Number(running.changes) === 0) return false;
            flushIssues();
            return true;
          },
          { immediate: true },
        );
        if (!decided) return { ok: false, reason: 'notRunning' };
        keepStaging = true;
        const merged = await mergeStagedImport(store, { importId, rows, file }, at, slices);
        keepStaging = false;
        return merged;
      } finally {
        if (keepStaging) {
          closed = true;
          try {
            await staging.detach();
          } finally {
            release();
          }
        } else {
          await dropStaging();
        }
      }
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
                 where id = ? and status = 'running' and merge_next_row is null`,
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
