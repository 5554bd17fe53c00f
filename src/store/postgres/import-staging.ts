import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { LeadImportIssue } from '../../intake/lead-import.js';
import type { StagedLead } from '../../intake/lead-intake-ports.js';
import { phoneZonesColumn } from '../phone-zones.js';
import type { Database } from '../schema.js';

/**
 * The staging of one lead import on PostgreSQL: two tables of its own, out of sight of
 * every reader of leads, that reach the real tables only in the merge.
 *
 * Tables, not temp tables: the pool hands each statement any of its connections, a
 * temp table lives on one; and a merge under way must survive a restart (or another
 * node must finish it, ADR 024). Both are created UNLOGGED, so staging a million rows
 * writes no WAL: a crash while the file is read empties them, and that import fails
 * anyway. At the point of no return the rows' table is made LOGGED (`persist`), which
 * is the SQLite staging file's fsync: from then on the rows survive a crash.
 *
 * Each table carries its import's id as its comment, so that the staging of an import
 * that ended without cleaning up (a crash) can be found and dropped (`dropStaleStagings`).
 */
export interface PostgresImportStaging {
  /** The table of staged rows, quoted. */
  readonly rows: string;
  /** Stages rows (with their phone zones, computed here) and issues, in one transaction. */
  stage(rows: readonly StagedLead[], issues: readonly LeadImportIssue[]): Promise<void>;
  /** Makes the staged rows survive a crash: after this, a restart can finish the merge. */
  persist(): Promise<void>;
  /** Drops both tables. */
  remove(): Promise<void>;
}

const ROWS_PREFIX = 'lead_import_rows_';
const ISSUES_PREFIX = 'lead_import_issues_';

/**
 * The table names of import `importId`'s staging. Any text may be an import id; a hash
 * of it makes a valid identifier of fixed length (PostgreSQL cuts names at 63 bytes).
 */
export function stagingTablesOf(importId: string): { rows: string; issues: string } {
  const hash = createHash('sha256').update(importId).digest('hex').slice(0, 32);
  return { rows: `${ROWS_PREFIX}${hash}`, issues: `${ISSUES_PREFIX}${hash}` };
}

/** Text columns compare byte by byte, like the lead table's (`collate "C"`). */
const TEXT = 'text collate "C"';

/**
 * Creates the staging tables of import `importId`, in `trx`: the import's `lead_import`
 * row goes in the same transaction, so that no start (on any node) ever sees the tables
 * without their running import and drops them (`dropStaleStagings`).
 */
export async function createStagingTables(trx: Kysely<Database>, importId: string): Promise<void> {
  const names = stagingTablesOf(importId);
  const rows = sql.id(names.rows);
  const issues = sql.id(names.issues);
  await sql`drop table if exists ${rows}, ${issues}`.execute(trx);
  // row_number is the key: the merge reads rows back by row range, in order.
  await sql`create unlogged table ${rows} (row_number integer primary key,
      phone ${sql.raw(TEXT)} not null, phone_zones ${sql.raw(TEXT)}, name ${sql.raw(TEXT)},
      timezone ${sql.raw(TEXT)}, caller_id ${sql.raw(TEXT)}, custom_vars text not null,
      state ${sql.raw(TEXT)} not null, note text)`.execute(trx);
  await sql`create unlogged table ${issues} (seq bigint generated always as identity,
      row_number integer not null, severity text not null, field text, value text,
      reason text not null, raw text)`.execute(trx);
  await sql`comment on table ${rows} is ${sql.lit(importId)}`.execute(trx);
  await sql`comment on table ${issues} is ${sql.lit(importId)}`.execute(trx);
}

/**
 * Opens the staging of import `importId` that `createStagingTables` made (a live import's,
 * or one a stopped run left, to finish its merge); fails when its rows are gone.
 */
export async function openPostgresImportStaging(
  db: Kysely<Database>,
  importId: string,
): Promise<PostgresImportStaging> {
  const names = stagingTablesOf(importId);
  const rows = sql.id(names.rows);
  const issues = sql.id(names.issues);
  const { rows: found } = await sql<{ present: boolean }>`
    select to_regclass(${names.rows}) is not null as present`.execute(db);
  if (!found[0]?.present) throw new Error(`the staged rows are gone (table ${names.rows})`);
  return {
    rows: `"${names.rows}"`,

    async stage(leads, found) {
      if (leads.length === 0 && found.length === 0) return;
      await db.transaction().execute(async (trx) => {
        // One statement per batch, its columns as arrays of bound parameters: one round
        // trip, however many rows, and no SQL text built from values.
        if (leads.length > 0) {
          await sql`insert into ${rows} (row_number, phone, phone_zones, name, timezone,
              caller_id, custom_vars, state, note)
            select * from unnest(${leads.map((lead) => lead.rowNumber)}::integer[],
              ${leads.map((lead) => lead.phone)}::text[],
              ${leads.map((lead) => phoneZonesColumn(lead.phone))}::text[],
              ${leads.map((lead) => lead.name)}::text[],
              ${leads.map((lead) => lead.timezone)}::text[],
              ${leads.map((lead) => lead.callerId)}::text[],
              ${leads.map((lead) => lead.customVars)}::text[],
              ${leads.map((lead) => lead.state)}::text[],
              ${leads.map((lead) => lead.note)}::text[])`.execute(trx);
        }
        if (found.length > 0) {
          await sql`insert into ${issues} (row_number, severity, field, value, reason, raw)
            select r, s, f, v, e, w from unnest(
              ${found.map((issue) => issue.rowNumber)}::integer[],
              ${found.map((issue) => issue.severity)}::text[],
              ${found.map((issue) => issue.field)}::text[],
              ${found.map((issue) => issue.value)}::text[],
              ${found.map((issue) => issue.reason)}::text[],
              ${found.map((issue) => issue.raw)}::text[])
              with ordinality as u (r, s, f, v, e, w, n)
            order by n`.execute(trx);
        }
      });
    },

    async persist() {
      await sql`alter table ${rows} set logged`.execute(db);
    },

    async remove() {
      await sql`drop table if exists ${rows}, ${issues}`.execute(db);
    },
  };
}

/**
 * Moves import `importId`'s staged issues to `lead_import_issue`, in the order found,
 * and empties their staging table. Run inside the transaction that makes them visible.
 */
export async function flushStagedIssues(trx: Kysely<Database>, importId: string): Promise<void> {
  const issues = sql.id(stagingTablesOf(importId).issues);
  await sql`insert into lead_import_issue (import_id, row_number, severity, field, value, reason, raw)
    select ${importId}, row_number, severity, field, value, reason, raw from ${issues}
    order by seq`.execute(trx);
  await sql`delete from ${issues}`.execute(trx);
}

/**
 * Drops the staging tables whose import no longer needs them: it completed or failed
 * (a crash left them), or it is gone. Those of imports still running (reading on some
 * node, or merging) stay. Returns the ids whose staging it dropped.
 */
export async function dropStaleStagings(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ table: string; import_id: string | null }>`
    select c.relname as "table", obj_description(c.oid, 'pg_class') as import_id
    from pg_class c
    where c.relkind = 'r' and c.relnamespace = current_schema()::regnamespace
      and (starts_with(c.relname, ${ROWS_PREFIX}) or starts_with(c.relname, ${ISSUES_PREFIX}))
      and not exists (select 1 from lead_import m
                      where m.id = obj_description(c.oid, 'pg_class') and m.status = 'running')`.execute(
    db,
  );
  for (const row of rows) await sql`drop table if exists ${sql.id(row.table)}`.execute(db);
  return [...new Set(rows.map((row) => row.import_id ?? row.table))];
}
