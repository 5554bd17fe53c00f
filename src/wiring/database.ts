import type { NodeLeaseStore } from '../calls/node-lease.js';
import type { DialingStore, LeadRecoveryStore } from '../calls/ports.js';
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
import { createAttemptJournal, type SqliteAttemptJournal } from '../store/attempt-journal.js';
import { createAttemptListReader } from '../store/attempt-list.js';
import { createCampaignControlStore } from '../store/campaign-control-store.js';
import { createCampaignEditingStore } from '../store/campaign-editing-store.js';
import { createCampaignStatsReader } from '../store/campaign-stats.js';
import { createCampaignRepository } from '../store/campaigns.js';
import { pingDatabase } from '../store/database-ping.js';
import type { Store } from '../store/db.js';
import { createDialingStore } from '../store/dialing-store.js';
import { createDncRepository, type DncRepository } from '../store/dnc.js';
import { createDncListStore } from '../store/dnc-list-store.js';
import { createDncPageReader } from '../store/dnc-page-reader.js';
import { createEvidenceAttemptReader } from '../store/evidence-attempts.js';
import { createLeadImportRepository } from '../store/lead-imports.js';
import { createLeadIntakeStore } from '../store/lead-intake-store.js';
import { createLeadListReader } from '../store/lead-list.js';
import type { LeadOperations } from '../store/lead-operations.js';
import { createLeadOperations } from '../store/lead-operations.js';
import { createLeadRecoveryStore } from '../store/lead-recovery-store.js';
import { createMetricsReader, type MetricsReader } from '../store/metrics-reader.js';
import { openMigratedStore } from '../store/open-migrated-store.js';
import { createOptOutStore } from '../store/opt-outs.js';
import { createRecordingRepository, type RecordingRepository } from '../store/recordings.js';

/**
 * The store's adapters over one open database, for the server and every command alike:
 * each is built the first time it is asked for, so a command pays only for what it uses.
 */
export interface DatabaseParts {
  readonly store: Store;
  readonly campaigns: CampaignRepository;
  readonly journal: SqliteAttemptJournal;
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

/** The parts over a store already open (and migrated). */
export function databaseParts(store: Store): DatabaseParts {
  const { db } = store;
  const adapters: Omit<DatabaseParts, 'store' | 'ping' | 'close' | 'abandonment'> = builtOnFirstUse(
    {
      campaigns: () => createCampaignRepository(db),
      journal: () => createAttemptJournal(store),
      leadIntake: () => createLeadIntakeStore(store),
      leadImports: () => createLeadImportRepository(db),
      leadOperations: () => createLeadOperations(db),
      dncLists: () => createDncListStore(store),
      dncEntries: () => createDncRepository(db),
      recordings: () => createRecordingRepository(db),
      campaignControl: () => createCampaignControlStore(db),
      campaignEditing: () => createCampaignEditingStore(db),
      leadRecovery: () => createLeadRecoveryStore(db),
      nodeLeases: () => null,
      dialing: () => createDialingStore(db, adapters.journal),
      campaignStats: () => createCampaignStatsReader(db),
      leadList: () => createLeadListReader(db),
      attemptList: () => createAttemptListReader(db),
      optOuts: () => createOptOutStore(db),
      dncPages: () => createDncPageReader(db),
      evidenceAttempts: () => createEvidenceAttemptReader(db),
      metricsReader: () => createMetricsReader(db),
    },
  );
  return Object.assign(adapters, {
    store,
    abandonment: (thresholdMs: number) => createAbandonmentReader(db, thresholdMs),
    ping: () => pingDatabase(db),
    close: () => store.close(),
  });
}

/**
 * Opens the configured database and brings its schema up to date (the names of the
 * migrations applied are in `applied`).
 */
export async function openDatabaseParts(
  db: Config['db'],
): Promise<DatabaseParts & { applied: string[] }> {
  const { store, applied } = await openMigratedStore(db);
  return Object.assign(databaseParts(store), { applied });
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
