import { type Kysely, sql } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `campaign.pbxs`: a JSON array of the PBX names (DIALSTATE_PBX_FILE) the campaign's
 * calls may go to; null means every enabled PBX. The same change as the SQLite migration
 * of the same name.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table campaign add column pbxs text collate "C"`.execute(db);
}

/** Drops the column again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table campaign drop column pbxs`.execute(db);
}
