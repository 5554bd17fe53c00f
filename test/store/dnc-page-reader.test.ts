import { afterEach, describe, expect, it } from 'vitest';
import { createDncRepository } from '../../src/store/dnc.js';
import { createDncPageReader } from '../../src/store/dnc-page-reader.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { openIntakeStore } from '../support/lead-intake.js';
import { T0 } from '../support/store-fixtures.js';

let store: Store;
afterEach(async () => {
  await store.close();
});

describe('do-not-call pages', () => {
  it('searches for LIKE wildcards as themselves', async () => {
    store = await openIntakeStore();
    const dnc = createDncRepository(store.db);
    for (const phone of ['+14155550101', '6001', '60_1', '60%1']) {
      await dnc.add({ campaignId: null, phone, reason: null, createdAt: T0 });
    }
    const pages = createDncPageReader(store.db);
    const found = async (search: string) =>
      (await pages.page(null, { limit: 10, search })).entries.map((e) => e.phone);
    expect(await found('_')).toEqual(['60_1']);
    expect(await found('%')).toEqual(['60%1']);
    expect(await found('60')).toEqual(['60%1', '6001', '60_1']);
  });

  it('keeps the lists of each scope apart', async () => {
    store = await openIntakeStore();
    const dnc = createDncRepository(store.db);
    await dnc.add({ campaignId: null, phone: '+14155550101', reason: null, createdAt: T0 });
    const pages = createDncPageReader(store.db);
    expect(await pages.page(null, { limit: 10 })).toMatchObject({ total: 1, nextAfter: null });
    expect(await pages.page('campaign-reminders', { limit: 10 })).toEqual({
      entries: [],
      total: 0,
      nextAfter: null,
    });
  });
});
