import { expect, it } from 'vitest';
import type { AttemptCursor } from '../../../src/control/attempt-reads.js';
import { createAttemptListReader } from '../../../src/store/attempt-list.js';
import { createEvidenceAttemptReader } from '../../../src/store/evidence-attempts.js';
import { seedAttempt, seedCampaign, seedLeads } from '../../support/contract-seed.js';
import { describeEachStore, type StoreUnderTest } from '../../support/each-store.js';
import { sampleLead, T0 } from '../../support/store-fixtures.js';

const CAMPAIGN = 'c1';

/**
 * Six attempts of two leads; a3, a4 and a5 share their creation time, so their order is
 * the order they were written in.
 */
async function seedAttempts(store: StoreUnderTest) {
  const { db } = store;
  await seedCampaign(db, { id: CAMPAIGN });
  await seedLeads(db, [sampleLead(CAMPAIGN, 1, { name: 'Ada' }), sampleLead(CAMPAIGN, 2)]);
  const times = [T0, T0 + 10, T0 + 20, T0 + 20, T0 + 20, T0 + 30];
  for (const [i, createdAt] of times.entries()) {
    await seedAttempt(db, {
      id: `a${i + 1}`,
      campaignId: CAMPAIGN,
      leadId: i % 2 === 0 ? 'lead-1' : 'lead-2',
      attemptNumber: Math.floor(i / 2) + 1,
      createdAt,
      ended: i < 5 ? { outcome: 'busy', endedAt: createdAt + 5 } : null,
    });
  }
}

async function allPages(store: StoreUnderTest, order: 'newest' | 'oldest', limit: number) {
  const reader = createAttemptListReader(store.db);
  const pages: string[][] = [];
  let after: AttemptCursor | undefined;
  do {
    const page = await reader.pageByCampaign(CAMPAIGN, { limit, after, order });
    pages.push(page.attempts.map((attempt) => attempt.id));
    after = page.next ?? undefined;
  } while (after !== undefined && pages.length < 20);
  return pages;
}

describeEachStore('attempt lists', (store) => {
  it('pages a campaign newest or oldest first, ties in the order written', async () => {
    await seedAttempts(store());
    expect(await allPages(store(), 'newest', 2)).toEqual([
      ['a6', 'a5'],
      ['a4', 'a3'],
      ['a2', 'a1'],
    ]);
    expect(await allPages(store(), 'oldest', 4)).toEqual([
      ['a1', 'a2', 'a3', 'a4'],
      ['a5', 'a6'],
    ]);
  });

  it("lists a lead's attempts newest first, with the lead's number and name", async () => {
    await seedAttempts(store());
    const reader = createAttemptListReader(store().db);
    const attempts = await reader.listByLead('lead-1');
    expect(attempts.map((a) => a.id)).toEqual(['a5', 'a3', 'a1']);
    expect(attempts[0]).toMatchObject({
      phone: '+15550200001',
      leadName: 'Ada',
      live: false,
      outcome: 'busy',
      durationMs: 5,
    });
    expect(await reader.get('a6')).toMatchObject({ live: true, endedAt: null, durationMs: null });
  });

  it('gives the attempts of a lead or a campaign for consent evidence, in creation order', async () => {
    await seedAttempts(store());
    const evidence = createEvidenceAttemptReader(store().db);
    expect(await evidence.attemptIdsOfLead('lead-2')).toEqual(['a2', 'a4', 'a6']);
    expect(await evidence.attemptIdsOfLead('nope')).toBeUndefined();
    expect(await evidence.attemptIdsOfCampaign(CAMPAIGN, null, 3)).toEqual(['a1', 'a2', 'a3']);
    expect(await evidence.attemptIdsOfCampaign(CAMPAIGN, 'a3', 3)).toEqual(['a4', 'a5', 'a6']);
  });
});
