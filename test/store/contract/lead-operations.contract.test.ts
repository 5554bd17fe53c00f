import { expect, it } from 'vitest';
import { createLeadOperations } from '../../../src/store/lead-operations.js';
import { createLeadRepository } from '../../../src/store/leads.js';
import { seedAttempt, seedCampaign, seedLeads } from '../../support/contract-seed.js';
import { describeEachStore } from '../../support/each-store.js';
import { sampleLead, sampleLeads, T0 } from '../../support/store-fixtures.js';

describeEachStore('lead operations', (store) => {
  it('refuses a second lead with the same number in a campaign, naming it, and keeps none of the batch', async () => {
    const { db } = store();
    await seedCampaign(db, { id: 'c1' });
    const leads = createLeadRepository(db);
    expect(
      await leads.insert([sampleLead('c1', 1), sampleLead('c1', 2, { phone: '+15550200001' })]),
    ).toEqual({ ok: false, reason: 'duplicatePhone', leadId: 'lead-2', phone: '+15550200001' });
    expect(await leads.get('lead-1')).toBeUndefined();
    expect(await leads.insert([sampleLead('c1', 1)])).toEqual({ ok: true, inserted: 1 });
  });

  it('redials a failed lead keeping its history, or resets it and deletes its attempts', async () => {
    const { db } = store();
    await seedCampaign(db, { id: 'c1' });
    await seedLeads(db, sampleLeads('c1', 2));
    for (const leadId of ['lead-1', 'lead-2']) {
      await seedAttempt(db, {
        id: `a-${leadId}`,
        campaignId: 'c1',
        leadId,
        ended: { outcome: 'busy', endedAt: T0 + 1 },
      });
      await db
        .updateTable('lead')
        .set({ state: 'failed', attempts: 3, next_attempt_at: T0 + 99 })
        .where('id', '=', leadId)
        .execute();
    }
    const operations = createLeadOperations(db);
    expect(await operations.leadState('lead-1')).toEqual({ campaignId: 'c1', state: 'failed' });
    expect(await operations.recycle('lead-1', 'pending', 'redial', T0 + 2)).toBe(false);
    expect(await operations.recycle('lead-1', 'failed', 'redial', T0 + 2)).toBe(true);
    expect(await operations.recycle('lead-2', 'failed', 'reset', T0 + 2)).toBe(true);

    const rows = await db
      .selectFrom('lead')
      .select([
        'id',
        'state',
        'attempts',
        'recycled_attempts',
        'next_attempt_at',
        'last_attempt_id',
      ])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        id: 'lead-1',
        state: 'pending',
        attempts: 3,
        recycled_attempts: 3,
        next_attempt_at: 0,
        last_attempt_id: 'a-lead-1',
      },
      {
        id: 'lead-2',
        state: 'pending',
        attempts: 0,
        recycled_attempts: 0,
        next_attempt_at: 0,
        last_attempt_id: null,
      },
    ]);
    const attempts = await db.selectFrom('attempt').select('id').execute();
    expect(attempts).toEqual([{ id: 'a-lead-1' }]);
  });

  it('cancels pending leads, and deletes only a lead with no open attempt', async () => {
    const { db } = store();
    await seedCampaign(db, { id: 'c1' });
    await seedLeads(db, sampleLeads('c1', 4));
    await seedAttempt(db, { id: 'a1', campaignId: 'c1', leadId: 'lead-1' });
    const operations = createLeadOperations(db);
    expect(await operations.cancelPending('lead-2', T0)).toBe(true);
    expect(await operations.cancelPending('lead-2', T0)).toBe(false);
    // lead-1 is pending but its attempt is open: it is not deleted.
    expect(await operations.deleteIdle('lead-1')).toBe(false);
    expect(await operations.deleteIdle('lead-2')).toBe(true);
    expect(await operations.cancelAllPending('c1', T0 + 1)).toBe(3);
    expect(await operations.leadState('lead-3')).toEqual({ campaignId: 'c1', state: 'canceled' });
    expect(await operations.leadState('lead-2')).toBeUndefined();
  });
});
