import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `answered_call`: one row per ended attempt a person answered, with the moments
 * the abandoned-call rules measure (derived from the journal when the attempt ends;
 * src/machines/call-timing.ts). Indexed by campaign and end, for the rolling 24-hour
 * and 30-day rates. Attempts that ended before this migration have no row.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('answered_call')
    .addColumn('attempt_id', 'text', (col) => col.primaryKey())
    .addColumn('campaign_id', 'text', (col) => col.notNull())
    .addColumn('ended_at', 'integer', (col) => col.notNull())
    .addColumn('answered_at', 'integer')
    .addColumn('greeting_ended_at', 'integer', (col) => col.notNull())
    .addColumn('first_audio_at', 'integer')
    .addColumn('connected_at', 'integer')
    .addColumn('callee_left_at', 'integer')
    .addColumn('our_side_failed', 'integer', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('answered_call_campaign_end')
    .on('answered_call')
    .columns(['campaign_id', 'ended_at'])
    .execute();
}

/** Drops the table again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('answered_call').execute();
}
