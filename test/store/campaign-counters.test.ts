import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createCampaignStatsReader } from '../../src/store/campaign-stats.js';
import * as counters from '../../src/store/migrations/202611271000_campaign_counters.js';
import { sampleLeads, T0 } from '../support/store-fixtures.js';
import { useStoreWorkspace } from '../support/store-workspace.js';

const CAMPAIGNS = ['campaign-a', 'campaign-b'] as const;
const STATES = ['pending', 'dialing', 'completed', 'failed', 'canceled', 'dnc'] as const;
const OUTCOMES = ['busy', 'no_answer', 'answered_human', 'voicemail_dropped'] as const;
const QUARTER_HOUR = 15 * 60_000;
/** A local midnight: the bound the campaigns list and the live feed pass as `since`. */
const MIDNIGHT = T0 - 14 * 3_600_000;

const workspace = useStoreWorkspace({
  campaigns: CAMPAIGNS.map((id) => ({ id })),
  leads: CAMPAIGNS.flatMap((id, index) => sampleLeads(id, 12, 1 + 100 * index)),
});

/** The counts the way they were read before the counters: GROUP BY over the rows. */
function truth(campaignId: string, since: number) {
  const leads = workspace.store
    .prepare('select state, count(*) as n from lead where campaign_id = ? group by state')
    .all([campaignId]) as { state: string; n: number }[];
  const outcomes = workspace.store
    .prepare(
      `select outcome, count(*) as n, sum(ended_at >= ?) as recent from attempt
       where campaign_id = ? and done = 1 group by outcome`,
    )
    .all([since, campaignId]) as { outcome: string; n: number; recent: number }[];
  return {
    leads: Object.fromEntries(
      STATES.map((state) => [state, leads.find((row) => row.state === state)?.n ?? 0]),
    ),
    outcomes: Object.fromEntries(outcomes.map((row) => [row.outcome, row.n])),
    outcomesSince: Object.fromEntries(
      outcomes.filter((row) => row.recent > 0).map((row) => [row.outcome, row.recent]),
    ),
  };
}

async function expectCountersMatch(since = MIDNIGHT) {
  const reader = createCampaignStatsReader(workspace.store.db);
  for (const id of CAMPAIGNS) {
    const stats = await reader.stats(id, since);
    const expected = truth(id, since);
    expect(stats.leads).toEqual(expected.leads);
    expect(stats.outcomes).toEqual(expected.outcomes);
    expect(stats.outcomesSince).toEqual(expected.outcomesSince);
  }
}

function insertAttempt(id: string, campaignId: string, leadId: string, endedAt: number | null) {
  const done = endedAt === null ? 0 : 1;
  workspace.store
    .prepare(
      `insert into attempt (id, campaign_id, lead_id, attempt_number, machine_version, channel_id,
         snapshot, state, done, outcome, ended_at, created_at, updated_at)
       values (?, ?, ?, 1, 1, ?, '{}', ?, ?, ?, ?, ?, ?)`,
    )
    .run([
      id,
      campaignId,
      leadId,
      `channel-${id}`,
      done ? 'done' : 'dialing',
      done,
      done ? 'busy' : null,
      endedAt,
      T0,
      T0,
    ]);
}

/** One change to leads or attempts, as the engine, an import or an operator makes them. */
type Change =
  | { kind: 'leadState'; lead: number; state: (typeof STATES)[number] }
  | { kind: 'addLead'; campaign: number }
  | { kind: 'deleteLead'; lead: number }
  | { kind: 'openAttempt'; lead: number }
  | { kind: 'endAttempt'; pick: number; outcome: (typeof OUTCOMES)[number]; at: number }
  | { kind: 'deleteAttempt'; pick: number };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('leadState' as const),
    lead: fc.nat(),
    state: fc.constantFrom(...STATES),
  }),
  fc.record({ kind: fc.constant('addLead' as const), campaign: fc.nat(1) }),
  fc.record({ kind: fc.constant('deleteLead' as const), lead: fc.nat() }),
  fc.record({ kind: fc.constant('openAttempt' as const), lead: fc.nat() }),
  fc.record({
    kind: fc.constant('endAttempt' as const),
    pick: fc.nat(),
    outcome: fc.constantFrom(...OUTCOMES),
    // Either side of midnight, on and off the quarter hours.
    at: fc.integer({ min: MIDNIGHT - 2 * QUARTER_HOUR, max: MIDNIGHT + 2 * QUARTER_HOUR }),
  }),
  fc.record({ kind: fc.constant('deleteAttempt' as const), pick: fc.nat() }),
);

