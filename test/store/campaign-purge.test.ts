import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startCampaignPurger } from '../../src/store/campaign-purge.js';
import { createCampaignRepository } from '../../src/store/campaigns.js';
import type { Store } from '../../src/store/sqlite/db.js';
import { syncTransaction } from '../../src/store/sqlite/sync-transaction.js';
import {
  type CampaignRowCounts,
  countCampaignRows,
  seedCampaignRows,
} from '../support/campaign-rows-seed.js';
import { fileStorePerTest } from '../support/file-store.js';
import { sampleCampaign } from '../support/store-fixtures.js';

const silent = pino({ level: 'silent' });
const BIG = 'campaign-big';
const OTHER = 'campaign-other';
/**
 * The slice target is 20 ms; the bounds leave room for a chunk started just before the
 * budget ran out. Slices are bounded by their CPU time: what a slice itself costs. Wall
 * times (a slice's, the event loop's delay) also count the time the thread waited for a
 * core, which on a shared machine can be anything; the other work's share is checked by
 * counting its writes between slices instead.
 */
const SLICE_BOUND_MS = 150;

const files = fileStorePerTest();

async function prepare(leads: number): Promise<Store> {
  const store = await files.open();
  const campaigns = createCampaignRepository(store.db);
  await campaigns.insert(sampleCampaign({ id: BIG, status: 'stopped' }));
  await campaigns.insert(sampleCampaign({ id: OTHER }));
  await seedCampaignRows(store, BIG, { leads });
  await seedCampaignRows(store, OTHER, { leads: 200 });
  return store;
}

function gone(): CampaignRowCounts {
  return {
    campaign: 0,
    leads: 0,
    attempts: 0,
    events: 0,
    inputs: 0,
    imports: 0,
    issues: 0,
    dnc: 0,
    counters: 0,
  };
}

describe('deleting a big campaign', () => {
  it('removes every row of it in short slices while other work keeps running', async () => {
    const s = await prepare(60_000);
    const other = countCampaignRows(s, OTHER);
    const campaigns = createCampaignRepository(s.db);

    expect(await campaigns.delete(BIG, 1)).toBe(true);
    expect(await campaigns.get(BIG)).toBeUndefined();
    expect((await campaigns.list()).map((c) => c.id)).toEqual([OTHER]);

    const slices: number[] = [];
    const purger = startCampaignPurger({
      store: s,
      log: silent,
      slices: { onSlice: (_ms, cpuMs) => slices.push(cpuMs) },
    });
    // Meanwhile another campaign is read and written, as calls and the API would.
    let otherWrites = 0;
    let purging = true;
    const purged = purger.idle().then(() => {
      purging = false;
    });
    while (purging) {
      await syncTransaction(s, () =>
        s
          .prepare(`update lead set updated_at = updated_at + 1 where id = ?`)
          .run([`${OTHER}-lead-1`]),
      );
      expect(await campaigns.get(OTHER)).toBeDefined();
      otherWrites += 1;
      // As a request or a call event would: the next one comes in a later turn.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await purged;

    expect(countCampaignRows(s, BIG)).toEqual(gone());
    expect(countCampaignRows(s, OTHER)).toEqual(other);
    expect(slices.length).toBeGreaterThan(10);
    expect(Math.max(...slices)).toBeLessThan(SLICE_BOUND_MS);
    expect(otherWrites).toBeGreaterThan(slices.length / 2);
    await purger.stop();
  });

  it('finishes a delete that a stop interrupted, at the next start', async () => {
    const s = await prepare(20_000);
    await createCampaignRepository(s.db).delete(BIG, 1);
    let slices = 0;
    let stopAfterSlices: (() => void) | undefined;
    const enough = new Promise<void>((resolve) => {
      stopAfterSlices = resolve;
    });
    const first = startCampaignPurger({
      store: s,
      log: silent,
      slices: {
        onSlice: () => {
          slices += 1;
          if (slices === 3) stopAfterSlices?.();
        },
      },
    });
    await enough;
    await first.stop();
    const half = countCampaignRows(s, BIG);
    expect(half.campaign).toBe(1);
    expect(half.attempts + half.leads).toBeGreaterThan(0);
    expect(await createCampaignRepository(s.db).get(BIG)).toBeUndefined();
    await s.close();

    const store = await files.open();
    const restarted = startCampaignPurger({ store, log: silent });
    await restarted.idle();
    expect(countCampaignRows(store, BIG)).toEqual(gone());
    expect(countCampaignRows(store, OTHER).leads).toBe(200);
    await restarted.stop();
  });
});
