import { type Kysely, sql } from 'kysely';
import { phoneZonesColumn } from '../phone-zones.js';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `lead.phone_zones`: the IANA time zones the lead's number maps to (space-separated,
 * null when none is known), which the claim uses for a lead without a time zone of its
 * own; and `lead.wait_reason`: why a pending lead's next attempt was put off at its claim
 * (a call-frequency cap), null otherwise. Existing leads get their zones here, number by
 * number in JavaScript (not through the SQL function of src/store/db.ts, so that any
 * connection can run this), one statement per zone list and thousand numbers.
 * Also indexes `lead.phone`: the frequency caps count attempts to a number across
 * campaigns, which the per-campaign unique index cannot serve.
 */
/** Numbers per backfill statement. */
const BACKFILL_BATCH = 1_000;

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('lead').addColumn('phone_zones', 'text').execute();
  await db.schema.alterTable('lead').addColumn('wait_reason', 'text').execute();
  // First: the backfill below finds each batch's leads through it.
  await db.schema.createIndex('lead_phone').on('lead').column('phone').execute();
  const { rows } = await sql<{ phone: string }>`
    select distinct phone from lead where phone like '+%'
  `.execute(db);
  const phonesByZones = new Map<string, string[]>();
  for (const { phone } of rows) {
    const zones = phoneZonesColumn(phone);
    if (zones === null) continue;
    const phones = phonesByZones.get(zones) ?? [];
    phones.push(phone);
    phonesByZones.set(zones, phones);
  }
  for (const [zones, phones] of phonesByZones) {
    for (let start = 0; start < phones.length; start += BACKFILL_BATCH) {
      const batch = JSON.stringify(phones.slice(start, start + BACKFILL_BATCH));
      await sql`update lead set phone_zones = ${zones}
        where phone in (select value from json_each(${batch}))`.execute(db);
    }
  }
}

/** Drops the index and the columns again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('lead_phone').execute();
  await db.schema.alterTable('lead').dropColumn('wait_reason').execute();
  await db.schema.alterTable('lead').dropColumn('phone_zones').execute();
}
