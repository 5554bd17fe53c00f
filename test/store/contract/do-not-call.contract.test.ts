import { expect, it } from 'vitest';
import { createDncRepository } from '../../../src/store/dnc.js';
import { createDncPageReader } from '../../../src/store/dnc-page-reader.js';
import { createOptOutStore } from '../../../src/store/opt-outs.js';
import { seedAttempt, seedCampaign, seedLeads } from '../../support/contract-seed.js';
import { describeEachStore } from '../../support/each-store.js';
import { sampleLead, T0 } from '../../support/store-fixtures.js';

describeEachStore('do-not-call lists and opt-outs', (store) => {
  it('keeps one entry per list and number, the global list apart from each campaign’s', async () => {
    const { db } = store();
    await seedCampaign(db, { id: 'c1' });
    const dnc = createDncRepository(db);
    const entry = (campaignId: string | null, phone: string) =>
      dnc.add({ campaignId, phone, reason: null, createdAt: T0 });
    expect(await entry(null, '+15550001111')).toBe(true);
    expect(await entry(null, '+15550001111')).toBe(false);
    expect(await entry('c1', '+15550001111')).toBe(true);
    expect(await entry('c1', '+15550002222')).toBe(true);
    expect(await dnc.isBlocked('+15550001111', 'c2')).toBe(true);
    expect(await dnc.isBlocked('+15550002222', 'c2')).toBe(false);
    expect(await dnc.isBlocked('+15550002222', 'c1')).toBe(true);
    expect((await dnc.list('c1')).map((e) => e.phone)).toEqual(['+15550001111', '+15550002222']);
    expect(await dnc.remove('+15550001111', null)).toBe(true);
    expect(await dnc.remove('+15550001111', null)).toBe(false);
    expect(await dnc.isBlocked('+15550001111', 'c2')).toBe(false);
    const [first] = await dnc.list('c1');
    expect(first).toEqual({
      id: expect.any(Number),
      campaignId: 'c1',
      phone: '+15550001111',
      reason: null,
      createdAt: T0,
    });
  });

  it('pages a list by number, with a search for digits anywhere and its total', async () => {
    const { db } = store();
    const dnc = createDncRepository(db);
    for (const phone of [
      '+15550100003',
      '+15550100001',
      '+442079460000',
      '+15559990000',
      '+1555_%',
    ]) {
      await dnc.add({ campaignId: null, phone, reason: 'asked', createdAt: T0 });
    }
    const pages = createDncPageReader(db);
    const first = await pages.page(null, { limit: 2, search: '555' });
    expect(first.entries.map((e) => e.phone)).toEqual(['+15550100001', '+15550100003']);
    expect(first.total).toBe(4);
    const second = await pages.page(null, { limit: 2, search: '555', after: first.nextAfter });
    expect(second.entries.map((e) => e.phone)).toEqual(['+15559990000', '+1555_%']);
    expect(second.nextAfter).toBeNull();
    // LIKE's wildcards in the search are plain characters.
    expect(
      (await pages.page(null, { limit: 5, search: '_%' })).entries.map((e) => e.phone),
    ).toEqual(['+1555_%']);
    expect((await pages.page('c1', { limit: 5 })).total).toBe(0);
  });

  it("lists an opt-out once, from the call it was asked in, and finds a lead's latest call", async () => {
    const { db } = store();
    await seedCampaign(db, { id: 'c1' });
    await seedLeads(db, [sampleLead('c1', 1)]);
    await seedAttempt(db, { id: 'a1', campaignId: 'c1', leadId: 'lead-1', createdAt: T0 });
    await seedAttempt(db, {
      id: 'a2',
      campaignId: 'c1',
      leadId: 'lead-1',
      createdAt: T0 + 5,
      attemptNumber: 2,
    });
    const optOuts = createOptOutStore(db);
    const call = await optOuts.latestCallOfLead('lead-1');
    expect(call).toEqual({
      attemptId: 'a2',
      campaignId: 'c1',
      leadId: 'lead-1',
      phone: '+15550200001',
    });
    expect(await optOuts.findCall('a1')).toMatchObject({ attemptId: 'a1' });
    expect(await optOuts.leadExists('lead-1')).toBe(true);
    expect(await optOuts.leadExists('nope')).toBe(false);
    if (call === undefined) throw new Error('no call');

    const listed = { call, phone: call.phone, listCampaignId: null, reason: 'asked', at: T0 + 9 };
    const entry = {
      phone: '+15550200001',
      campaignId: null,
      reason: 'asked',
      createdAt: T0 + 9,
      source: 'opt_out',
      sourceCampaignId: 'c1',
      sourceAttemptId: 'a2',
    };
    expect(await optOuts.list(listed)).toEqual(entry);
    expect(await optOuts.list({ ...listed, reason: 'again', at: T0 + 10 })).toEqual(entry);
    expect(await optOuts.optOutsOfAttempt('a2')).toEqual([
      { phone: '+15550200001', campaignId: null, reason: 'asked', at: T0 + 9 },
    ]);
    expect(await optOuts.optOutsOfAttempt('a1')).toEqual([]);
  });
});
