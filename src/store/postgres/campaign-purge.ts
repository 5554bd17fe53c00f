import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Logger } from 'pino';
import { CAMPAIGN_PURGE_PHASES, type CampaignPurger, startPurgeLoop } from '../campaign-purge.js';
import type { Database } from '../schema.js';

/**
 * The first key of the advisory locks that let one node at a time remove a campaign (the
 * second is the campaign id's hash): "dstp" in ASCII.
 */
const PURGE_LOCK_CLASS = 0x64737470;

/** SQLite's `?` placeholders of `text`, bound to `values` in order, as Kysely SQL. */
function bound(text: string, values: readonly unknown[]): RawBuilder<unknown> {
  const parts = text.split('?');
  if (parts.length !== values.length + 1) {
    throw new Error(`expected ${parts.length - 1} values for: ${text}`);
  }
  return sql(Object.assign([...parts], { raw: parts }) as TemplateStringsArray, ...values);
}

/**
 * Removes deleted campaign `campaignId` from PostgreSQL with SQLite's phases and chunk
 * sizes (CAMPAIGN_PURGE_PHASES), a chunk per transaction. Each transaction first takes
 * the campaign's advisory lock: nodes purging the same campaign take turns, so a chunk
 * that deletes fewer rows than its limit means its phase is truly over (no other node
 * deleted them under it), and the campaign row goes only once all its rows are gone.
 */
async function removeCampaign(
  db: Kysely<Database>,
  campaignId: string,
  shouldStop: () => boolean,
): Promise<'done' | 'stopped'> {
  let phase = 0;
  for (;;) {
    if (shouldStop()) return 'stopped';
    // The phase moves on only once its last chunk committed.
    const step = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${PURGE_LOCK_CLASS}, hashtext(${campaignId}))`.execute(
        trx,
      );
      const current = CAMPAIGN_PURGE_PHASES[phase];
      if (current === undefined) {
        await trx
          .deleteFrom('campaign')
          .where('id', '=', campaignId)
          .where('deleting_at', 'is not', null)
          .execute();
        return 'done';
      }
      const result = await bound(current.sql, [campaignId, current.limit]).execute(trx);
      return Number(result.numAffectedRows ?? 0n) < current.limit ? 'next' : 'more';
    });
    if (step === 'done') return 'done';
    if (step === 'next') phase += 1;
  }
}

/**
 * The campaign purger on PostgreSQL (see `startCampaignPurger`): deleted campaigns are
 * removed in the background, in short transactions, so that no claim or journal write
 * of any node waits long on the rows and counters they touch.
 */
export function startPostgresCampaignPurger(deps: {
  db: Kysely<Database>;
  log: Logger;
}): CampaignPurger {
  return startPurgeLoop({
    db: deps.db,
    log: deps.log,
    removeCampaign: (campaignId, shouldStop) => removeCampaign(deps.db, campaignId, shouldStop),
  });
}
