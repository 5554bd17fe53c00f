import { expect, it } from 'vitest';
import { createCampaignRepository } from '../../../src/store/campaigns.js';
import { createDncRepository } from '../../../src/store/dnc.js';
import { describeEachIntakeStore } from '../../support/each-intake-store.js';
import { sampleCampaign, T0 } from '../../support/store-fixtures.js';

const CAMPAIGN = 'campaign-reminders';

describeEachIntakeStore('do-not-call lists', (store) => {
  it('an import adds each number once, keeping the first listing, and says how many were new', async () => {
    await createCampaignRepository(store().db).insert(sampleCampaign({ id: CAMPAIGN }));
    const lists = store().dncLists;
    expect(
      await lists.add({
        campaignId: CAMPAIGN,
        phone: '+14152000000',
        reason: 'old',
        createdAt: T0,
      }),
    ).toBe(true);
    expect(
      await lists.add({ campaignId: CAMPAIGN, phone: '+14152000000', reason: 'x', createdAt: T0 }),
    ).toBe(false);
    const run = await lists.beginImport(CAMPAIGN);
    await run.stage([
      { phone: '+14152000000', reason: 'again' },
      { phone: '+14152000001', reason: 'first' },
    ]);
    await run.stage([
      { phone: '+14152000001', reason: 'second' },
      { phone: '+14152000002', reason: null },
    ]);
    expect(await run.commit(T0 + 1)).toBe(2);
    const entries = await createDncRepository(store().db).list(CAMPAIGN);
    expect(entries.map((entry) => [entry.phone, entry.reason, entry.createdAt])).toEqual([
      ['+14152000000', 'old', T0],
      ['+14152000001', 'first', T0 + 1],
      ['+14152000002', null, T0 + 1],
    ]);
    // The global list is another scope: the same number may be on it too.
    const global = await lists.beginImport(null);
    await global.stage([{ phone: '+14152000000', reason: 'everywhere' }]);
    expect(await global.commit(T0)).toBe(1);
    expect(await createDncRepository(store().db).list(null)).toHaveLength(1);
    expect(await lists.remove('+14152000000', null)).toBe(true);
    expect(await lists.remove('+14152000000', null)).toBe(false);
  });

  it('a discarded import adds nothing', async () => {
    const run = await store().dncLists.beginImport(null);
    await run.stage([{ phone: '+14152000000', reason: null }]);
    await run.discard();
    expect(await createDncRepository(store().db).list(null)).toEqual([]);
  });
});
