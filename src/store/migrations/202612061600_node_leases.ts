import { type Kysely, sql } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Node leases (ADR 025, "Claims and leases across nodes"): which node runs each open
 * attempt (`attempt.owner_node`) and when each node last said it was alive
 * (`dialstate_node`). The same change as the PostgreSQL migration of the same name.
 * A SQLite database has one node, so it writes neither; the columns exist so that the
 * two schemas stay one and a copy into PostgreSQL keeps its rows' shape.
 *
 * No index on `owner_node`: a takeover reads the open attempts, which the partial index
 * `attempt_open` already finds, and every claim would pay for one more B-tree.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table attempt add column owner_node text`.execute(db);
  await sql`create table dialstate_node (
      node_id text primary key,
      started_at integer not null,
      heartbeat_at integer not null,
      lease_ms integer not null,
      constraint "dialstate_node_lease_ms" check (lease_ms > 0)
    )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table dialstate_node`.execute(db);
  await sql`alter table attempt drop column owner_node`.execute(db);
}
