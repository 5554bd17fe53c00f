import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  knownPostgresMigrationNames,
  migratePostgresToLatest,
} from '../../../src/store/postgres/migrate-postgres.js';
import { openPostgres, type PostgresStore } from '../../../src/store/postgres/open-postgres.js';
import type { Database } from '../../../src/store/schema.js';
import type { Store } from '../../../src/store/sqlite/db.js';
import {
  createPostgresDatabase,
  postgresAvailable,
  type TestPostgresDatabase,
} from '../../support/postgres.js';
import { openMemoryStore } from '../../support/store-fixtures.js';

/**
 * The PostgreSQL migrations must build what the SQLite migrations build: a schema change
 * made in one and not the other fails here. Both are migrated from empty to the latest.
 */

/** Tables the migrators and SQLite keep for themselves. */
const isOwnTable = (name: string) => !name.startsWith('sqlite_') && !name.startsWith('kysely_');

interface Column {
  table: string;
  column: string;
  nullable: boolean;
}

const byName = (a: Column, b: Column) =>
  a.table.localeCompare(b.table) || a.column.localeCompare(b.column);

async function sqliteColumns(db: Kysely<Database>): Promise<Column[]> {
  const { rows } = await sql<{ table: string; column: string; notnull: number; pk: number }>`
    select t.name as "table", c.name as "column", c."notnull" as "notnull", c.pk as pk
    from sqlite_master t, pragma_table_info(t.name) c where t.type = 'table'`.execute(db);
  // SQLite lets a non-integer PRIMARY KEY hold NULL (a legacy quirk PostgreSQL does not
  // copy); no id is ever written NULL, so a key column counts as NOT NULL.
  return rows
    .filter((row) => isOwnTable(row.table))
    .map((row) => ({
      table: row.table,
      column: row.column,
      nullable: row.notnull === 0 && row.pk === 0,
    }))
    .sort(byName);
}

async function postgresColumns(db: Kysely<Database>): Promise<Column[]> {
  const { rows } = await sql<{ table: string; column: string; nullable: string }>`
    select table_name as "table", column_name as "column", is_nullable as nullable
    from information_schema.columns where table_schema = current_schema()`.execute(db);
  return rows
    .filter((row) => isOwnTable(row.table))
    .map((row) => ({ table: row.table, column: row.column, nullable: row.nullable === 'YES' }))
    .sort(byName);
}

/** SQLite's tables with a rowid (not WITHOUT ROWID), where PostgreSQL may spell it out. */
async function sqliteRowidTables(db: Kysely<Database>): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    select name from pragma_table_list where type = 'table' and wr = 0`.execute(db);
  return new Set(rows.map((row) => row.name));
}

describe.skipIf(!postgresAvailable())('the PostgreSQL schema', () => {
  let sqlite: Store;
  let database: TestPostgresDatabase;
  let postgres: PostgresStore;
  let applied: string[];

  beforeAll(async () => {
    sqlite = await openMemoryStore();
    database = await createPostgresDatabase({ migrated: false });
    postgres = openPostgres({ url: database.url, maxConnections: 1 });
    applied = await migratePostgresToLatest(postgres.db);
  });
  afterAll(async () => {
    await postgres?.close();
    await database?.drop();
    await sqlite?.close();
  });

  it('is built from empty by every PostgreSQL migration, and a second run applies none', async () => {
    expect(applied).toEqual(knownPostgresMigrationNames());
    expect(await migratePostgresToLatest(postgres.db)).toEqual([]);
  });

  it('has the tables and columns of the SQLite schema, each as nullable', async () => {
    const rowidTables = await sqliteRowidTables(sqlite.db);
    const inPostgres = await postgresColumns(postgres.db);
    // A `rowid` column stands for SQLite's implicit rowid, and only on a rowid table.
    const spelledRowids = inPostgres.filter((column) => column.column === 'rowid');
    for (const column of spelledRowids) {
      expect(rowidTables, `${column.table}.rowid`).toContain(column.table);
      expect(column.nullable, `${column.table}.rowid`).toBe(false);
    }
    expect(inPostgres.filter((column) => column.column !== 'rowid')).toEqual(
      await sqliteColumns(sqlite.db),
    );
  });

  it('has every index, check constraint and trigger of the SQLite schema, by name and table', async () => {
    const { rows: inSqlite } = await sql<{ type: string; name: string; table: string }>`
      select type, name, tbl_name as "table" from sqlite_master
      where type in ('index', 'trigger') and name not like 'sqlite_autoindex_%'`.execute(sqlite.db);
    const { rows: checks } = await sql<{ sql: string; table: string }>`
      select sql, name as "table" from sqlite_master where type = 'table'`.execute(sqlite.db);
    const sqliteChecks = checks.flatMap(({ sql: ddl, table }) =>
      [...ddl.matchAll(/constraint "(\w+)" check/g)].map(
        (match) => `check ${match[1]} on ${table}`,
      ),
    );
    const { rows: inPostgres } = await sql<{ object: string }>`
      select 'index ' || indexname || ' on ' || tablename as object from pg_indexes
        where schemaname = current_schema()
      union all
      select 'trigger ' || tgname || ' on ' || tgrelid::regclass from pg_trigger
        where not tgisinternal
      union all
      select 'check ' || conname || ' on ' || conrelid::regclass from pg_constraint
        where contype = 'c' and connamespace = current_schema()::regnamespace`.execute(postgres.db);
    const postgresObjects = new Set(inPostgres.map((row) => row.object));
    const expected = [
      ...inSqlite.map((row) => `${row.type} ${row.name} on ${row.table}`),
      ...sqliteChecks,
    ];
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.filter((object) => !postgresObjects.has(object))).toEqual([]);
  });

  it('compares text like SQLite: byte order everywhere, and lead names as NOCASE does', async () => {
    const { rows } = await sql<{ column: string; type: string; collation: string | null }>`
      select table_name || '.' || column_name as "column", udt_name as type,
        collation_name as collation
      from information_schema.columns
      where table_schema = current_schema() and udt_name in ('text', 'citext')
        and table_name not like 'kysely_%'`.execute(postgres.db);
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.filter((row) => row.collation !== 'C')).toEqual([]);
    expect(rows.filter((row) => row.type === 'citext').map((row) => row.column)).toEqual([
      'lead.name',
    ]);
  });
});
