import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteStatement } from 'kysely';
import { explainDatabaseFailure } from './database-access-error.js';
import { phoneZonesColumn } from './phone-zones.js';
import type { Database } from './schema.js';
import { createStatementCache } from './statement-cache.js';

/**
 * SQLite's durability level. With WAL, `NORMAL` may lose the last commits on power loss
 * (never on a process crash) but does not fsync each commit; `FULL` fsyncs every commit.
 */
export type SynchronousMode = 'NORMAL' | 'FULL';

export interface OpenDatabaseOptions {
  /** File path, or `:memory:` for a private in-memory database (tests). */
  path: string;
  /** Defaults to `FULL`. */
  synchronous?: SynchronousMode;
  /** How long a write waits for another connection's lock before failing (ms); default 5,000. */
  busyTimeoutMs?: number;
}

/** An open dialstate database. */
export interface Store {
  db: Kysely<Database>;
  /** The database file (`:memory:` for a private in-memory database). */
  readonly path: string;
  /**
   * The prepared statement for `sql`, from the same cache and connection Kysely uses.
   * For the few statements run on every call event; only call it while holding the
   * connection (inside a Kysely transaction or `db.connection()`).
   */
  prepare(sql: string): SqliteStatement;
  /** Whether the connection is inside a transaction (SQLite may roll one back by itself). */
  inTransaction(): boolean;
  /** Closes the connection; safe to call more than once. */
  close(): Promise<void>;
}

const IN_MEMORY = ':memory:';
/** SQL function: `dialstate_phone_zones(phone)` is the `lead.phone_zones` value of a number. */
export const PHONE_ZONES_FUNCTION = 'dialstate_phone_zones';
/**
 * How long a write waits for another connection's lock before failing (ms). better-sqlite3
 * waits synchronously: the whole process stands still for as long.
 */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (and creates, with its parent directory) the SQLite database at `path`.
 * Does not migrate it: call `migrateToLatest` before use.
 *
 * @throws DatabaseAccessError when the file or its folder cannot be created or written.
 */
export function openDatabase(options: OpenDatabaseOptions): Store {
  const { path, synchronous = 'FULL', busyTimeoutMs = BUSY_TIMEOUT_MS } = options;
  // The mode ends up in a PRAGMA, which cannot take a bound parameter.
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new Error(`synchronous must be NORMAL or FULL, not "${String(synchronous)}"`);
  }
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new Error(`busyTimeoutMs must be a whole number of ms, not ${busyTimeoutMs}`);
  }
  const inMemory = path === IN_MEMORY;

  let connection: SQLite.Database | undefined;
  try {
    if (!inMemory) mkdirSync(dirname(path), { recursive: true });
    connection = new SQLite(path);
    // WAL lets readers (API, UI, `dialstate replay`) run while the dialer writes; an
    // in-memory database has no WAL and keeps its `memory` journal mode.
    if (!inMemory) connection.pragma('journal_mode = WAL');
    connection.pragma('foreign_keys = ON');
    connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
    connection.pragma(`synchronous = ${synchronous}`);
    // The time zones of a lead's number, derived where leads are written (imports insert
    // rows set-wise in SQL) and stored in `lead.phone_zones`, so a claim never maps a
    // number itself. Deterministic: the same number always maps the same, in one build.
    connection.function(PHONE_ZONES_FUNCTION, { deterministic: true }, (phone: unknown) =>
      typeof phone === 'string' ? phoneZonesColumn(phone) : null,
    );
  } catch (error) {
    connection?.close();
    const explained = explainDatabaseFailure(path, error);
    if (explained !== error) throw explained;
    throw new Error(`could not open the SQLite database at ${path}`, { cause: error });
  }
  const sqlite = connection;

  const statements = createStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });

  return {
    db,
    path,
    prepare: (sql) => statements.prepare(sql),
    inTransaction: () => sqlite.inTransaction,
    async close() {
      // Kysely only closes a connection it has used; close it ourselves otherwise.
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}
