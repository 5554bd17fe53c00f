import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds the campaign's abandoned-call settings: the cap on its rolling abandoned-call
 * rate (percent; null = no cap), the consent prompt's opt-out digit with its optional
 * confirmation recording, and the safe-harbour recording. All null (off) for every
 * campaign made before.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').addColumn('abandon_cap_percent', 'real').execute();
  await db.schema.alterTable('campaign').addColumn('consent_opt_out_digit', 'text').execute();
  await db.schema
    .alterTable('campaign')
    .addColumn('consent_opt_out_recording_id', 'text')
    .execute();
  await db.schema.alterTable('campaign').addColumn('safe_harbour_recording_id', 'text').execute();
}

/** Drops the columns again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [
    'safe_harbour_recording_id',
    'consent_opt_out_recording_id',
    'consent_opt_out_digit',
    'abandon_cap_percent',
  ]) {
    await db.schema.alterTable('campaign').dropColumn(column).execute();
  }
}
