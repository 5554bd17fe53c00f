import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../schema.js';
import type { Store } from '../sqlite/db.js';
import { syncTransaction } from '../sqlite/sync-transaction.js';
import { claimTempSlot, releaseTempSlot } from '../sqlite/temp-table-slots.js';
import { mergeStagedImport } from './lead-import-merge-thread.js';
import { openImportStaging } from './lead-import-staging.js';

/** The reason recorded on a merge that cannot be finished: its staging file is gone. */
export const LOST_STAGING_ERROR =
  'interrupted: dialstate stopped during the merge and the staged rows are gone; the leads merged before the stop were kept';

export interface ImportMergeResumer {
  /** Resolves once every interrupted merge is finished (or the resumer stopped). */
  done: Promise<void>;
  /** Stops after the current slice; what is left resumes at the next start. */
  stop(): Promise<void>;
}

/**
 * Finishes the merges a previous run left half way (`merge_next_row` set): each from
 * its staging file, in the background, a slice at a time, like a live merge. Their
 * imports were committed to when their whole file had been read (ADR 024).
 */
export function resumeImportMerges(deps: {
  store: Store;
  log: Logger;
  now: () => number;
}): ImportMergeResumer {
  const { store, log } = deps;
  return resumeEachMerge({ db: store.db, log, resumeOne });

  async function resumeOne(importId: string, stopped: () => boolean): Promise<void> {
    const slot = claimTempSlot(store);
    try {
      let staging: Awaited<ReturnType<typeof openImportStaging>>;
      try {
        staging = await openImportStaging(store, slot, importId, true);
      } catch (error) {
        log.error({ err: error, importId }, 'a lead import merge cannot be finished');
        await syncTransaction(store, () =>
          store
            .prepare(
              `update lead_import set status = 'failed', merge_next_row = null, error = ?,
                 finished_at = ? where id = ?`,
            )
            .run([LOST_STAGING_ERROR, deps.now(), importId]),
        );
        return;
      }
      const merged = await mergeStagedImport(
        store,
        { importId, rows: staging.rows, file: staging.file },
        deps.now(),
        { shouldStop: stopped },
      );
      if (stopped()) return;
      await staging.remove();
      log.info({ importId, merged }, 'interrupted lead import merge finished');
    } finally {
      releaseTempSlot(store, slot);
    }
  }
}

/**
 * The resumer's loop, whatever the database: runs `beforeAll` (clean-up), then
 * `resumeOne` for every import whose merge a stopped run left half way, oldest first,
 * one after the other, until stopped.
 */
export function resumeEachMerge(deps: {
  db: Kysely<Database>;
  log: Logger;
  beforeAll?: () => Promise<void>;
  resumeOne(importId: string, stopped: () => boolean): Promise<void>;
}): ImportMergeResumer {
  const { db, log } = deps;
  let stopped = false;

  async function run(): Promise<void> {
    await deps.beforeAll?.();
    const pending = await db
      .selectFrom('lead_import')
      .select('id')
      .where('status', '=', 'running')
      .where('merge_next_row', 'is not', null)
      .orderBy('started_at')
      .execute();
    for (const { id } of pending) {
      if (stopped) return;
      await deps.resumeOne(id, () => stopped);
    }
  }

  const done = run().catch((error: unknown) => {
    // The store closing under a merge at shutdown ends up here too: it resumes next time.
    if (!stopped) log.error({ err: error }, 'finishing interrupted lead import merges failed');
  });
  return {
    done,
    async stop() {
      stopped = true;
      await done;
    },
  };
}
