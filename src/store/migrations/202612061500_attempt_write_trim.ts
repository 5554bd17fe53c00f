import { type Kysely, sql } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Fewer B-trees written per claim and per call event. Every claim inserts an attempt
 * row and its input; every call event rewrites the attempt's timers. Each table or
 * index a row lives in is one more B-tree SQLite updates (docs/BENCHMARKS.md):
 *
 * - `attempt.channel_id` loses its UNIQUE constraint, whose index no query reads: the
 *   channel id is made from the attempt id (`dialstate-<id>`), unique already, and
 *   events find their attempt by that id. One index fewer per claim.
 * - `attempt_timer` becomes a WITHOUT ROWID table, clustered on its primary key: as a
 *   rowid table it kept a second B-tree (the key's index) beside the rows, and nothing
 *   reads its rowid. One B-tree fewer per timer written or deleted, on most events.
 *   `attempt_input` stays a rowid table: its rows (the attempt's whole input, a kilobyte
 *   or more) are far larger than SQLite advises for WITHOUT ROWID tables, and stored
 *   in the key's B-tree they doubled the database file per attempt.
 *
 * SQLite cannot drop a constraint or change a table's kind in place: each table is
 * rebuilt (new table, rows copied with the attempt's rowid kept, old dropped, new
 * renamed), with foreign keys off so that dropping `attempt` does not cascade into its
 * events, and checked afterwards (https://sqlite.org/lang_altertable.html, "other kinds
 * of table schema changes"). Indexes and triggers on `attempt` are recreated as stored.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await rebuild(db, {
    attempt: ATTEMPT_TABLE.replace(
      '"channel_id" text not null unique',
      '"channel_id" text not null',
    ),
    attempt_timer: `${TIMER_TABLE} without rowid`,
  });
}

/** Puts the constraint and the rowid table back. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await rebuild(db, {
    attempt: ATTEMPT_TABLE,
    attempt_timer: TIMER_TABLE,
  });
}

/** `CREATE TABLE attempt (...)` as the initial migration made it, name left out. */
const ATTEMPT_TABLE = `("id" text primary key,
  "campaign_id" text not null references "campaign" ("id") on delete cascade,
  "lead_id" text not null references "lead" ("id") on delete cascade,
  "attempt_number" integer not null, "machine_version" integer not null,
  "channel_id" text not null unique, "snapshot" text not null, "state" text not null,
  "done" integer not null, "seq" integer default 0 not null, "outcome" text, "error" text,
  "started_at" integer, "answered_at" integer, "handed_off_at" integer, "ended_at" integer,
  "dial_status" text, "hangup_cause" integer, "far_end_cause" integer, "amd_status" text,
  "amd_cause" text, "digits" text default '' not null,
  "created_at" integer not null, "updated_at" integer not null)`;

const TIMER_TABLE = `("attempt_id" text not null references "attempt" ("id") on delete cascade,
  "timer_id" text not null, "due_at" integer not null,
  constraint "attempt_timer_pk" primary key ("attempt_id", "timer_id"))`;

/** Rebuilds each table with the given definition, keeping rows, rowids, indexes and triggers. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
async function rebuild(db: Kysely<any>, definitions: Record<string, string>): Promise<void> {
  // Outside any transaction: SQLite ignores this pragma inside one.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      for (const [table, definition] of Object.entries(definitions)) {
        const { rows: extras } = await sql<{ sql: string }>`select sql from sqlite_master
          where tbl_name = ${table} and type in ('index', 'trigger') and sql is not null`.execute(
          trx,
        );
        const { rows: columns } = await sql<{ name: string }>`select name
          from pragma_table_info(${table})`.execute(trx);
        const names = columns.map((column) => `"${column.name}"`).join(', ');
        const staging = `${table}_rebuilt`;
        await sql.raw(`create table "${staging}" ${definition}`).execute(trx);
        // A WITHOUT ROWID table has no rowid to keep, on either side; the attempt's is
        // kept, since the attempt lists order by it.
        const { rows: kind } = await sql<{ wr: number }>`select wr
          from pragma_table_list(${table})`.execute(trx);
        const rowid = kind[0]?.wr === 1 || definition.endsWith('without rowid') ? '' : 'rowid, ';
        await sql
          .raw(
            `insert into "${staging}" (${rowid}${names}) select ${rowid}${names} from "${table}"`,
          )
          .execute(trx);
        await sql.raw(`drop table "${table}"`).execute(trx);
        await sql.raw(`alter table "${staging}" rename to "${table}"`).execute(trx);
        for (const extra of extras) await sql.raw(extra.sql).execute(trx);
      }
      const { rows: broken } = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.length > 0) {
        throw new Error(`rebuilding the attempt tables broke ${broken.length} foreign keys`);
      }
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
