import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { createCampaignStatsReader } from '../../../src/store/campaign-stats.js';
import type { Database } from '../../../src/store/schema.js';
import {
  CAMPAIGNS,
  expectCountersMatch,
  insertAttempt,
  MIDNIGHT,
  QUARTER_HOUR,
  STATES,
} from '../../support/campaign-counter-truth.js';
import { seedCampaign, seedLeads } from '../../support/contract-seed.js';
import { describeEachStore } from '../../support/each-store.js';
import { sampleLeads, T0 } from '../../support/store-fixtures.js';

const OUTCOMES = ['busy', 'no_answer', 'answered_human', 'voicemail_dropped'] as const;
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
async function apply(db: Kysely<Database>, step: Change) {
  const ids = (table: 'lead' | 'attempt', openOnly = false) => {
    let query = db.selectFrom(table).select(['id', 'campaign_id']);
    if (openOnly) query = query.where(sql<boolean>`done = 0`);
    return query.orderBy('id').execute();
  };
  const pickFrom = <T>(rows: T[], n: number) => rows[n % Math.max(rows.length, 1)];
  serial += 1;
  switch (step.kind) {
    case 'leadState': {
      const lead = pickFrom(await ids('lead'), step.lead);
      if (lead)
        await db.updateTable('lead').set({ state: step.state }).where('id', '=', lead.id).execute();
      return;
    }
    case 'addLead': {
      await db
        .insertInto('lead')
        .values({
          id: `added-${serial}`,
          campaign_id: CAMPAIGNS[step.campaign] ?? CAMPAIGNS[0],
          phone: `+1555000${String(serial).padStart(4, '0')}`,
          state: 'pending',
          import_seq: 1000 + serial,
          created_at: T0,
          updated_at: T0,
        })
        .execute();
      return;
    }
    case 'deleteLead': {
      const lead = pickFrom(await ids('lead'), step.lead);
      if (lead) await db.deleteFrom('lead').where('id', '=', lead.id).execute();
      return;
    }
    case 'openAttempt': {
      const lead = pickFrom(await ids('lead'), step.lead);
      if (lead) await insertAttempt(db, `attempt-${serial}`, lead.campaign_id, lead.id, null);
      return;
    }
    case 'endAttempt': {
      const open = pickFrom(await ids('attempt', true), step.pick);
      if (open) {
        await db
          .updateTable('attempt')
          .set({ done: 1, state: 'done', outcome: step.outcome, ended_at: step.at })
          .where('id', '=', open.id)
          .execute();
      }
      return;
    }
    case 'deleteAttempt': {
      const attempt = pickFrom(await ids('attempt'), step.pick);
      if (attempt) await db.deleteFrom('attempt').where('id', '=', attempt.id).execute();
      return;
    }
  }
}

describeEachStore('campaign counters kept by triggers', (store) => {
  beforeEach(async () => {
    const { db } = store();
    for (const id of CAMPAIGNS) await seedCampaign(db, { id });
    await seedLeads(
      db,
      CAMPAIGNS.flatMap((id, index) => sampleLeads(id, 12, 1 + 100 * index)),
    );
  });

  it('equal the counts over the rows after any mix of lead and attempt changes', async () => {
    const { db } = store();
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 40 }), async (changes) => {
        for (const step of changes) await apply(db, step);
        await expectCountersMatch(db);
        // Off a quarter hour the reader counts the recent ones from the rows, still right.
        await expectCountersMatch(db, MIDNIGHT + 7 * 60_000);
      }),
      { numRuns: 60 },
    );
  });

  it('count an attempt inserted already ended, and forget a deleted campaign', async () => {
    const { db } = store();
    await insertAttempt(db, 'ended-at-insert', 'campaign-a', 'lead-1', MIDNIGHT + 1);
    await expectCountersMatch(db);
    expect((await createCampaignStatsReader(db).stats('campaign-a', MIDNIGHT)).outcomes).toEqual({
      busy: 1,
    });

    await db.deleteFrom('campaign').where('id', '=', 'campaign-a').execute();
    const left = await sql<{ n: number }>`select
        (select count(*) from campaign_lead_count where campaign_id = 'campaign-a')
      + (select count(*) from campaign_outcome_count where campaign_id = 'campaign-a')
      + (select count(*) from campaign_outcome_bucket where campaign_id = 'campaign-a') as n`.execute(
      db,
    );
    expect(Number(left.rows[0]?.n)).toBe(0);
    await expectCountersMatch(db);
  });

  it('count leads inserted and deleted many to a statement, as imports and purges write them', async () => {
    const { db } = store();
    await db
      .insertInto('lead')
      .values(
        Array.from({ length: 50 }, (_, i) => ({
          id: `bulk-${i}`,
          campaign_id: CAMPAIGNS[i % 2] ?? CAMPAIGNS[0],
          phone: `+1555999${String(i).padStart(4, '0')}`,
          state: i % 3 === 0 ? 'dnc' : 'pending',
          import_seq: 5000 + i,
          created_at: T0,
          updated_at: T0,
        })),
      )
      .execute();
    for (const [i, lead] of ['bulk-0', 'bulk-1', 'bulk-2', 'bulk-3'].entries()) {
      await insertAttempt(db, `a-${lead}`, CAMPAIGNS[i % 2] ?? CAMPAIGNS[0], lead, MIDNIGHT + i);
    }
    await expectCountersMatch(db);
    await db.deleteFrom('attempt').where('id', 'like', 'a-bulk-%').execute();
    await db.deleteFrom('lead').where('id', 'like', 'bulk-%').where('state', '=', 'dnc').execute();
    await expectCountersMatch(db);
  });
});
