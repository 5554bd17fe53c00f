import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DncListStore } from '../../intake/lead-intake-ports.js';
import { createCampaignRepository } from '../campaigns.js';
import { createDncRepository } from '../dnc.js';
import type { Database } from '../schema.js';

/**
 * Do-not-call list management on PostgreSQL. Adding and removing one number are the
 * shared Kysely repository's; a CSV import stages its numbers in an unlogged table of
 * its own (the pool has no one connection a temp table could live on), then adds them
 * all in one transaction: a file that fails half way adds nothing, as on SQLite.
 */
export function createPostgresDncListStore(db: Kysely<Database>): DncListStore {
  const campaigns = createCampaignRepository(db);
  const dnc = createDncRepository(db);
  return {
    getCampaign: (campaignId) => campaigns.get(campaignId),
    add: (listing) => dnc.add(listing),
    remove: (phone, campaignId) => dnc.remove(phone, campaignId),

    async beginImport(campaignId) {
      const rows = sql.id(`dnc_import_rows_${randomBytes(8).toString('hex')}`);
      await sql`create unlogged table ${rows} (seq bigint generated always as identity,
          phone text collate "C" not null, reason text)`.execute(db);
      let closed = false;
      const drop = async () => {
        if (closed) return;
        closed = true;
        await sql`drop table if exists ${rows}`.execute(db);
      };
      return {
        async stage(listings) {
          if (listings.length === 0) return;
          await sql`insert into ${rows} (phone, reason)
            select p, r from unnest(${listings.map((listing) => listing.phone)}::text[],
              ${listings.map((listing) => listing.reason)}::text[]) with ordinality as u (p, r, n)
            order by n`.execute(db);
        },
        async commit(at) {
          try {
            // A number listed twice in the file, or already listed, is skipped: the
            // first listing (and its reason) stands.
            const result = await sql`insert into dnc (campaign_id, phone, reason, created_at)
              select ${campaignId}, phone, reason, ${at} from ${rows} order by seq
              on conflict do nothing`.execute(db);
            return Number(result.numAffectedRows ?? 0n);
          } finally {
            await drop();
          }
        },
        discard: drop,
      };
    },
  };
}
