import type { DncListStore } from '../intake/lead-intake-ports.js';
import { createCampaignRepository } from './campaigns.js';
import { createDncRepository } from './dnc.js';
import type { Store } from './sqlite/db.js';
import { syncTransaction, withConnection } from './sqlite/sync-transaction.js';
import { claimTempSlot, releaseTempSlot } from './sqlite/temp-table-slots.js';

/** Creates the store side of do-not-call list management over a migrated database. */
export function createDncListStore(store: Store): DncListStore {
  const campaigns = createCampaignRepository(store.db);
  const dnc = createDncRepository(store.db);
  return {
    getCampaign: (campaignId) => campaigns.get(campaignId),
    add: (listing) => dnc.add(listing),
    remove: (phone, campaignId) => dnc.remove(phone, campaignId),

    async beginImport(campaignId) {
      // Staged in a temp table like lead imports (see lead-import-run.ts): a file that
      // fails half way adds nothing.
      const slot = claimTempSlot(store);
      const rows = `temp.dnc_import_rows_${slot}`;
      try {
        await withConnection(store, () => {
          store.prepare(`drop table if exists ${rows}`).run([]);
          store.prepare(`create table ${rows} (phone text not null, reason text)`).run([]);
        });
      } catch (error) {
        releaseTempSlot(store, slot);
        throw error;
      }
      let closed = false;
      const drop = async () => {
        if (closed) return;
        closed = true;
        try {
          await withConnection(store, () => store.prepare(`drop table if exists ${rows}`).run([]));
        } finally {
          releaseTempSlot(store, slot);
        }
      };
      return {
        async stage(listings) {
          await syncTransaction(store, () => {
            const insert = store.prepare(`insert into ${rows} (phone, reason) values (?, ?)`);
            for (const listing of listings) insert.run([listing.phone, listing.reason]);
          });
        },
        async commit(at) {
          try {
            return await syncTransaction(
              store,
              () =>
                Number(
                  store
                    .prepare(
                      `insert into dnc (campaign_id, phone, reason, created_at)
                       select ?, phone, reason, ? from ${rows} where true order by rowid
                       on conflict do nothing`,
                    )
                    .run([campaignId, at]).changes,
                ),
              { immediate: true },
            );
          } finally {
            await drop();
          }
        },
        discard: drop,
      };
    },
  };
}
