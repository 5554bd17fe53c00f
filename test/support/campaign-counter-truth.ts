import { type Kysely, sql } from 'kysely';
import { expect } from 'vitest';
import { createCampaignStatsReader } from '../../src/store/campaign-stats.js';
import type { Database } from '../../src/store/schema.js';
import { T0 } from './store-fixtures.js';

/** The two campaigns the counter tests change, and the lead states they count. */
export const CAMPAIGNS = ['campaign-a', 'campaign-b'] as const;
export const STATES = ['pending', 'dialing', 'completed', 'failed', 'canceled', 'dnc'] as const;
export const QUARTER_HOUR = 15 * 60_000;
/** A local midnight: the bound the campaigns list and the live feed pass as `since`. */
export const MIDNIGHT = T0 - 14 * 3_600_000;

/** The counts the way they were read before the counters: GROUP BY over the rows. */
async function truth(db: Kysely<Database>, campaignId: string, since: number) {
  const leads = await db
    .selectFrom('lead')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', '=', campaignId)
    .groupBy('state')
    .execute();
  const outcomes = await db
    .selectFrom('attempt')
    .select([
      'outcome',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`sum(case when ended_at >= ${since} then 1 else 0 end)`.as('recent'),
    ])
    .where('campaign_id', '=', campaignId)
    .where('done', '=', 1)
    .groupBy('outcome')
    .execute();
  return {
    leads: Object.fromEntries(
      STATES.map((state) => [state, Number(leads.find((row) => row.state === state)?.n ?? 0)]),
    ),
    outcomes: Object.fromEntries(outcomes.map((row) => [row.outcome, Number(row.n)])),
    outcomesSince: Object.fromEntries(
      outcomes
        .filter((row) => Number(row.recent) > 0)
        .map((row) => [row.outcome, Number(row.recent)]),
    ),
  };
}

/** Checks the counters of both campaigns against the counts over the rows. */
export async function expectCountersMatch(db: Kysely<Database>, since = MIDNIGHT) {
  const reader = createCampaignStatsReader(db);
  for (const id of CAMPAIGNS) {
    const stats = await reader.stats(id, since);
    const expected = await truth(db, id, since);
    expect(stats.leads).toEqual(expected.leads);
    expect(stats.outcomes).toEqual(expected.outcomes);
    expect(stats.outcomesSince).toEqual(expected.outcomesSince);
  }
}

/** An attempt row of `campaignId`, open, or ended (`busy`) at `endedAt`. */
export async function insertAttempt(
  db: Kysely<Database>,
  id: string,
  campaignId: string,
  leadId: string,
  endedAt: number | null,
) {
  const done = endedAt === null ? 0 : 1;
  await db
    .insertInto('attempt')
    .values({
      id,
      campaign_id: campaignId,
      lead_id: leadId,
      attempt_number: 1,
      machine_version: 1,
      channel_id: `channel-${id}`,
      snapshot: '{}',
      state: done ? 'done' : 'dialing',
      done,
      outcome: done ? 'busy' : null,
      ended_at: endedAt,
      created_at: T0,
      updated_at: T0,
    })
    .execute();
}
