import { type Kysely, sql } from 'kysely';
import type { LeadImportRun, LeadImportStart } from '../../intake/lead-intake-ports.js';
import { importCountColumns } from '../lead-import/lead-imports.js';
import type { Database } from '../schema.js';
import { mergePostgresImport, type PostgresMergeOptions } from './import-merge.js';
import {
  createStagingTables,
  flushStagedIssues,
  openPostgresImportStaging,
} from './import-staging.js';

/** A merge's result before it merged anything: the counts of the file as read. */
const NOTHING_MERGED = {
  ok: true,
  inserted: { pending: 0, dnc: 0 },
  updated: { pending: 0, dnc: 0 },
  lateDuplicates: 0,
  blockedMs: 0,
} as const;

/**
 * One lead import on PostgreSQL, with the contract of SQLite's (src/store/lead-import/lead-import-run.ts):
 * rows and issues are staged out of sight (import-staging.ts); issues become visible
 * with each saved progress; leads reach the lead table only in `merge`.
 *
 * A crash at any point before the merge begins leaves no lead of the import behind; the
 * import stays `running` until a start marks it failed (`failRunning`), and a start drops
 * its staging (`dropStaleStagings`). Once the merge has begun the import no longer fails:
 * it is merged a chunk per transaction, and a restart (of this node or another) finishes
 * it (import-resume.ts).
 */
export async function openPostgresLeadImportRun(
  db: Kysely<Database>,
  start: LeadImportStart,
  mergeOptions: Pick<PostgresMergeOptions, 'onSlice'> = {},
): Promise<LeadImportRun> {
  const { importId, campaignId, mode } = start;
  await db.transaction().execute(async (trx) => {
    await createStagingTables(trx, importId);
    await trx
      .insertInto('lead_import')
      .values({
        id: importId,
        campaign_id: campaignId,
        file_name: start.fileName,
        mode,
        status: 'running',
        bytes_total: start.bytesTotal,
        started_at: start.startedAt,
      })
      .execute();
  });
  const staging = await openPostgresImportStaging(db, importId);

  let closed = false;
  async function dropStaging(): Promise<void> {
    if (closed) return;
    closed = true;
    await staging.remove();
  }

  return {
    importId,

    async setHeader(header) {
      await db
        .updateTable('lead_import')
        .set({ header: JSON.stringify(header) })
        .where('id', '=', importId)
        .execute();
    },

    stage: (leads, found) => staging.stage(leads, found),

    async saveProgress(counts, bytesRead) {
      return db.transaction().execute(async (trx) => {
        const running = await trx
          .updateTable('lead_import')
          .set({ ...importCountColumns(counts), bytes_read: bytesRead })
          .where('id', '=', importId)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (running.numUpdatedRows === 0n) return false;
        await flushStagedIssues(trx, importId);
        return true;
      });
    },

    async merge(finalCounts, at) {
      // Kept when the merge broke off half way (the pool closing, the server gone): the
      // next start, here or on another node, finishes it from the staged rows.
      let keepStaging = false;
      try {
        // The point of no return: every row is read, validated and now crash-safe. From
        // the commit below on, the import completes, if need be after a restart (ADR 024).
        await staging.persist();
        const before = importCountColumns(finalCounts(NOTHING_MERGED));
        const decided = await db.transaction().execute(async (trx) => {
          // The campaign's row, locked, is the merge's start line: a delete of the
          // campaign waits for it, and imports into one campaign start their merges in turn.
          const campaign = await trx
            .selectFrom('campaign')
            .select('id')
            .where('id', '=', campaignId)
            .where('deleting_at', 'is', null)
            .forUpdate()
            .executeTakeFirst();
          if (campaign === undefined) return false;
          const running = await trx
            .updateTable('lead_import')
            .set({
              ...before,
              merge_next_row: 1,
              merge_seq_base: sql<number>`(select coalesce(max(import_seq), 0) from lead
                where campaign_id = ${campaignId})`,
            })
            .where('id', '=', importId)
            .where('status', '=', 'running')
            .where('merge_next_row', 'is', null)
            .executeTakeFirst();
          if (running.numUpdatedRows === 0n) return false;
          await flushStagedIssues(trx, importId);
          return true;
        });
        if (!decided) return { ok: false, reason: 'notRunning' };
        keepStaging = true;
        const merged = await mergePostgresImport(
          db,
          { importId, rows: staging.rows },
          at,
          mergeOptions,
        );
        keepStaging = false;
        return merged;
      } finally {
        if (keepStaging) closed = true;
        else await dropStaging();
      }
    },

    async fail(error, counts, at) {
      try {
        await db.transaction().execute(async (trx) => {
          await flushStagedIssues(trx, importId);
          await trx
            .updateTable('lead_import')
            .set({
              status: 'failed',
              error,
              total_rows: counts.totalRows,
              accepted: 0,
              updated: 0,
              duplicates: counts.duplicates,
              rejected: counts.rejected,
              dnc_blocked: 0,
              finished_at: at,
            })
            .where('id', '=', importId)
            .where('status', '=', 'running')
            .where('merge_next_row', 'is', null)
            .execute();
        });
      } finally {
        await dropStaging();
      }
    },
  };
}
