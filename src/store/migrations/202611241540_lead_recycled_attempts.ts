import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `lead.recycled_attempts`: the attempts a lead had when it was last recycled for a
 * redial. The retry policy counts only the attempts after them, so a redialed lead gets
 * a fresh set of attempts while its history stays.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('lead')
    .addColumn('recycled_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

/** Drops the column again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('lead').dropColumn('recycled_attempts').execute();
}
