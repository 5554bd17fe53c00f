import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `shipped_recording`: which of the recordings dialstate ships (the default consent
 * and voicemail prompts) have been installed into the library, by key. A row outlives the
 * recording it installed, so one the operator deleted is not installed again; no foreign
 * key for that reason.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shipped_recording')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('recording_id', 'text', (c) => c.notNull())
    .addColumn('installed_at', 'integer', (c) => c.notNull())
    .execute();
}

/** Drops the table again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('shipped_recording').execute();
}
