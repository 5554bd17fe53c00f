import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds `lead_campaign_state_outcome`: the leads table filtered by state and by the
 * outcome of each lead's latest attempt, in import order. Without it, a filter on a rare
 * combination walks every lead with the outcome (or the state) and looks each one up:
 * half a second in a campaign of a million leads. A filter on the outcome alone reads
 * it once per state and merges (src/store/lead-list.ts); a second index by outcome
 * would cost every lead update one more index write for little gain.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('lead_campaign_state_outcome')
    .on('lead')
    .columns(['campaign_id', 'state', 'last_outcome', 'import_seq'])
    .execute();
}

/** Drops the index again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('lead_campaign_state_outcome').execute();
}
