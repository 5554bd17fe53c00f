import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `campaign.dial_string`: the campaign's template of the endpoint it originates
 * (`Local/{number}@from-internal`, `PJSIP/{e164digits}@trunk`). Null means the server's
 * default, which is what every campaign made before this column dialed.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').addColumn('dial_string', 'text').execute();
}

/** Drops the column again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').dropColumn('dial_string').execute();
}
