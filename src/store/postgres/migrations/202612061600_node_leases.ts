import { type Kysely, sql } from 'kysely';

// Frozen history, like every migration: `Kysely<any>` on purpose (see the initial one).

/**
 * Node leases (ADR 025, "Claims and leases across nodes"): which node runs each open
 * attempt (`attempt.owner_node`, written by the claim) and when each node last said it
 * was alive (`dialstate_node`, its heartbeat). A node whose heartbeat is older than its
 * lease is dead to the others, and one of them takes its open attempts over. The same
 * change as the SQLite migration of the same name.
 *
 * Adding a nullable column without a default rewrites no row of `attempt`.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table attempt add column owner_node text collate "C"`.execute(db);
  await sql`create table dialstate_node (
      node_id text collate "C" primary key,
      started_at bigint not null,
      heartbeat_at bigint not null,
      lease_ms bigint not null,
      constraint "dialstate_node_lease_ms" check (lease_ms > 0)
    )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table dialstate_node`.execute(db);
  await sql`alter table attempt drop column owner_node`.execute(db);
}
