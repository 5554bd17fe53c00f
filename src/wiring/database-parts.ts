import type { Logger } from 'pino';
import type { NodeLeaseStore } from '../calls/node-lease.js';
import type { AttemptJournal, DialingStore, LeadRecoveryStore } from '../calls/ports.js';
import type { AbandonmentReader } from '../compliance/abandonment-reads.js';
import type { EvidenceAttemptReader } from '../compliance/consent-evidence.js';
import type { DncPageReader } from '../compliance/dnc-reads.js';
import type { OptOutStore } from '../compliance/opt-out.js';
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
import { createAttemptListReader } from '../store/attempt-list.js';
import { createCampaignControlStore } from '../store/campaign-control-store.js';
import { createCampaignEditingStore } from '../store/campaign-editing-store.js';
import type { CampaignPurger } from '../store/campaign-purge.js';
import { createCampaignStatsReader } from '../store/campaign-stats.js';
import { createCampaignRepository } from '../store/campaigns.js';
import type { StoreDialect } from '../store/dialect.js';
import { createDncRepository, type DncRepository } from '../store/dnc.js';
import { createDncPageReader } from '../store/dnc-page-reader.js';
import { createEvidenceAttemptReader } from '../store/evidence-attempts.js';
import type { ImportMergeResumer } from '../store/lead-import/lead-import-resume.js';
import { createLeadImportRepository } from '../store/lead-import/lead-imports.js';
import { createLeadListReader } from '../store/lead-list.js';
import type { LeadOperations } from '../store/lead-operations.js';
import { createLeadOperations } from '../store/lead-operations.js';
import { createLeadRecoveryStore } from '../store/lead-recovery-store.js';
import { createMetricsReader, type MetricsReader } from '../store/metrics-reader.js';
import { createOptOutStore } from '../store/opt-outs.js';
import { createRecordingRepository, type RecordingRepository } from '../store/recordings.js';
import type { Store } from '../store/sqlite/db.js';

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
export function builtOnFirstUse<T extends object>(builders: { [K in keyof T]: () => T[K] }): T {
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
export type DialectParts = Pick<
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
export type SharedParts = Omit<
  DatabaseParts,
  keyof DialectParts | 'dialect' | 'location' | 'ping' | 'close' | 'abandonment'
>;

export function sharedBuilders(db: Store['db']): {
  [K in keyof SharedParts]: () => SharedParts[K];
} {
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
