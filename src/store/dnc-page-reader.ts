import { type Kysely, sql } from 'kysely';
import type { DncPageReader } from '../compliance/dnc-reads.js';
import { dncEntryFromRow } from './dnc.js';
import type { Database } from './schema.js';

// The unique index is on this expression: written the same way, the scope and the phone
// order come from the index, so a page costs its own rows whatever the list's length.
const scope = sql<string>`ifnull(campaign_id, '')`;

/** Creates the page reader over a migrated database. */
export function createDncPageReader(db: Kysely<Database>): DncPageReader {
  return {
    async page(campaignId, query) {
      const pattern = query.search ? `%${escapeLike(query.search)}%` : null;
      let matching = db.selectFrom('dnc').where(scope, '=', campaignId ?? '');
      if (pattern !== null)
        matching = matching.where(sql<boolean>`phone like ${pattern} escape '\\'`);

      let rows = matching
        .selectAll()
        .orderBy('phone')
        .limit(query.limit + 1);
      if (query.after) rows = rows.where('phone', '>', query.after);
      const [found, count] = await Promise.all([
        rows.execute(),
        matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      const entries = found.slice(0, query.limit).map(dncEntryFromRow);
      const last = entries.at(-1);
      return {
        entries,
        total: Number(count.n),
        nextAfter: found.length > query.limit && last ? last.phone : null,
      };
    },
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
