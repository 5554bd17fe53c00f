import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds where a do-not-call entry came from when a callee asked for it during a call:
 * `source` (`opt_out`; null for entries an operator added or imported), the campaign
 * and the attempt of that call. The attempt id is indexed: consent evidence looks the
 * opt-outs of an attempt up.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('dnc').addColumn('source', 'text').execute();
  await db.schema.alterTable('dnc').addColumn('source_campaign_id', 'text').execute();
  await db.schema.alterTable('dnc').addColumn('source_attempt_id', 'text').execute();
  await db.schema
    .createIndex('dnc_source_attempt')
    .on('dnc')
    .column('source_attempt_id')
    .where('source_attempt_id', 'is not', null)
    .execute();
}

/** Drops the columns again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('dnc_source_attempt').execute();
  await db.schema.alterTable('dnc').dropColumn('source_attempt_id').execute();
  await db.schema.alterTable('dnc').dropColumn('source_campaign_id').execute();
  await db.schema.alterTable('dnc').dropColumn('source').execute();
}
