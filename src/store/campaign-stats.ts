import { type Kysely, sql } from 'kysely';
import { LEAD_STATES, type LeadState } from '../campaign/retry-policy.js';
import type { Database } from './schema.js';

/** Counters of one campaign, as the API and UI show them. */
export interface CampaignStats {
  leads: Record<LeadState, number>;
  /** Ended attempts by outcome, all time and since `since`. */
  outcomes: Record<string, number>;
  outcomesSince: Record<string, number>;
  /** Open attempts by the top-level state they are in (`dialing`, `screening`, `talking`…). */
  live: Record<string, number>;
  liveTotal: number;
}

/** Read-only counters of campaigns. */
export interface CampaignStatsReader {
  /** The campaign's counters; `since` (epoch ms) bounds `outcomesSince`, e.g. local midnight. */
  stats(campaignId: string, since: number): Promise<CampaignStats>;
  /** Attempts of the campaign that have not ended. */
  countOpenAttempts(campaignId: string): Promise<number>;
}

export function createCampaignStatsReader(db: Kysely<Database>): CampaignStatsReader {
  // `indexed by`: through the partial index on open attempts, a handful of rows whatever
  // the campaign's history; by campaign, SQLite would walk every attempt it ever made.
  function openAttemptStates(campaignId: string) {
    return sql<{ state: string; n: number }>`select state, count(*) as n
      from attempt indexed by attempt_open
      where done = 0 and campaign_id = ${campaignId}
      group by state`.execute(db);
  }

  async function countOpenAttempts(campaignId: string): Promise<number> {
    const { rows } = await openAttemptStates(campaignId);
    return rows.reduce((sum, row) => sum + Number(row.n), 0);
  }

  return {
    async stats(campaignId, since) {
      const leads = Object.fromEntries(LEAD_STATES.map((state) => [state, 0])) as Record<
        LeadState,
        number
      >;
      const leadRows = await db
        .selectFrom('lead')
        .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
        .where('campaign_id', '=', campaignId)
        .groupBy('state')
        .execute();
      for (const row of leadRows) leads[row.state as LeadState] = Number(row.n);

      const outcomeRows = await db
        .selectFrom('attempt')
        .select([
          'outcome',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) =>
            eb.fn
              .sum<number>(eb.case().when('ended_at', '>=', since).then(1).else(0).end())
              .as('recent'),
        ])
        .where('campaign_id', '=', campaignId)
        .where('done', '=', 1)
        .groupBy('outcome')
        .execute();
      const outcomes: Record<string, number> = {};
      const outcomesSince: Record<string, number> = {};
      for (const row of outcomeRows) {
        const outcome = row.outcome ?? 'unknown';
        outcomes[outcome] = Number(row.n);
        if (Number(row.recent) > 0) outcomesSince[outcome] = Number(row.recent);
      }

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
