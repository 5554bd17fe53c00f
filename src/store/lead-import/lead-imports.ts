import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  LeadImport,
  LeadImportCounts,
  LeadImportIssue,
  LeadImportMode,
  LeadImportStatus,
} from '../../intake/lead-import.js';
import type { LeadImportRepository } from '../../intake/lead-intake-ports.js';
import type { Database, LeadImportIssueTable, LeadImportTable } from '../schema.js';

/** Maps a `lead_import` row to a `LeadImport`. */
export function leadImportFromRow(row: Selectable<LeadImportTable>): LeadImport {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    fileName: row.file_name,
    mode: row.mode as LeadImportMode,
    status: row.status as LeadImportStatus,
    totalRows: row.total_rows,
    accepted: row.accepted,
    updated: row.updated,
    duplicates: row.duplicates,
    rejected: row.rejected,
    dncBlocked: row.dnc_blocked,
    error: row.error,
    header: row.header === null ? null : (JSON.parse(row.header) as string[]),
    bytesRead: row.bytes_read,
    bytesTotal: row.bytes_total,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** An import's counts as its `lead_import` columns. */
export function importCountColumns(counts: LeadImportCounts) {
  return {
    total_rows: counts.totalRows,
    accepted: counts.accepted,
    updated: counts.updated,
    duplicates: counts.duplicates,
    rejected: counts.rejected,
    dnc_blocked: counts.dncBlocked,
  };
}

function issueFromRow(row: Selectable<LeadImportIssueTable>): LeadImportIssue {
  return {
    rowNumber: row.row_number,
    severity: row.severity as LeadImportIssue['severity'],
    field: row.field,
    value: row.value,
    reason: row.reason,
    raw: row.raw,
  };
}

/** Creates the lead import repository over a migrated database. */
export function createLeadImportRepository(db: Kysely<Database>): LeadImportRepository {
  return {
    async start(started) {
      await db
        .insertInto('lead_import')
        .values({
          id: started.id,
          campaign_id: started.campaignId,
          file_name: started.fileName,
          mode: started.mode,
          bytes_total: started.bytesTotal ?? null,
          status: 'running',
          started_at: started.startedAt,
        })
        .execute();
    },

    async finish(id, { status, counts, error }, at) {
      const result = await db
        .updateTable('lead_import')
        .set({ status, error, ...importCountColumns(counts), finished_at: at })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async addIssues(importId, issues) {
      if (issues.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const issue of issues) {
          await trx
            .insertInto('lead_import_issue')
            .values({
              import_id: importId,
              row_number: issue.rowNumber,
              severity: issue.severity,
              field: issue.field,
              value: issue.value,
              reason: issue.reason,
              raw: issue.raw,
            })
            .execute();
        }
      });
    },

    async get(id) {
      const row = await db
        .selectFrom('lead_import')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && leadImportFromRow(row);
    },

    async listByCampaign(campaignId) {
      const rows = await db
        .selectFrom('lead_import')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(leadImportFromRow);
    },

    async listIssues(importId, page = {}) {
      let query = db.selectFrom('lead_import_issue').where('import_id', '=', importId);
      if (page.severity !== undefined) query = query.where('severity', '=', page.severity);
      if (page.afterRow !== undefined) query = query.where('row_number', '>', page.afterRow);
      if (page.limit !== undefined) {
        // The row of the limit-th issue ends the page, with all of its issues.
        const last = await query
          .select('row_number')
          .orderBy('row_number')
          .limit(1)
          .offset(Math.max(0, page.limit - 1))
          .executeTakeFirst();
        if (last !== undefined) query = query.where('row_number', '<=', last.row_number);
      }
      // rowid keeps a row's issues in the order they were found.
      const rows = await query.selectAll().orderBy('row_number').orderBy(sql`rowid`).execute();
      return rows.map(issueFromRow);
    },

    async failRunning(error, at) {
      const rows = await db
        .updateTable('lead_import')
        .set({ status: 'failed', error, finished_at: at })
        .where('status', '=', 'running')
        // A merge under way is finished at the start, not failed (ADR 024).
        .where('merge_next_row', 'is', null)
        .returning('id')
        .execute();
      return rows.map((row) => row.id);
    },

    async delete(id) {
      const result = await db.deleteFrom('lead_import').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
