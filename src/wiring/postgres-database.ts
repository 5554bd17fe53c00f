import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createAbandonmentReader } from '../store/answered-calls.js';
import { pingDatabase } from '../store/database-ping.js';
import { createDialingStore } from '../store/dialing-store.js';
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
import type { DatabaseParts, DialectParts, SharedParts } from './database-parts.js';
import * as parts from './database-parts.js';

// The PostgreSQL side of the store's parts, in a module of its own: wiring/database.ts
// imports it only when DIALSTATE_DATABASE_URL is set, so that a command on SQLite never
// loads pg (~5 MB of RSS for `dialstate import`).

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

function postgresNode(nodeId: string, leaseMs: number, log?: Logger): PostgresNode {
  let journal: PostgresAttemptJournal | undefined;
  // A lost lock race is rerun (ADR 047, 048): worth a line, as a writer outside the
  // campaigns' lock order is what causes one.
  const onLockRace = (race: unknown) =>
    log?.warn({ err: race }, 'a group commit lost a lock race; its batch is run again');
  return {
    nodeId,
    leaseMs,
    journal(db) {
      journal ??= createPostgresAttemptJournal(db, nodeId, { onLockRace });
      return journal;
    },
  };
}

/** The parts over a PostgreSQL database already open (and migrated), for node `nodeId`. */
export function postgresDatabaseParts(
  postgres: PostgresStore,
  options: { nodeId: string; nodeLeaseMs?: number; log?: Logger },
): DatabaseParts {
  const node = postgresNode(
    options.nodeId,
    options.nodeLeaseMs ?? DEFAULT_NODE_LEASE_MS,
    options.log,
  );
  const dialectPart = <K extends keyof DialectParts>(part: K): DialectParts[K] =>
    POSTGRES_PARTS[part](postgres, node);
  const { db } = postgres;
  const adapters: SharedParts &
    Pick<DialectParts, 'journal' | 'leadIntake' | 'dncLists' | 'dialing' | 'nodeLeases'> =
    parts.builtOnFirstUse({
      ...parts.sharedBuilders(db),
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
 * Opens the PostgreSQL database at `db.url`, migrates it, and returns its parts for node
 * `db.nodeId` (the migrations applied are in `applied`).
 */
export async function openPostgresDatabaseParts(
  db: Config['db'] & { url: string },
  log?: Logger,
): Promise<DatabaseParts & { applied: string[] }> {
  const { postgres, applied } = await openMigratedPostgres(db.url, {
    maxConnections: db.poolSize,
    log,
  });
  try {
    return Object.assign(
      postgresDatabaseParts(postgres, {
        nodeId: db.nodeId,
        nodeLeaseMs: db.nodeLeaseMs,
        ...(log === undefined ? {} : { log }),
      }),
      { applied },
    );
  } catch (error) {
    await postgres.close();
    throw error;
  }
}

/** Brings the PostgreSQL database at `url` up to date and closes it (`dialstate migrate`). */
export async function migratePostgresDatabase(
  url: string,
  poolSize: number,
): Promise<{ location: string; applied: string[] }> {
  const { postgres, applied } = await openMigratedPostgres(url, { maxConnections: poolSize });
  await postgres.close();
  return { location: postgres.displayUrl, applied };
}

/** Opens the PostgreSQL database at `url` and migrates it; closes it again when that fails. */
async function openMigratedPostgres(
  url: string,
  pool: { maxConnections: number; log?: Logger },
): Promise<{ postgres: PostgresStore; applied: string[] }> {
  const postgres = openPostgres({ url, ...pool });
  try {
    return { postgres, applied: await migratePostgresToLatest(postgres.db) };
  } catch (error) {
    await postgres.close();
    throw new Error(`could not open the PostgreSQL database at ${postgres.displayUrl}`, {
      cause: error,
    });
  }
}
