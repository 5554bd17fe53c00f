import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from '../schema.js';

/** One statement of raw SQL text with its parameters, in the caller's transaction. */
export async function runStatement<R = Record<string, unknown>>(
  trx: Kysely<Database>,
  text: string,
  parameters: readonly unknown[],
): Promise<QueryResult<R>> {
  return trx.executeQuery<R>(CompiledQuery.raw(text, [...parameters]));
}

/** How many rows a statement changed, as a number. */
export function changedRows(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
