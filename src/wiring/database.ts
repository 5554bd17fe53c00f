import type { Logger } from 'pino';
import type { NodeLeaseStore } from '../calls/node-lease.js';
import type { AttemptJournal, DialingStore, LeadRecoveryStore } from '../calls/ports.js';
import type { AbandonmentReader } from '../compliance/abandonment-reads.js';
import type { EvidenceAttemptReader } from '../compliance/consent-evidence.js';
import type { DncPageReader } from '../compliance/dnc-reads.js';
import type { OptOutStore } from '../compliance/opt-out.js';
import type { Config } from '../config.js';
import type { AttemptListReader } from '../control/attempt-reads.js';
import type { CampaignControlStore } from '../control/campaign-control.js';
import type { CampaignEditingStore } from '../control/campaign-editing.js';
import type { CampaignRepository, CampaignStatsReader } from '../control/campaign-reads.js';
import type { LeadListReader } from '../control/lead-reads.js';
import type {
  DncListStore,
  LeadAddStore,
  LeadImportRepository,
  LeadImportStore,
} from '../intake/lead-intake-ports.js';
import { createAbandonmentReader } from '../store/answered-calls.js';
import { createAttemptJournal } from '../store/attempt-journal.js';
import { createAttemptListReader } from '../store/attempt-list.js';
import { createCampaignControlStore } from '../store/campaign-control-store.js';
import { createCampaignEditingStore } from '../store/campaign-editing-store.js';
import { type CampaignPurger, startCampaignPurger } from '../store/campaign-purge.js';
import { createCampaignStatsReader } from '../store/campaign-stats.js';
import { createCampaignRepository } from '../store/campaigns.js';
import { pingDatabase } from '../store/database-ping.js';
import type { Store } from '../store/db.js';
import type { StoreDialect } from '../store/dialect.js';
import { createDialingStore } from '../store/dialing-store.js';
import { createDncRepository, type DncRepository } from '../store/dnc.js';
import { createDncListStore } from '../store/dnc-list-store.js';
import { createDncPageReader } from '../store/dnc-page-reader.js';
import { createEvidenceAttemptReader } from '../store/evidence-attempts.js';
import { type ImportMergeResumer, resumeImportMerges } from '../store/lead-import-resume.js';
import { createLeadImportRepository } from '../store/lead-imports.js';
import { createLeadIntakeStore } from '../store/lead-intake-store.js';
import { createLeadListReader } from '../store/lead-list.js';
import type { LeadOperations } from '../store/lead-operations.js';
import { createLeadOperations } from '../store/lead-operations.js';
import { createLeadRecoveryStore } from '../store/lead-recovery-store.js';
import { createMetricsReader, type MetricsReader } from '../store/metrics-reader.js';
import { openMigratedStore } from '../store/open-migrated-store.js';
import { createOptOutStore } from '../store/opt-outs.js';
import { startPostgresCampaignPurger } from '../store/postgres/campaign-purge.js';
import { createPostgresDncListStore } from '../store/postgres/dnc-list-store.js';
import { resumePostgresImportMerges } from '../store/postgres/import-resume.js';
import { createPostgresLeadIntakeStore } from '../store/postgres/lead-intake-store.js';
import { migratePostgresToLatest } from '../store/postgres/migrate-postgres.js';
import { openPostgres, type PostgresStore } from '../store/postgres/open-postgres.js';
import {
  createPostgresAttemptJournal,
  type PostgresAttemptJournal,
} from '../store/postgres/postgres-attempt-journal.js';
import { createPostgresLeadClaimer } from '../store/postgres/postgres-lead-claims.js';
import { createPostgresNodeLeases } from '../store/postgres/postgres-node-leases.js';
import { createRecordingRepository, type RecordingRepository } from '../store/recordings.js';

/**
 * The store's adapters over one open database, for the server and every command alike:
 * each is built the first time it is asked for, so a command pays only for what it uses.
 */
