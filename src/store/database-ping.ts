import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs a trivial query; resolves when the database answers, rejects when it cannot
 * (closed, file gone, locked past the busy timeout). Goes through Kysely's connection
 * like every other query, so it also waits behind a long transaction: what a request
 * would wait for.
 */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
