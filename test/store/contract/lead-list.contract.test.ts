import { expect, it } from 'vitest';
import type { LeadCursor, LeadFilter } from '../../../src/control/lead-reads.js';
import { createLeadListReader } from '../../../src/store/lead-list.js';
import { seedAttempt, seedCampaign, seedLeads } from '../../support/contract-seed.js';
import { describeEachStore, type StoreUnderTest } from '../../support/each-store.js';
import { sampleLead, T0 } from '../../support/store-fixtures.js';

const CAMPAIGN = 'c1';

/** Every page of `filter`, `limit` leads each, as "id" strings in page order. */
async function allPages(store: StoreUnderTest, filter: LeadFilter, limit: number) {
  const reader = createLeadListReader(store.db);
  const pages: string[][] = [];
  let after: LeadCursor | undefined;
  do {
    const page = await reader.page(CAMPAIGN, filter, { limit, after });
    pages.push(page.leads.map((lead) => lead.id));
    after = page.next ?? undefined;
  } while (after !== undefined && pages.length < 50);
  return pages;
}

describeEachStore('lead list pages', (store) => {
  it('pages in import order, with the state and the outcome filters', async () => {
    const { db } = store();
    await seedCampaign(db, { id: CAMPAIGN });
    await seedLeads(
      db,
      Array.from({ length: 7 }, (_, i) =>
        sampleLead(CAMPAIGN, 7 - i, { state: i % 3 === 0 ? 'dnc' : 'pending' }),
      ),
    );
    await db
      .updateTable('lead')
      .set({ last_outcome: 'busy' })
      .where('id', 'in', ['lead-1', 'lead-4', 'lead-7'])
      .execute();

    expect(await allPages(store(), {}, 3)).toEqual([
      ['lead-1', 'lead-2', 'lead-3'],
      ['lead-4', 'lead-5', 'lead-6'],
      ['lead-7'],
    ]);
    expect(await allPages(store(), { state: 'dnc' }, 2)).toEqual([
      ['lead-1', 'lead-4'],
      ['lead-7'],
    ]);
    // An outcome alone is read once per state and merged, in import order.
    await db.updateTable('lead').set({ state: 'completed' }).where('id', '=', 'lead-4').execute();
    expect(await allPages(store(), { outcome: 'busy' }, 2)).toEqual([
      ['lead-1', 'lead-4'],
      ['lead-7'],
    ]);
  });

  it('finds numbers by any of their spellings, in phone order', async () => {
    const { db } = store();
    await seedCampaign(db, { id: CAMPAIGN });
    await seedLeads(db, [
      sampleLead(CAMPAIGN, 1, { phone: '+15550201234' }),
      sampleLead(CAMPAIGN, 2, { phone: '+15550209999' }),
      sampleLead(CAMPAIGN, 3, { phone: '+15551110000' }),
      sampleLead(CAMPAIGN, 4, { phone: '+442079460000' }),
      sampleLead(CAMPAIGN, 5, { phone: '+15550200001' }),
    ]);
    const search = { kind: 'phone' as const, prefixes: ['+1555020', '+4420'] };
    expect(await allPages(store(), { search }, 2)).toEqual([
      ['lead-5', 'lead-1'],
      ['lead-2', 'lead-4'],
    ]);
  });

  it('finds names by their start in any case, in name order then import order', async () => {
    const { db } = store();
    await seedCampaign(db, { id: CAMPAIGN });
    const names = ['ada', 'Adam', 'ADA', 'Bea', 'adà', 'Ad-x', null, 'ada'];
    await seedLeads(
      db,
      names.map((name, i) => sampleLead(CAMPAIGN, i + 1, { name })),
    );
    // NOCASE folds ASCII only and compares the lower-cased bytes: 'ad-x' < 'ada' = 'ADA'
    // < 'adam' < 'adà'. Ties keep import order, across pages too.
    expect(await allPages(store(), { search: { kind: 'name', prefix: 'AD' } }, 2)).toEqual([
      ['lead-6', 'lead-1'],
      ['lead-3', 'lead-8'],
      ['lead-2', 'lead-5'],
    ]);
    expect(await allPages(store(), { search: { kind: 'name', prefix: 'adam' } }, 5)).toEqual([
      ['lead-2'],
    ]);
  });

  it('shows each lead with its latest attempt, numbers read back as numbers', async () => {
    const { db } = store();
    await seedCampaign(db, { id: CAMPAIGN });
    await seedLeads(db, [sampleLead(CAMPAIGN, 1), sampleLead(CAMPAIGN, 2)]);
    await seedAttempt(db, {
      id: 'a1',
      campaignId: CAMPAIGN,
      leadId: 'lead-1',
      createdAt: T0 + 1_000,
      ended: { outcome: 'human', endedAt: T0 + 61_000 },
    });
    const reader = createLeadListReader(db);
    const lead = await reader.get('lead-1');
    expect(lead).toMatchObject({
      id: 'lead-1',
      importSeq: 1,
      createdAt: T0,
      lastAttempt: { id: 'a1', live: false, outcome: 'human', durationMs: 60_000 },
    });
    expect((await reader.get('lead-2'))?.lastAttempt).toBeNull();
    expect(await reader.get('nope')).toBeUndefined();
    const page = await reader.page(CAMPAIGN, {}, { limit: 1 });
    expect(page.next).toEqual({ order: 'import', importSeq: 1, rowid: expect.any(Number) });
  });
});