export interface DatabaseParts {
  /** SQLite (a file) or PostgreSQL (DIALSTATE_DATABASE_URL). */
  readonly dialect: StoreDialect;
  /** Where the database is, for logs and messages: its file, or its URL with the password masked. */
  readonly location: string;
  readonly campaigns: CampaignRepository;
  readonly journal: AttemptJournal;
  /** Adding leads, by hand and by CSV import. */
  readonly leadIntake: LeadImportStore & LeadAddStore;
  readonly leadImports: LeadImportRepository;
  readonly leadOperations: LeadOperations;
  readonly dncLists: DncListStore;
  readonly dncEntries: DncRepository;
  readonly recordings: RecordingRepository;
  readonly campaignControl: CampaignControlStore;
  readonly campaignEditing: CampaignEditingStore;
  readonly leadRecovery: LeadRecoveryStore;
  /** This node's lease where several nodes share the database; null on SQLite (one node). */
  readonly nodeLeases: NodeLeaseStore | null;
  /** The scheduler's store; it claims leads in the journal's group commit. */
  readonly dialing: DialingStore;
  readonly campaignStats: CampaignStatsReader;
  readonly leadList: LeadListReader;
  readonly attemptList: AttemptListReader;
  readonly optOuts: OptOutStore;
  readonly dncPages: DncPageReader;
  readonly evidenceAttempts: EvidenceAttemptReader;
  readonly metricsReader: MetricsReader;
  /** Abandoned calls, each counted against `thresholdMs` (DIALSTATE_ABANDON_THRESHOLD_MS). */
  abandonment(thresholdMs: number): AbandonmentReader;
  /** Finishes, in the background, the lead imports a previous run left merging. */
  resumeImportMerges(deps: { log: Logger; now: () => number }): ImportMergeResumer;
  /** Removes, in the background, the campaigns deleted before and those deleted from now on. */
  startCampaignPurger(deps: { log: Logger }): CampaignPurger;
  /** A trivial query; rejects when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An object whose every property is built by its builder the first time it is read, and
 * is that same value from then on.
 */
function builtOnFirstUse<T extends object>(builders: { [K in keyof T]: () => T[K] }): T {
  const parts = {} as T;
  for (const name of Object.keys(builders) as (keyof T & string)[]) {
    Object.defineProperty(parts, name, {
      enumerable: true,
      configurable: true,
      get() {
        const value = builders[name]();
        Object.defineProperty(parts, name, { value, enumerable: true });
        return value;
      },
    });
  }
  return parts;
}

/**
 * The parts whose adapter depends on the dialect. SQLite's run on the connection's
 * prepared statements (group commit, staging files, sliced deletes).
 */
type DialectParts = Pick<
  DatabaseParts,
  | 'journal'
  | 'leadIntake'
  | 'dncLists'
  | 'dialing'
  | 'nodeLeases'
  | 'resumeImportMerges'
  | 'startCampaignPurger'
>;

/** The parts of every dialect alike: plain Kysely over `db`. */
type SharedParts = Omit<
  DatabaseParts,
  keyof DialectParts | 'dialect' | 'location' | 'ping' | 'close' | 'abandonment'
>;

function sharedBuilders(db: Store['db']): { [K in keyof SharedParts]: () => SharedParts[K] } {
  return {
    campaigns: () => createCampaignRepository(db),
    leadImports: () => createLeadImportRepository(db),
    leadOperations: () => createLeadOperations(db),
    dncEntries: () => createDncRepository(db),
    recordings: () => createRecordingRepository(db),
    campaignControl: () => createCampaignControlStore(db),
    campaignEditing: () => createCampaignEditingStore(db),
    leadRecovery: () => createLeadRecoveryStore(db),
    campaignStats: () => createCampaignStatsReader(db),
    leadList: () => createLeadListReader(db),
    attemptList: () => createAttemptListReader(db),
    optOuts: () => createOptOutStore(db),
    dncPages: () => createDncPageReader(db),
    evidenceAttempts: () => createEvidenceAttemptReader(db),
    metricsReader: () => createMetricsReader(db),
  };
}

/** The parts over a SQLite store already open (and migrated). */
export function databaseParts(store: Store): DatabaseParts {
  const { db } = store;
  // Built once, for the runner and the claims alike: they share its group commit.
  let journal: ReturnType<typeof createAttemptJournal> | undefined;
  const sqliteJournal = () => {
    journal ??= createAttemptJournal(store);
    return journal;
  };
  const adapters: SharedParts &
    Pick<DialectParts, 'journal' | 'leadIntake' | 'dncLists' | 'dialing' | 'nodeLeases'> =
    builtOnFirstUse({
      ...sharedBuilders(db),
      journal: sqliteJournal,
      leadIntake: () => createLeadIntakeStore(store),
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

/** A node's lease when none is configured (ms; `DIALSTATE_NODE_LEASE_MS`'s default). */
const DEFAULT_NODE_LEASE_MS = 15_000;

/**
 * PostgreSQL's adapters of the dialect-specific parts, one for each (the type says so):
 * the journal is built once per node, for the runner and the claims alike, since they
 * share its group commit.
 */
const POSTGRES_PARTS: {
  [K in keyof DialectParts]: (postgres: PostgresStore, node: PostgresNode) => DialectParts[K];
} = {
  journal: ({ db }, node) => node.journal(db),
  dialing: ({ db }, node) => createDialingStore(db, createPostgresLeadClaimer(node.journal(db))),
  nodeLeases: ({ db }, node) =>
    createPostgresNodeLeases(db, { nodeId: node.nodeId, leaseMs: node.leaseMs }),
  leadIntake: ({ db }) => createPostgresLeadIntakeStore(db),
  dncLists: ({ db }) => createPostgresDncListStore(db),
  resumeImportMerges:
    ({ db }) =>
    (deps) =>
      resumePostgresImportMerges({ db, ...deps }),
  startCampaignPurger:
    ({ db }) =>
    (deps) =>
      startPostgresCampaignPurger({ db, ...deps }),
};

/**
 * This node on a shared PostgreSQL database: its name, and its journal, built once for
 * the runner and the claims alike (they share its group commit).
 */
interface PostgresNode {
  nodeId: string;
  /** How long its heartbeat keeps it alive (ms). */
  leaseMs: number;
  journal(db: PostgresStore['db']): PostgresAttemptJournal;
}

function postgresNode(nodeId: string, leaseMs: number): PostgresNode {
  let journal: PostgresAttemptJournal | undefined;
  return {
    nodeId,
    leaseMs,
    journal(db) {
      journal ??= createPostgresAttemptJournal(db, nodeId);
      return journal;
    },
  };
}

/** The parts over a PostgreSQL database already open (and migrated), for node `nodeId`. */
export function postgresDatabaseParts(
  postgres: PostgresStore,
  options: { nodeId: string; nodeLeaseMs?: number },
): DatabaseParts {
  const node = postgresNode(options.nodeId, options.nodeLeaseMs ?? DEFAULT_NODE_LEASE_MS);
  const dialectPart = <K extends keyof DialectParts>(part: K): DialectParts[K] =>
    POSTGRES_PARTS[part](postgres, node);
  const { db } = postgres;
  const adapters: SharedParts &
    Pick<DialectParts, 'journal' | 'leadIntake' | 'dncLists' | 'dialing' | 'nodeLeases'> =
    builtOnFirstUse({
      ...sharedBuilders(db),
      journal: () => dialectPart('journal'),
      leadIntake: () => dialectPart('leadIntake'),
      dncLists: () => dialectPart('dncLists'),
      dialing: () => dialectPart('dialing'),
      nodeLeases: () => dialectPart('nodeLeases'),
    });
  return Object.assign(adapters, {
    dialect: 'postgres' as const,
    location: postgres.displayUrl,
    abandonment: (thresholdMs: number) => createAbandonmentReader(db, thresholdMs),
    resumeImportMerges: dialectPart('resumeImportMerges'),
    startCampaignPurger: dialectPart('startCampaignPurger'),
    ping: () => pingDatabase(db),
    close: () => postgres.close(),
  });
}

/**
 * Opens the configured database — PostgreSQL when `db.url` is set, else SQLite at
 * `db.path` — and brings its schema up to date (the migrations applied are in `applied`).
 * `log` hears of SQLite's checkpoint thread ending unasked.
 */
export async function openDatabaseParts(
  db: Config['db'],
  log?: Logger,
): Promise<DatabaseParts & { applied: string[] }> {
  if (db.url === null) {
    const { store, applied } = await openMigratedStore({ ...db, log });
    return Object.assign(databaseParts(store), { applied });
  }
  const { postgres, applied } = await openMigratedPostgres(db.url);
  try {
    return Object.assign(
      postgresDatabaseParts(postgres, { nodeId: db.nodeId, nodeLeaseMs: db.nodeLeaseMs }),
      { applied },
    );
  } catch (error) {
    await postgres.close();
    throw error;
  }
}

/** Opens the PostgreSQL database at `url` and migrates it; closes it again when that fails. */
async function openMigratedPostgres(
  url: string,
): Promise<{ postgres: PostgresStore; applied: string[] }> {
  const postgres = openPostgres({ url });
  try {
    return { postgres, applied: await migratePostgresToLatest(postgres.db) };
  } catch (error) {
    await postgres.close();
    throw new Error(`could not open the PostgreSQL database at ${postgres.displayUrl}`, {
      cause: error,
    });
  }
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
  const { postgres, applied } = await openMigratedPostgres(db.url);
  await postgres.close();
  return { location: postgres.displayUrl, applied };
}

/** Runs `use` over the configured database and closes it after, whatever happens. */
export async function withDatabase<T>(
  db: Config['db'],
  use: (parts: DatabaseParts) => Promise<T>,
): Promise<T> {
  const parts = await openDatabaseParts(db);
  try {
    return await use(parts);
  } finally {
    await parts.close();
  }
}
