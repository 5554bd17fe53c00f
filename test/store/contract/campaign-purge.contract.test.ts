import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { createCampaignRepository } from '../../../src/store/campaigns.js';
import type { Database } from '../../../src/store/schema.js';
import { describeEachIntakeStore } from '../../support/each-intake-store.js';
import { sampleCampaign, T0 } from '../../support/store-fixtures.js';

const GONE = 'campaign-gone';
const KEPT = 'campaign-kept';

/**
 * Rows of every kind a campaign owns, through plain Kysely (the same on both dialects):
 * `leads` leads, an ended attempt with its input and two journal rows for every third,
 * an import with issues, a campaign do-not-call entry.
 */
async function seedCampaign(db: Kysely<Database>, campaignId: string, leads: number) {
  await createCampaignRepository(db).insert(sampleCampaign({ id: campaignId, status: 'stopped' }));
  const importId = `${campaignId}-import`;
  await db
    .insertInto('lead_import')
    .values({
      id: importId,
      campaign_id: campaignId,
      file_name: 'leads.csv',
      mode: 'skip_existing',
      status: 'completed',
      started_at: T0,
    })
    .execute();
  await db
    .insertInto('lead_import_issue')
    .values(
      Array.from({ length: 30 }, (_, row) => ({
        import_id: importId,
        row_number: row + 1,
        severity: 'error',
        reason: 'bad number',
      })),
    )
    .execute();
  await db
    .insertInto('dnc')
    .values({ campaign_id: campaignId, phone: '+14155550100', reason: null, created_at: T0 })
    .execute();
  const ids = Array.from({ length: leads }, (_, n) => `${campaignId}-lead-${n + 1}`);
  await db
    .insertInto('lead')
    .values(
      ids.map((id, n) => ({
        id,
        campaign_id: campaignId,
        phone: `+1415${String(n).padStart(7, '0')}`,
        name: null,
        timezone: null,
        caller_id: null,
        state: n % 3 === 0 ? 'completed' : 'pending',
        import_id: importId,
        import_seq: n + 1,
        created_at: T0,
        updated_at: T0,
      })),
    )
    .execute();
  const dialed = ids.filter((_, n) => n % 3 === 0);
  const attempt = (leadId: string) => `${leadId}-a1`;
  await db
    .insertInto('attempt')
    .values(
      dialed.map((leadId) => ({
        id: attempt(leadId),
        campaign_id: campaignId,
        lead_id: leadId,
        attempt_number: 1,
        machine_version: 2,
        channel_id: `${attempt(leadId)}-ch`,
        snapshot: '{}',
        state: 'done',
        done: 1,
        outcome: 'busy',
        started_at: T0,
        ended_at: T0,
        created_at: T0,
        updated_at: T0,
      })),
    )
    .execute();
  await db
    .insertInto('attempt_input')
    .values(dialed.map((leadId) => ({ attempt_id: attempt(leadId), input: '{}' })))
    .execute();
  await db
    .insertInto('attempt_event')
    .values(
      dialed.flatMap((leadId) =>
        [1, 2].map((seq) => ({
          attempt_id: attempt(leadId),
          seq,
          at: T0,
          type: 'x',
          payload: '{}',
          state: 'done',
          commands: '[]',
          timers: '[]',
        })),
      ),
    )
    .execute();
}

/** How many rows of each kind campaign `campaignId` still has. */
async function rowsOf(db: Kysely<Database>, campaignId: string) {
  const count = async (table: keyof Database, column: string, value: string) => {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}
      where ${sql.ref(column)} like ${value}`.execute(db);
    return Number(rows[0]?.n ?? 0);
  };
  return {
    campaign: await count('campaign', 'id', campaignId),
    leads: await count('lead', 'campaign_id', campaignId),
    attempts: await count('attempt', 'campaign_id', campaignId),
    inputs: await count('attempt_input', 'attempt_id', `${campaignId}-%`),
    events: await count('attempt_event', 'attempt_id', `${campaignId}-%`),
    imports: await count('lead_import', 'campaign_id', campaignId),
    issues: await count('lead_import_issue', 'import_id', `${campaignId}-%`),
    dnc: await count('dnc', 'campaign_id', campaignId),
    leadCounters: await count('campaign_lead_count', 'campaign_id', campaignId),
    outcomeCounters: await count('campaign_outcome_count', 'campaign_id', campaignId),
  };
}

describeEachIntakeStore('campaign purge', (store) => {
  it('removes every row of a deleted campaign in chunks, and nothing of another', async () => {
    const { db } = store();
    // More rows than one chunk of every phase takes.
    await seedCampaign(db, GONE, 1_200);
    await seedCampaign(db, KEPT, 30);
    const kept = await rowsOf(db, KEPT);
    expect(await rowsOf(db, GONE)).toMatchObject({ leads: 1_200, attempts: 400, events: 800 });
    await db.updateTable('campaign').set({ deleting_at: T0 }).where('id', '=', GONE).execute();
    const purger = store().startPurger();
    try {
      await purger.idle();
    } finally {
      await purger.stop();
    }
    expect(await rowsOf(db, GONE)).toEqual({
      campaign: 0,
      leads: 0,
      attempts: 0,
      inputs: 0,
      events: 0,
      imports: 0,
      issues: 0,
      dnc: 0,
      leadCounters: 0,
      outcomeCounters: 0,
    });
    expect(await rowsOf(db, KEPT)).toEqual(kept);
  });

  it('two purgers on one database remove the campaign once, completely', async () => {
    const { db } = store();
    await seedCampaign(db, GONE, 700);
    await db.updateTable('campaign').set({ deleting_at: T0 }).where('id', '=', GONE).execute();
    const purgers = [store().startPurger(), store().startPurger()];
    try {
      await Promise.all(purgers.map((purger) => purger.idle()));
    } finally {
      await Promise.all(purgers.map((purger) => purger.stop()));
    }
    expect(Object.values(await rowsOf(db, GONE)).every((n) => n === 0)).toBe(true);
  });
});
