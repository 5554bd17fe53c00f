import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds what a CSV import reports while it runs and keeps for its error CSV: the file's
 * header (JSON array), and bytes read out of the total (NULL when the size is unknown).
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('lead_import').addColumn('header', 'text').execute();
  await db.schema
    .alterTable('lead_import')
    .addColumn('bytes_read', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('lead_import').addColumn('bytes_total', 'integer').execute();
}

/** Drops the columns again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['bytes_total', 'bytes_read', 'header']) {
    await db.schema.alterTable('lead_import').dropColumn(column).execute();
  }
}
