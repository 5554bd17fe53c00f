import { type Kysely, sql } from 'kysely';
import { LEAD_STATES, type LeadState } from '../campaign/retry-policy.js';
import type { CampaignStatsReader } from '../control/campaign-reads.js';
import { indexedBy } from './dialect.js';
import type { Database } from './schema.js';

/**
 * Width of the buckets of ended attempts in `campaign_outcome_bucket` (ms), as migration
 * 202611271000_campaign_counters fills them: a quarter hour, on which every local
 * midnight falls.
 */
const OUTCOME_BUCKET_MS = 15 * 60_000;

/**
 * Counters read from the tables the database's triggers keep (migration
 * 202611271000_campaign_counters), so that their cost does not grow with the campaign.
 */
export function createCampaignStatsReader(db: Kysely<Database>): CampaignStatsReader {
  // `indexed by`: through the partial index on open attempts, a handful of rows whatever
  // the campaign's history; by campaign, SQLite would walk every attempt it ever made.
  const openAttempts = indexedBy(db, 'attempt_open');
  function openAttemptStates(campaignId: string) {
    return sql<{ state: string; n: number }>`select state, count(*) as n
      from attempt ${openAttempts}
      where done = 0 and campaign_id = ${campaignId}
      group by state`.execute(db);
  }

  async function countOpenAttempts(campaignId: string): Promise<number> {
    const { rows } = await openAttemptStates(campaignId);
    return rows.reduce((sum, row) => sum + Number(row.n), 0);
  }

  /** Ended attempts by outcome, all time and since `since`, from the trigger-kept counts. */
  async function outcomeCounts(campaignId: string, since: number) {
    const outcomes: Record<string, number> = {};
    const outcomesSince: Record<string, number> = {};
    const totals = await db
      .selectFrom('campaign_outcome_count')
      .select(['outcome', 'n'])
      .where('campaign_id', '=', campaignId)
      .where('n', '>', 0)
      .execute();
    for (const row of totals) outcomes[row.outcome] = Number(row.n);
    if (since % OUTCOME_BUCKET_MS === 0) {
      const recent = await db
        .selectFrom('campaign_outcome_bucket')
        .select(['outcome', (eb) => eb.fn.sum<number>('n').as('n')])
        .where('campaign_id', '=', campaignId)
        .where('bucket', '>=', since / OUTCOME_BUCKET_MS)
        .groupBy('outcome')
        .execute();
      for (const row of recent) if (Number(row.n) > 0) outcomesSince[row.outcome] = Number(row.n);
    } else {
      // Not on a bucket's edge (no local midnight is): counted from the attempts.
      const recent = await db
        .selectFrom('attempt')
        .select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
        .where('campaign_id', '=', campaignId)
        .where('done', '=', 1)
        .where('ended_at', '>=', since)
        .groupBy('outcome')
        .execute();
      for (const row of recent) outcomesSince[row.outcome ?? 'unknown'] = Number(row.n);
    }
    return { outcomes, outcomesSince };
  }

  return {
    async stats(campaignId, since) {
      const leads = Object.fromEntries(LEAD_STATES.map((state) => [state, 0])) as Record<
        LeadState,
        number
      >;
      const leadRows = await db
        .selectFrom('campaign_lead_count')
        .select(['state', 'n'])
        .where('campaign_id', '=', campaignId)
        .execute();
      for (const row of leadRows) leads[row.state as LeadState] = Number(row.n);
      const { outcomes, outcomesSince } = await outcomeCounts(campaignId, since);

      const { rows: liveRows } = await openAttemptStates(campaignId);
      const live: Record<string, number> = {};
      let liveTotal = 0;
      for (const row of liveRows) {
        const top = row.state.split('.')[0] ?? row.state;
        live[top] = (live[top] ?? 0) + Number(row.n);
        liveTotal += Number(row.n);
      }
      return { leads, outcomes, outcomesSince, live, liveTotal };
    },
    countOpenAttempts,
  };
}
