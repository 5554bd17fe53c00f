import { type Kysely, type Selectable, sql } from 'kysely';
import type { DncEntry } from '../compliance/dnc-reads.js';
import type { Database, DncTable } from './schema.js';

export interface NewDncEntry {
  campaignId: string | null;
  phone: string;
  reason: string | null;
  /** Epoch ms. */
  createdAt: number;
}

/** Maps a `dnc` row to a `DncEntry`. */
export function dncEntryFromRow(row: Selectable<DncTable>): DncEntry {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    phone: row.phone,
    reason: row.reason,
    createdAt: row.created_at,
  };
}

// The unique index is on this expression, so lookups written the same way use it.
const scope = sql<string>`ifnull(campaign_id, '')`;

/** The do-not-call lists: one global, one per campaign. */
export interface DncRepository {
  /** Adds the phone to the list of its scope; false when it was already there. */
  add(entry: NewDncEntry): Promise<boolean>;
  /** Removes the phone from the list of that scope; false when it was not there. */
  remove(phone: string, campaignId: string | null): Promise<boolean>;
  /** Whether the phone is on the global list or on the campaign's. */
  isBlocked(phone: string, campaignId: string): Promise<boolean>;
  /** The entries of one scope (`null`: global), by phone. */
  list(campaignId: string | null): Promise<DncEntry[]>;
}

/** Creates the DNC repository over a migrated database. */
export function createDncRepository(db: Kysely<Database>): DncRepository {
  return {
    async add(entry) {
      const result = await db
        .insertInto('dnc')
        .values({
          campaign_id: entry.campaignId,
          phone: entry.phone,
          reason: entry.reason,
          created_at: entry.createdAt,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async remove(phone, campaignId) {
      const result = await db
        .deleteFrom('dnc')
        .where(scope, '=', campaignId ?? '')
        .where('phone', '=', phone)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async isBlocked(phone, campaignId) {
      const row = await db
        .selectFrom('dnc')
        .select('id')
        .where(scope, 'in', ['', campaignId])
        .where('phone', '=', phone)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async list(campaignId) {
      const rows = await db
        .selectFrom('dnc')
        .selectAll()
        .where(scope, '=', campaignId ?? '')
        .orderBy('phone')
        .execute();
      return rows.map(dncEntryFromRow);
    },
  };
}
