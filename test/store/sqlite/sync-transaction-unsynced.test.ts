import { describe, expect, it } from 'vitest';
import { importLeads } from '../../../src/intake/import-leads.js';
import { createCampaignRepository } from '../../../src/store/campaigns.js';
import { createLeadIntakeStore } from '../../../src/store/lead-import/lead-intake-store.js';
import type { Store } from '../../../src/store/sqlite/db.js';
import { syncTransaction } from '../../../src/store/sqlite/sync-transaction.js';
import { fileStorePerTest } from '../../support/file-store.js';
import { sampleCampaign, T0 } from '../../support/store-fixtures.js';

const files = fileStorePerTest();
/** PRAGMA synchronous's numbers. */
const NORMAL = 1;
const FULL = 2;

function synchronous(store: Store): number {
  return (store.prepare('pragma synchronous').all([]) as { synchronous: number }[])[0]
    ?.synchronous as number;
}

function writeDnc(store: Store, id: string): void {
  store
    .prepare(`insert into dnc (phone, campaign_id, reason, created_at) values (?, null, 'test', 0)`)
    .run([`+1415555${id}`]);
}

function dncCount(store: Store): number {
  return (store.prepare('select count(*) as n from dnc').all([]) as { n: number }[])[0]?.n ?? 0;
}

describe('a transaction committed without its fsync (commitUnsynced)', () => {
  it('commits at NORMAL and leaves the connection at FULL, also when its work throws', async () => {
    const store = await files.open({ synchronous: 'FULL' });
    expect(synchronous(store)).toBe(FULL);
    const during = await syncTransaction(
      store,
      () => {
        writeDnc(store, '0101');
        return synchronous(store);
      },
      { immediate: true, commitUnsynced: true },
    );
    expect(during).toBe(NORMAL);
    expect(synchronous(store)).toBe(FULL);
    expect(dncCount(store)).toBe(1);

    await expect(
      syncTransaction(
        store,
        () => {
          writeDnc(store, '0102');
          throw new Error('broken');
        },
        { commitUnsynced: true },
      ),
    ).rejects.toThrow('broken');
    expect(synchronous(store)).toBe(FULL);
    expect(dncCount(store)).toBe(1);
  });

  it('follows the connection when it is switched to NORMAL after a first unsynced commit', async () => {
    const store = await files.open({ synchronous: 'FULL' });
    await syncTransaction(store, () => writeDnc(store, '0201'), { commitUnsynced: true });
    store.prepare('pragma synchronous = NORMAL').run([]);
    await syncTransaction(store, () => writeDnc(store, '0202'), { commitUnsynced: true });
    // Not put back to FULL on a stale answer.
    expect(synchronous(store)).toBe(NORMAL);
    expect(dncCount(store)).toBe(2);
  });

  it("never lets another commit on the connection, the journal's, run at NORMAL", async () => {
    const store = await files.open({ synchronous: 'FULL' });
    const seen: number[] = [];
    await Promise.all([
      syncTransaction(store, () => writeDnc(store, '0103'), { commitUnsynced: true }),
      syncTransaction(store, () => {
        writeDnc(store, '0104');
        seen.push(synchronous(store));
      }),
      syncTransaction(store, () => writeDnc(store, '0105'), { commitUnsynced: true }),
      store.db.transaction().execute(async (trx) => {
        seen.push(synchronous(store));
        await trx
          .insertInto('dnc')
          .values({ phone: '+14155550106', campaign_id: null, reason: null, created_at: 0 })
          .execute();
      }),
    ]);
    expect(seen).toEqual([FULL, FULL]);
    expect(synchronous(store)).toBe(FULL);
  });

  it('leaves a connection configured NORMAL at NORMAL', async () => {
    const store = await files.open({ synchronous: 'NORMAL' });
    await syncTransaction(store, () => writeDnc(store, '0107'), { commitUnsynced: true });
    expect(synchronous(store)).toBe(NORMAL);
  });

  it("is how an import's merge slices commit, the connection back at FULL when it ends", async () => {
    const store = await files.open({ synchronous: 'FULL' });
    await createCampaignRepository(store.db).insert(sampleCampaign({ id: 'campaign-1' }));
    const inSlices: number[] = [];
    async function* file() {
      yield 'phone,name\n';
      let text = '';
      for (let n = 0; n < 3000; n++) text += `+1415${2_000_000 + n},Lead ${n}\n`;
      yield text;
    }
    const result = await importLeads(
      {
        // On the event loop's connection, whose level the test reads: a server's merge runs
        // the same slices on a thread's connection of its own (ADR 039).
        store: createLeadIntakeStore(store, {
          onEventLoop: true,
          sliceMs: 2,
          onSlice: () => inSlices.push(synchronous(store)),
        }),
        clock: { now: () => T0 },
        newImportId: () => 'import-unsynced',
      },
      { campaignId: 'campaign-1', fileName: 'leads.csv', source: file(), bytesTotal: null },
    );
    if (!result.ok) throw new Error('refused');
    expect(result.report).toMatchObject({ status: 'completed', counts: { accepted: 3000 } });
    expect(inSlices.length).toBeGreaterThan(1);
    expect(new Set(inSlices)).toEqual(new Set([NORMAL]));
    expect(synchronous(store)).toBe(FULL);
  });
});