let serial = 0;
function apply(step: Change) {
  const ids = (table: string, where = 'true') =>
    workspace.store
      .prepare(`select id, campaign_id from ${table} where ${where} order by id`)
      .all([]) as {
      id: string;
      campaign_id: string;
    }[];
  const pickFrom = <T>(rows: T[], n: number) => rows[n % Math.max(rows.length, 1)];
  serial += 1;
  switch (step.kind) {
    case 'leadState': {
      const lead = pickFrom(ids('lead'), step.lead);
      if (lead)
        workspace.store
          .prepare('update lead set state = ? where id = ?')
          .run([step.state, lead.id]);
      return;
    }
    case 'addLead': {
      const campaignId = CAMPAIGNS[step.campaign] ?? CAMPAIGNS[0];
      workspace.store
        .prepare(
          `insert into lead (id, campaign_id, phone, custom_vars, state, import_seq, created_at, updated_at)
           values (?, ?, ?, '{}', 'pending', ?, ?, ?)`,
        )
        .run([
          `added-${serial}`,
          campaignId,
          `+1555000${String(serial).padStart(4, '0')}`,
          1000 + serial,
          T0,
          T0,
        ]);
      return;
    }
    case 'deleteLead': {
      const lead = pickFrom(ids('lead'), step.lead);
      if (lead) workspace.store.prepare('delete from lead where id = ?').run([lead.id]);
      return;
    }
    case 'openAttempt': {
      const lead = pickFrom(ids('lead'), step.lead);
      if (lead) insertAttempt(`attempt-${serial}`, lead.campaign_id, lead.id, null);
      return;
    }
    case 'endAttempt': {
      const open = pickFrom(ids('attempt', 'done = 0'), step.pick);
      if (open) {
        workspace.store
          .prepare(
            "update attempt set done = 1, state = 'done', outcome = ?, ended_at = ? where id = ?",
          )
          .run([step.outcome, step.at, open.id]);
      }
      return;
    }
    case 'deleteAttempt': {
      const attempt = pickFrom(ids('attempt'), step.pick);
      if (attempt) workspace.store.prepare('delete from attempt where id = ?').run([attempt.id]);
      return;
    }
  }
}

describe('campaign counters kept by triggers', () => {
  it('equal the counts over the rows after any mix of lead and attempt changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 40 }), async (changes) => {
        for (const step of changes) apply(step);
        await expectCountersMatch();
        // Off a quarter hour the reader counts the recent ones from the rows, still right.
        await expectCountersMatch(MIDNIGHT + 7 * 60_000);
      }),
      { numRuns: 60 },
    );
  });

  it('count an attempt inserted already ended, and forget a deleted campaign', async () => {
    insertAttempt('ended-at-insert', 'campaign-a', 'lead-1', MIDNIGHT + 1);
    await expectCountersMatch();
    expect(
      (await createCampaignStatsReader(workspace.store.db).stats('campaign-a', MIDNIGHT)).outcomes,
    ).toEqual({
      busy: 1,
    });

    await sql`delete from campaign where id = 'campaign-a'`.execute(workspace.store.db);
    const left = await sql<{ n: number }>`select
        (select count(*) from campaign_lead_count where campaign_id = 'campaign-a')
      + (select count(*) from campaign_outcome_count where campaign_id = 'campaign-a')
      + (select count(*) from campaign_outcome_bucket where campaign_id = 'campaign-a') as n`.execute(
      workspace.store.db,
    );
    expect(left.rows[0]?.n).toBe(0);
    await expectCountersMatch();
  });

  it('are filled from the rows already there when the migration runs', async () => {
    insertAttempt('before-1', 'campaign-a', 'lead-1', MIDNIGHT - 1);
    insertAttempt('before-2', 'campaign-b', 'lead-102', MIDNIGHT + QUARTER_HOUR);
    workspace.store.prepare("update lead set state = 'completed' where id = 'lead-1'").run([]);
    await counters.down(workspace.store.db);
    // Changes made while there were no counters at all.
    insertAttempt('between', 'campaign-b', 'lead-103', MIDNIGHT + 2 * QUARTER_HOUR);
    workspace.store.prepare("delete from lead where id = 'lead-104'").run([]);
    await counters.up(workspace.store.db);
    await expectCountersMatch();
  });
});
