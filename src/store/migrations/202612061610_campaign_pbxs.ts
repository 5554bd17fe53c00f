import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `campaign.pbxs`: a JSON array of the PBX names (DIALSTATE_PBX_FILE) the campaign's
 * calls may go to. Null means every enabled PBX, which is what every campaign made
 * before this column used (there was one).
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').addColumn('pbxs', 'text').execute();
}

/** Drops the column again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').dropColumn('pbxs').execute();
}
