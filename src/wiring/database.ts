import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createAbandonmentReader } from '../store/answered-calls.js';
import { startCampaignPurger } from '../store/campaign-purge.js';
import { pingDatabase } from '../store/database-ping.js';
import { createDialingStore } from '../store/dialing-store.js';
import { createDncListStore } from '../store/dnc-list-store.js';
import {
  type AttemptJournalOptions,
  createAttemptJournal,
} from '../store/journal/attempt-journal.js';
import type { MergePace } from '../store/lead-import/lead-import-merge.js';
import { resumeImportMerges } from '../store/lead-import/lead-import-resume.js';
import { createLeadIntakeStore } from '../store/lead-import/lead-intake-store.js';
import { openMigratedStore } from '../store/open-migrated-store.js';
import type { Store } from '../store/sqlite/db.js';
import {
  builtOnFirstUse,
  type DatabaseParts,
  type DialectParts,
  type SharedParts,
  sharedBuilders,
} from './database-parts.js';

export type { DatabaseParts } from './database-parts.js';

/** How the SQLite parts work, where a caller knows better than a server's defaults. */
/** `DIALSTATE_DB_WAL_SYNC` → the journal's `walFsync`. */
const WAL_FSYNC = {
  auto: 'when-slow',
  commit: 'in-commit',
  'thread-pool': 'thread-pool',
} as const satisfies Record<Config['db']['walSync'], AttemptJournalOptions['walFsync']>;

export interface SqlitePartsOptions {
  /** How an import's merge is cut into transactions (a server's slices by default). */
  importMerge?: MergePace;
  /**
   * Who syncs the journal's commits (`DIALSTATE_DB_WAL_SYNC`; SQLite's COMMIT, or the
   * thread pool while the disk is slow, by default).
   */
  walSync?: Config['db']['walSync'];
}

/** The parts over a SQLite store already open (and migrated). */
export function databaseParts(store: Store, options: SqlitePartsOptions = {}): DatabaseParts {
  const { db } = store;
  // Built once, for the runner and the claims alike: they share its group commit.
  let journal: ReturnType<typeof createAttemptJournal> | undefined;
  const sqliteJournal = () => {
    journal ??= createAttemptJournal(store, {
      walFsync: WAL_FSYNC[options.walSync ?? 'auto'],
    });
    return journal;
  };
  const adapters: SharedParts &
    Pick<DialectParts, 'journal' | 'leadIntake' | 'dncLists' | 'dialing' | 'nodeLeases'> =
    builtOnFirstUse({
      ...sharedBuilders(db),
      journal: sqliteJournal,
      leadIntake: () => createLeadIntakeStore(store, options.importMerge),
      dncLists: () => createDncListStore(store),
      dialing: () => createDialingStore(db, sqliteJournal()),
      // One node has the file to itself: no lease to keep.
      nodeLeases: () => null,
    });
  return Object.assign(adapters, {
    dialect: 'sqlite' as const,
    location: store.path,
    abandonment: (thresholdMs: number) => createAbandonmentReader(db, thresholdMs),
    resumeImportMerges: (deps: { log: Logger; now: () => number }) =>
      resumeImportMerges({ store, ...deps }),
    startCampaignPurger: (deps: { log: Logger }) => startCampaignPurger({ store, ...deps }),
    ping: () => pingDatabase(db),
    close: () => store.close(),
  });
}

/**
 * Opens the configured database — PostgreSQL when `db.url` is set, else SQLite at
 * `db.path` — and brings its schema up to date (the migrations applied are in `applied`).
 * The PostgreSQL side is loaded only for PostgreSQL.
 * `log` hears of SQLite's checkpoint thread ending unasked; `sqlite` applies to SQLite only.
 */
export async function openDatabaseParts(
  db: Config['db'],
  log?: Logger,
  sqlite: SqlitePartsOptions = {},
): Promise<DatabaseParts & { applied: string[] }> {
  if (db.url === null) {
    const { store, applied } = await openMigratedStore({ ...db, log });
    return Object.assign(databaseParts(store, { walSync: db.walSync, ...sqlite }), { applied });
  }
  const { openPostgresDatabaseParts } = await import('./postgres-database.js');
  return openPostgresDatabaseParts({ ...db, url: db.url }, log);
}

/**
 * Brings the configured database's schema up to date and closes it (`dialstate migrate`):
 * needs no adapter but the migrations, so it works on PostgreSQL whatever parts it has.
 */
export async function migrateDatabase(
  db: Config['db'],
): Promise<{ location: string; applied: string[] }> {
  if (db.url === null) {
    const { store, applied } = await openMigratedStore(db);
    await store.close();
    return { location: store.path, applied };
  }
  const { migratePostgresDatabase } = await import('./postgres-database.js');
  return migratePostgresDatabase(db.url, db.poolSize);
}

/**
 * Runs `use` over the configured database and closes it after, whatever happens;
 * `importMerge` applies to SQLite only (see `SqlitePartsOptions`).
 */
export async function withDatabase<T>(
  db: Config['db'] & SqlitePartsOptions,
  use: (parts: DatabaseParts) => Promise<T>,
): Promise<T> {
  const { importMerge, ...settings } = db;
  const parts = await openDatabaseParts(settings, undefined, { importMerge });
  try {
    return await use(parts);
  } finally {
    await parts.close();
  }
}
