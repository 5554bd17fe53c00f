import { type Kysely, sql } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `lead.phone_zones`: the IANA time zones the lead's number maps to (space-separated,
 * null when none is known), which the claim uses for a lead without a time zone of its
 * own; and `lead.wait_reason`: why a pending lead's next attempt was put off at its claim
 * (a call-frequency cap), null otherwise. Existing leads get their zones here, from the
 * `dialstate_phone_zones` SQL function every connection registers (src/store/db.ts).
 * Also indexes `lead.phone`: the frequency caps count attempts to a number across
 * campaigns, which the per-campaign unique index cannot serve.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('lead').addColumn('phone_zones', 'text').execute();
  await db.schema.alterTable('lead').addColumn('wait_reason', 'text').execute();
  await sql`update lead set phone_zones = dialstate_phone_zones(phone)`.execute(db);
  await db.schema.createIndex('lead_phone').on('lead').column('phone').execute();
}

/** Drops the index and the columns again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('lead_phone').execute();
  await db.schema.alterTable('lead').dropColumn('wait_reason').execute();
  await db.schema.alterTable('lead').dropColumn('phone_zones').execute();
}
