import type { Kysely } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Adds a campaign's blackout dates (JSON list of `{from, to, name}` days, none at first)
 * and its own call-frequency caps (JSON `{per24h, per7d, per30d}`, all null: the
 * server's). Every campaign made before calls as it did.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('campaign')
    .addColumn('blackout_dates', 'text', (column) => column.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('campaign')
    .addColumn('frequency_caps', 'text', (column) =>
      column.notNull().defaultTo('{"per24h":null,"per7d":null,"per30d":null}'),
    )
    .execute();
}

/** Drops the columns again. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('campaign').dropColumn('frequency_caps').execute();
  await db.schema.alterTable('campaign').dropColumn('blackout_dates').execute();
}
