import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '../schema.js';
import { watchPoolWaits } from './pool-waits.js';

/** PostgreSQL's type ids (pg_type.oid) of the types whose text form we parse ourselves. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * `bigint` columns (epoch ms, sizes) and `count(*)` come back as JS numbers, as they do
 * from SQLite, instead of pg's default strings. Every value dialstate stores is far below
 * 2^53 (epoch ms for the next 285,000 years). `sum()` of a bigint is `numeric`, parsed
 * the same way; the schema has no `numeric` column holding fractions.
 */
function parseWholeNumber(text: string): number {
  return Number(text);
}

/** Type parsers of this pool's connections only, leaving pg's global defaults alone. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && (oid === INT8_OID || oid === NUMERIC_OID)) return parseWholeNumber;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** The schemes that select PostgreSQL in a database URL. */
const SCHEMES = ['postgres:', 'postgresql:'] as const;

export interface OpenPostgresOptions {
  /** `postgres://user:password@host:port/database?…` (or `postgresql://`). */
  url: string;
  /**
   * Connections at most: a node's `DIALSTATE_DB_POOL_SIZE`, or a few for a command.
   * Queries beyond them wait for one to come free.
   */
  maxConnections: number;
  /** Shown in `pg_stat_activity.application_name`; default `dialstate`. */
  applicationName?: string;
  /** How long to wait for a connection (ms) before a query fails; default 10,000. */
  connectTimeoutMs?: number;
  /** Where waits for a busy pool are reported (see pool-waits.ts); not reported without. */
  log?: Logger;
  /** A wait for a connection longer than this is logged (ms); default 1,000. */
  slowWaitMs?: number;
}

/** An open PostgreSQL database: the same Kysely schema as SQLite, over a bounded pool. */
export interface PostgresStore {
  db: Kysely<Database>;
  /** The URL with its password masked, for logs, health and error messages. */
  displayUrl: string;
  /** Ends every connection of the pool; safe to call more than once. */
  close(): Promise<void>;
}

/** Whether `url` names a PostgreSQL database (`postgres://` or `postgresql://`). */
export function isPostgresUrl(url: string): boolean {
  return SCHEMES.some((scheme) => url.startsWith(`${scheme}//`));
}

/**
 * `url` with its password replaced by `***`, so it can be logged. A URL that does not
 * parse is not shown at all: it may hold a password in a form we cannot find.
 */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    // A password may also come as a query parameter (libpq's `password=`).
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return '(a database URL that does not parse)';
  }
}

/**
 * Opens a pool of connections to the PostgreSQL database at `url`. Connects lazily: the
 * first query opens the first connection. Does not migrate: call
 * `migratePostgresToLatest` before use.
 *
 * @throws Error when `url` is not a PostgreSQL URL (the message shows it masked).
 */
export function openPostgres(options: OpenPostgresOptions): PostgresStore {
  const {
    url,
    maxConnections,
    applicationName = 'dialstate',
    connectTimeoutMs = 10_000,
    log,
    slowWaitMs,
  } = options;
  const displayUrl = maskDatabaseUrl(url);
  if (!isPostgresUrl(url)) {
    throw new Error(`not a PostgreSQL URL (postgres:// or postgresql://): ${displayUrl}`);
  }
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new Error(`maxConnections must be a whole number of 1 or more, not ${maxConnections}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    application_name: applicationName,
    connectionTimeoutMillis: connectTimeoutMs,
    types: TYPES,
  });
  // An idle connection the server drops (restart, network) emits 'error' on the pool;
  // unhandled, that would end the process. The pool replaces the connection; the next
  // query that fails says why.
  pool.on('error', () => {});
  const watched = watchPoolWaits(pool, {
    poolSize: maxConnections,
    connectTimeoutMs,
    log,
    slowWaitMs,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: watched }) });
  let closing: Promise<void> | undefined;
  return {
    db,
    displayUrl,
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
