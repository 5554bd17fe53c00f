import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './schema.js';
import type { Store } from './sqlite/db.js';
import { runSliced, type SlicedWorkOptions } from './sqlite/sliced-work.js';

/**
 * What a deleted campaign leaves, in the order it is removed: children before their
 * parents, so that no delete cascades into more than a chunk's worth of rows (an
 * attempt's journal goes with it: a hundred attempts are a few thousand event rows).
 * The campaign row goes last; its trigger drops the campaign's counters.
 *
 * The same text runs on PostgreSQL (src/store/postgres/campaign-purge.ts), where the
 * four tables read by `rowid` have a real `rowid` column and `dnc` is read by its `id`
 * (SQLite's rowid alias).
 */
export const CAMPAIGN_PURGE_PHASES: readonly { sql: string; limit: number }[] = [
  {
    sql: `delete from attempt where rowid in
            (select rowid from attempt where campaign_id = ? limit ?)`,
    limit: 100,
  },
  {
    sql: 'delete from lead where rowid in (select rowid from lead where campaign_id = ? limit ?)',
    limit: 500,
  },
  {
    sql: `delete from lead_import_issue where rowid in
            (select i.rowid from lead_import m
               join lead_import_issue i on i.import_id = m.id
             where m.campaign_id = ? limit ?)`,
    limit: 2000,
  },
  {
    sql: `delete from lead_import where rowid in
            (select rowid from lead_import where campaign_id = ? limit ?)`,
    limit: 100,
  },
  {
    sql: 'delete from dnc where id in (select id from dnc where campaign_id = ? limit ?)',
    limit: 2000,
  },
];

/**
 * One chunk of deleting campaign `campaignId`'s rows per call, for `runSliced`: true
 * once the campaign row itself is gone. Each chunk removes at most a few hundred rows,
 * a few ms of work.
 */
export function campaignPurgeChunk(store: Store, campaignId: string): () => boolean {
  let phase = 0;
  return () => {
    const current = CAMPAIGN_PURGE_PHASES[phase];
    if (current === undefined) {
      store
        .prepare('delete from campaign where id = ? and deleting_at is not null')
        .run([campaignId]);
      return true;
    }
    const { changes } = store.prepare(current.sql).run([campaignId, current.limit]);
    if (Number(changes) < current.limit) phase += 1;
    return false;
  };
}

export interface CampaignPurger {
  /** Looks for deleted campaigns to remove (after a delete, and on start). */
  wake(): void;
  /** Resolves once no deleted campaign is left to remove (or the purger stopped). */
  idle(): Promise<void>;
  /** Ends the work after the current slice; what is left resumes at the next start. */
  stop(): Promise<void>;
}

/** How long to wait before trying again after a slice failed (a full disk, an I/O error). */
const RETRY_AFTER_MS = 1000;

/**
 * Removes the rows of deleted campaigns (`deleting_at` set) in the background, a slice
 * of about 20 ms at a time, so that deleting a campaign of millions of leads never holds
 * the event loop or the database's write lock for long. Starts with the campaigns a
 * previous run left half deleted.
 */
export function startCampaignPurger(deps: {
  store: Store;
  log: Logger;
  slices?: Pick<SlicedWorkOptions, 'sliceMs' | 'onSlice'>;
}): CampaignPurger {
  const { store } = deps;
  return startPurgeLoop({
    db: store.db,
    log: deps.log,
    removeCampaign: (campaignId, shouldStop) =>
      runSliced(store, campaignPurgeChunk(store, campaignId), { ...deps.slices, shouldStop }),
  });
}

/**
 * The purger's loop, whatever the database: finds the deleted campaigns oldest first and
 * has `removeCampaign` remove each (until `shouldStop`); on a failure, tries again a
 * second later.
 */
export function startPurgeLoop(deps: {
  db: Kysely<Database>;
  log: Logger;
  removeCampaign(campaignId: string, shouldStop: () => boolean): Promise<'done' | 'stopped'>;
}): CampaignPurger {
  const { db, log } = deps;
  let running: Promise<void> | undefined;
  let requested = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  async function nextDeleted(): Promise<string | undefined> {
    const row = await db
      .selectFrom('campaign')
      .select('id')
      .where('deleting_at', 'is not', null)
      .orderBy('deleting_at')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  async function drain(): Promise<void> {
    while (!stopped) {
      requested = false;
      const campaignId = await nextDeleted();
      if (campaignId === undefined) {
        if (requested) continue;
        return;
      }
      const began = performance.now();
      const result = await deps.removeCampaign(campaignId, () => stopped);
      if (result === 'done') {
        log.info(
          { campaignId, ms: Math.round(performance.now() - began) },
          'deleted campaign removed',
        );
      }
    }
  }

  function wake(): void {
    requested = true;
    if (running !== undefined || stopped) return;
    running = drain()
      .catch((error: unknown) => {
        log.warn({ err: error }, 'removing a deleted campaign failed; trying again');
        retry = setTimeout(wake, RETRY_AFTER_MS);
        retry.unref();
      })
      .finally(() => {
        running = undefined;
      });
  }

  wake();
  return {
    wake,
    async idle() {
      while (running !== undefined) await running;
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await running;
    },
  };
}
