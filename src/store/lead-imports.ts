import type { Kysely, Selectable } from 'kysely';
import type { Database, LeadImportIssueTable, LeadImportTable } from './schema.js';

export type LeadImportMode = 'skip_existing' | 'update_existing';
export type LeadImportStatus = 'running' | 'completed' | 'failed';

/** Row counts of an import, kept up to date as it runs. */
export interface LeadImportCounts {
  totalRows: number;
  accepted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  dncBlocked: number;
}

/** One CSV import into a campaign. */
export interface LeadImport extends LeadImportCounts {
  id: string;
  campaignId: string;
  fileName: string;
  mode: LeadImportMode;
  status: LeadImportStatus;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}

/** A problem with one row of an import: an error rejects the row, a warning does not. */
export interface LeadImportIssue {
  /** 1-based data row of the file, the header not counted. */
  rowNumber: number;
  severity: 'error' | 'warning';
  field: string | null;
  value: string | null;
  reason: string;
  /** The raw row, for the downloadable error CSV. */
  raw: string | null;
}

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
    startedAt: row.started_at,
    finishedAt: row.finished_at,
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

/** Lead imports and the issues found in their rows. */
export interface LeadImportRepository {
  /** Records a new import as `running` with zero counts. */
  start(started: {
    id: string;
    campaignId: string;
    fileName: string;
    mode: LeadImportMode;
    startedAt: number;
  }): Promise<void>;
  /** Sets the final status and counts; false when there is no such running import. */
  finish(
    id: string,
    result: {
      status: Exclude<LeadImportStatus, 'running'>;
      counts: LeadImportCounts;
      error: string | null;
    },
    at: number,
  ): Promise<boolean>;
  addIssues(importId: string, issues: readonly LeadImportIssue[]): Promise<void>;
  get(id: string): Promise<LeadImport | undefined>;
  /** The campaign's imports, newest first. */
  listByCampaign(campaignId: string): Promise<LeadImport[]>;
  /** The issues of an import, in row order. */
  listIssues(importId: string): Promise<LeadImportIssue[]>;
  /** Deletes the import and its issues; its leads stay. */
  delete(id: string): Promise<boolean>;
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
          status: 'running',
          started_at: started.startedAt,
        })
        .execute();
    },

    async finish(id, { status, counts, error }, at) {
      const result = await db
        .updateTable('lead_import')
        .set({
          status,
          error,
          total_rows: counts.totalRows,
          accepted: counts.accepted,
          updated: counts.updated,
          duplicates: counts.duplicates,
          rejected: counts.rejected,
          dnc_blocked: counts.dncBlocked,
          finished_at: at,
        })
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

    async listIssues(importId) {
      const rows = await db
        .selectFrom('lead_import_issue')
        .selectAll()
        .where('import_id', '=', importId)
        .orderBy('row_number')
        .execute();
      return rows.map(issueFromRow);
    },

    async delete(id) {
      const result = await db.deleteFrom('lead_import').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
