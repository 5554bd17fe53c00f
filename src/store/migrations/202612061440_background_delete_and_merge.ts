import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Work that runs in bounded slices in the background, resumed after a restart:
 *
 * - `campaign.deleting_at`: when an operator deleted the campaign. From then on every
 *   reader treats it as gone, while its leads, attempts and imports are deleted a slice
 *   at a time; the campaign row goes last.
 * - `lead_import.merge_next_row`: set once an import's file has been read whole and its
 *   staged rows are on disk (the import can no longer fail); the merge moves them into
 *   the campaign from this row on, a slice per transaction, and a restart resumes it.
 *   `merge_seq_base` is the campaign's last import position when the merge began (the
 *   import's leads follow it in row order); the `merged_*` columns add up what the
 *   committed slices inserted and updated.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').addColumn('deleting_at', 'integer').execute();
  await db.schema.alterTable('lead_import').addColumn('merge_next_row', 'integer').execute();
  for (const column of [
    'merge_seq_base',
    'merged_pending',
    'merged_dnc',
    'merged_updated_pending',
    'merged_updated_dnc',
    'merged_late_duplicates',
  ]) {
    await db.schema
      .alterTable('lead_import')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  }
}

/** Drops the columns again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [
    'merged_late_duplicates',
    'merged_updated_dnc',
    'merged_updated_pending',
    'merged_dnc',
    'merged_pending',
    'merge_seq_base',
    'merge_next_row',
  ]) {
    await db.schema.alterTable('lead_import').dropColumn(column).execute();
  }
  await db.schema.alterTable('campaign').dropColumn('deleting_at').execute();
}
