import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteStatement } from 'kysely';
import type { Logger } from 'pino';
import { phoneZonesColumn } from '../phone-zones.js';
import type { Database } from '../schema.js';
import { explainDatabaseFailure } from './database-access-error.js';
import { createStatementCache } from './statement-cache.js';
import type { CheckpointThresholds, SynchronousMode } from './wal-checkpoint-protocol.js';
import {
  type CheckpointMode,
  type CheckpointStats,
  startWalCheckpointer,
} from './wal-checkpointer.js';

export type { SynchronousMode } from './wal-checkpoint-protocol.js';
export type { CheckpointMode, CheckpointStats } from './wal-checkpointer.js';

export interface OpenDatabaseOptions {
  /** File path, or `:memory:` for a private in-memory database (tests). */
  path: string;
  /** Defaults to `FULL`. */
  synchronous?: SynchronousMode;
  /** How long a write waits for another connection's lock before failing (ms); default 5,000. */
  busyTimeoutMs?: number;
  /**
   * Who checkpoints the WAL (see `CheckpointMode`); defaults to `automatic`. `background`
   * starts a thread for it; an in-memory database has no WAL and stays `automatic`.
   */
  checkpoints?: CheckpointMode;
  /**
   * Where SQLite keeps its temporary files, statement journals among them; defaults to
   * `memory` (see `TEMP_STORE`). `file` is SQLite's default, kept for benchmarks.
   */
  tempStore?: 'memory' | 'file';
  /** The main connection's page cache (KiB); defaults to `CACHE_SIZE_KIB`. */
  cacheSizeKib?: number;
  /** The background thread's thresholds (tests use small ones). */
  checkpointThresholds?: Partial<CheckpointThresholds>;
  /** Where the background thread's end is reported when nobody asked for it. */
  log?: Pick<Logger, 'warn'>;
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
  /**
   * Who checkpoints the WAL right now: `background` only while the thread runs (asked
   * for, started, not ended); otherwise the connection itself, automatically.
   */
  checkpoints(): CheckpointMode;
  /**
   * Long writers (sliced background work) call it between two transactions: resolves at
   * once, unless the checkpoint thread needs a gap in the writes to let the WAL start
   * over; then once it has (the event loop runs meanwhile).
   */
  checkpointGap(): Promise<void>;
  /**
   * For a long writer on a thread of its own (an import's merge, ADR 039): the shared
   * array through which it gives the checkpoint thread its gap (`giveCheckpointGap`);
   * null when no checkpoint thread was asked for.
   */
  checkpointControl(): SharedArrayBuffer | null;
  /**
   * Says whether a writer on this connection is waiting for the write lock from later
   * turns of the event loop (`beginImmediateAsync`), for a long writer on another
   * thread to let it have the lock between two of its transactions (`writerWaiting`).
   */
  waitingForWriteLock(waiting: boolean): void;
  /** The shared slot `waitingForWriteLock` sets: 1 while a writer waits (ADR 039). */
  writerWaiting(): SharedArrayBuffer;
  /** What the checkpoint thread has done; null when none was asked for. */
  checkpointStats(): CheckpointStats | null;
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
 * Temporary files in memory: above all the statement journals SQLite keeps for a
 * statement that may fail half way (an `INSERT … SELECT` into the lead table, with its
 * trigger and foreign keys, keeps one) and, past 64 KiB, otherwise writes to a temp file:
 * a fifth of an import merge's CPU (docs/BENCHMARKS.md). Temp tables live there too:
 * the import's issues and a do-not-call upload's rows while they are staged.
 */
const TEMP_STORE = 'memory';
/** The page cache (KiB): better-sqlite3's build default, 16,000 KiB; see docs/BENCHMARKS.md. */
const CACHE_SIZE_KIB = 16_000;
/**
 * The most the WAL file keeps once it starts over (bytes): a WAL that grew large while
 * readers kept it from starting over gives the space back at its next start.
 */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * Opens (and creates, with its parent directory) the SQLite database at `path`.
 * Does not migrate it: call `migrateToLatest` before use.
 *
 * @throws DatabaseAccessError when the file or its folder cannot be created or written.
 */
export function openDatabase(options: OpenDatabaseOptions): Store {
  const {
    path,
    synchronous = 'FULL',
    busyTimeoutMs = BUSY_TIMEOUT_MS,
    checkpoints = 'automatic',
    tempStore = TEMP_STORE,
    cacheSizeKib = CACHE_SIZE_KIB,
  } = options;
  // The mode ends up in a PRAGMA, which cannot take a bound parameter.
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new Error(`synchronous must be NORMAL or FULL, not "${String(synchronous)}"`);
  }
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new Error(`busyTimeoutMs must be a whole number of ms, not ${busyTimeoutMs}`);
  }
  if (tempStore !== 'memory' && tempStore !== 'file') {
    throw new Error(`tempStore must be memory or file, not "${String(tempStore)}"`);
  }
  if (!Number.isInteger(cacheSizeKib) || cacheSizeKib <= 0) {
    throw new Error(`cacheSizeKib must be a whole number of KiB, not ${cacheSizeKib}`);
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
    connection.pragma(`temp_store = ${tempStore}`);
    // Negative: a size in KiB rather than in pages.
    connection.pragma(`cache_size = -${cacheSizeKib}`);
    connection.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
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
  const checkpointer =
    checkpoints === 'background' && !inMemory
      ? startWalCheckpointer(sqlite, {
          path,
          synchronous,
          thresholds: options.checkpointThresholds,
          log: options.log,
        })
      : null;

  const writerWaiting = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const statements = createStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });

  return {
    db,
    path,
    prepare: (sql) => statements.prepare(sql),
    inTransaction: () => sqlite.inTransaction,
    checkpoints: () => checkpointer?.mode() ?? 'automatic',
    checkpointStats: () => checkpointer?.stats() ?? null,
    checkpointGap: () => checkpointer?.gap() ?? Promise.resolve(),
    checkpointControl: () => checkpointer?.control() ?? null,
    waitingForWriteLock(waiting) {
      Atomics.store(writerWaiting, 0, waiting ? 1 : 0);
      if (!waiting) Atomics.notify(writerWaiting, 0);
    },
    writerWaiting: () => writerWaiting.buffer as SharedArrayBuffer,
    async close() {
      // The thread's connection first: the last one to close checkpoints and removes the WAL.
      await checkpointer?.stop();
      // Kysely only closes a connection it has used; close it ourselves otherwise.
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}
