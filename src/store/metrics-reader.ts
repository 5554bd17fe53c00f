import { type Kysely, sql } from 'kysely';
import { indexedBy } from './dialect.js';
import type { Database } from './schema.js';

/** Row totals of lead imports, summed over every import the database holds. */
export interface LeadImportRowTotals {
  accepted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  dncBlocked: number;
}

/** What `/metrics` reads from the database at each scrape. */
export interface MetricsReader {
  /** Attempts not ended yet, by the top-level state they are in (`ringing`, `screening`…). */
  liveAttemptsByState(): Promise<Record<string, number>>;
  leadImportRows(): Promise<LeadImportRowTotals>;
}

/** Creates the reader over a migrated database. */
export function createMetricsReader(db: Kysely<Database>): MetricsReader {
  const openAttempts = indexedBy(db, 'attempt_open');
  return {
    async liveAttemptsByState() {
      // Through the partial index on open attempts: a handful of rows whatever the history.
      const { rows } = await sql<{ state: string; n: number }>`select state, count(*) as n
        from attempt ${openAttempts} where done = 0 group by state`.execute(db);
      const live: Record<string, number> = {};
      for (const row of rows) {
        const top = row.state.split('.')[0] ?? row.state;
        live[top] = (live[top] ?? 0) + Number(row.n);
      }
      return live;
    },

    async leadImportRows() {
      const row = await db
        .selectFrom('lead_import')
        .select((eb) => [
          eb.fn.coalesce(eb.fn.sum<number>('accepted'), eb.lit(0)).as('accepted'),
          eb.fn.coalesce(eb.fn.sum<number>('updated'), eb.lit(0)).as('updated'),
          eb.fn.coalesce(eb.fn.sum<number>('duplicates'), eb.lit(0)).as('duplicates'),
          eb.fn.coalesce(eb.fn.sum<number>('rejected'), eb.lit(0)).as('rejected'),
          eb.fn.coalesce(eb.fn.sum<number>('dnc_blocked'), eb.lit(0)).as('dncBlocked'),
        ])
        .executeTakeFirstOrThrow();
      return {
        accepted: Number(row.accepted),
        updated: Number(row.updated),
        duplicates: Number(row.duplicates),
        rejected: Number(row.rejected),
        dncBlocked: Number(row.dncBlocked),
      };
    },
  };
}
