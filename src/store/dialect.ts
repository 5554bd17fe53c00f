import { type Kysely, PostgresIntrospector, type RawBuilder, sql } from 'kysely';
import type { Database } from './schema.js';

/** The database engines the store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

/** Which engine `db` (or a transaction of it) runs on. */
export function dialectOf(db: Kysely<Database>): StoreDialect {
  // The introspector is public and made by the dialect: it tells them apart.
  return db.introspection instanceof PostgresIntrospector ? 'postgres' : 'sqlite';
}

/**
 * `indexed by <index>`, to follow a table's name, on SQLite; nothing on PostgreSQL.
 * SQLite's planner, without statistics, may walk a large index where a small partial
 * one serves; PostgreSQL has no such hint and its planner weighs both from statistics.
 */
export function indexedBy(db: Kysely<Database>, index: string): RawBuilder<unknown> {
  return dialectOf(db) === 'sqlite' ? sql`indexed by ${sql.id(index)}` : sql``;
}
