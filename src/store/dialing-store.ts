import { type Kysely, sql } from 'kysely';
import type { CampaignDialingState, DialingStore } from '../calls/ports.js';
import { campaignFromRow } from './campaigns.js';
import type { SqliteAttemptJournal } from './journal/attempt-journal.js';
import { createLeadClaimer, type LeadClaimer } from './lead-claims.js';
import type { Database } from './schema.js';

/**
 * Creates the scheduler's store over a migrated database and the claimer of its
 * dialect, or SQLite's attempt journal to claim through. Reads are written to use the
 * partial indexes on pending leads and open attempts, so a scheduler pass costs the
 * same with ten leads or a million.
 */
export function createDialingStore(
  db: Kysely<Database>,
  claims: Pick<SqliteAttemptJournal, 'transact'> | LeadClaimer,
): DialingStore {
  const claimer = 'claimNextLead' in claims ? claims : createLeadClaimer(claims);

  function campaignsWithState() {
    return db
      .selectFrom('campaign')
      .selectAll('campaign')
      .where('campaign.deleting_at', 'is', null)
      .select([
        // Literal states, so that SQLite may use the partial claim index (see lead-claims).
        sql<number | null>`(select min(l.next_attempt_at) from lead l
          where l.campaign_id = campaign.id and l.state = 'pending')`.as('next_due_at'),
        // A number on both dialects: PostgreSQL's `exists` is a boolean.
        sql<number>`case when exists(select 1 from lead l
          where l.campaign_id = campaign.id and l.state = 'dialing') then 1 else 0 end`.as(
          'has_dialing',
        ),
      ]);
  }

  /** Open attempts per campaign, read from the partial index on open attempts. */
  async function liveByCampaign(): Promise<Map<string, number>> {
    // Counted here: with GROUP BY, SQLite prefers to walk every attempt in campaign order.
    const { rows } = await sql<{ campaign_id: string }>`
      select campaign_id from attempt where done = 0
    `.execute(db);
    const live = new Map<string, number>();
    for (const { campaign_id } of rows) live.set(campaign_id, (live.get(campaign_id) ?? 0) + 1);
    return live;
  }

  type Row = Awaited<ReturnType<ReturnType<typeof campaignsWithState>['execute']>>[number];
  function stateOf(row: Row, live: Map<string, number>): CampaignDialingState {
    return {
      campaign: campaignFromRow(row),
      live: live.get(row.id) ?? 0,
      lastOriginateAt: row.last_originate_at,
      nextDueAt: row.next_due_at,
      hasDialingLeads: row.has_dialing === 1,
    };
  }
  /** Running → completed in one statement: a claim or recycle meanwhile keeps it running. */
  async function complete(
    campaignId: string,
    at: number,
    options: { reason: string | null; pendingLeadsBlock: boolean },
  ): Promise<boolean> {
    const busyLeads = options.pendingLeadsBlock
      ? sql<boolean>`not exists (select 1 from lead l
          where l.campaign_id = campaign.id and l.state in ('pending', 'dialing'))`
      : sql<boolean>`not exists (select 1 from lead l
          where l.campaign_id = campaign.id and l.state = 'dialing')`;
    const result = await db
      .updateTable('campaign')
      .set({ status: 'completed', status_reason: options.reason, updated_at: at })
      .where('id', '=', campaignId)
      .where('status', '=', 'running')
      .where(busyLeads)
      .where(
        sql<boolean>`not exists (select 1 from attempt a
          where a.campaign_id = campaign.id and a.done = 0)`,
      )
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
  const total = (live: Map<string, number>) => [...live.values()].reduce((a, b) => a + b, 0);

  return {
    async loadRunning() {
      const rows = await campaignsWithState()
        .where('status', '=', 'running')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      const live = await liveByCampaign();
      return { campaigns: rows.map((row) => stateOf(row, live)), live: total(live) };
    },

    async loadCampaign(campaignId) {
      const row = await campaignsWithState()
        .select(
          // The first lead in claim order, through the partial claim index (see lead-claims).
          sql<string | null>`(select l.wait_reason from lead l
            where l.campaign_id = campaign.id and l.state = 'pending'
            order by l.next_attempt_at, l.priority desc, l.import_seq limit 1)`.as(
            'next_due_wait_reason',
          ),
        )
        .where('id', '=', campaignId)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const live = await liveByCampaign();
      return {
        campaign: { ...stateOf(row, live), nextDueWaitReason: row.next_due_wait_reason },
        live: total(live),
      };
    },

    claimNextLead: (request) => claimer.claimNextLead(request),

    async pauseCampaign(campaignId, reason, at) {
      const result = await db
        .updateTable('campaign')
        .set({ status: 'paused', status_reason: reason, updated_at: at })
        .where('id', '=', campaignId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    completeCampaignIfFinished: (campaignId, at) =>
      complete(campaignId, at, { reason: null, pendingLeadsBlock: true }),

    completeCampaignPastEnd: (campaignId, reason, at) =>
      complete(campaignId, at, { reason, pendingLeadsBlock: false }),
  };
}
