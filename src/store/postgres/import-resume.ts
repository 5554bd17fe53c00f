import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  type ImportMergeResumer,
  LOST_STAGING_ERROR,
  resumeEachMerge,
} from '../lead-import/lead-import-resume.js';
import type { Database } from '../schema.js';
import { mergePostgresImport } from './import-merge.js';
import { dropStaleStagings, openPostgresImportStaging } from './import-staging.js';

/**
 * On PostgreSQL, what a start does for the lead imports a stopped run left: drops the
 * staging tables no import needs any more (of imports that failed or completed, e.g.
 * marked failed by `failRunning` just before), then finishes, in the background, every
 * merge left half way (`merge_next_row` set) from its staged rows, like
 * `resumeImportMerges` does on SQLite.
 *
 * Several nodes may start at once and both take up the same merge: each chunk locks the
 * import's row and merges from where it stands (import-merge.ts), so each row is merged
 * once, whoever merges it.
 */
export function resumePostgresImportMerges(deps: {
  db: Kysely<Database>;
  log: Logger;
  now: () => number;
}): ImportMergeResumer {
  const { db, log } = deps;
  return resumeEachMerge({
    db,
    log,
    async beforeAll() {
      const dropped = await dropStaleStagings(db);
      if (dropped.length > 0) log.info({ imports: dropped }, 'stale lead import staging dropped');
    },
    resumeOne,
  });

  async function resumeOne(importId: string, stopped: () => boolean): Promise<void> {
    let staging: Awaited<ReturnType<typeof openPostgresImportStaging>>;
    try {
      staging = await openPostgresImportStaging(db, importId);
    } catch (error) {
      log.error({ err: error, importId }, 'a lead import merge cannot be finished');
      await db
        .updateTable('lead_import')
        .set({
          status: 'failed',
          merge_next_row: null,
          error: LOST_STAGING_ERROR,
          finished_at: deps.now(),
        })
        .where('id', '=', importId)
        .where('status', '=', 'running')
        .execute();
      return;
    }
    const merged = await mergePostgresImport(db, { importId, rows: staging.rows }, deps.now(), {
      shouldStop: stopped,
    });
    if (stopped()) return;
    await staging.remove();
    log.info({ importId, merged }, 'interrupted lead import merge finished');
  }
}
