import type { Logger } from 'pino';
import type { AttemptJournal, Clock } from '../calls/ports.js';
import type { DialingStatus } from '../campaign/dialing-status.js';
import type { OptOutStore } from '../compliance/opt-out.js';
import type { CampaignControl } from '../control/campaign-control.js';
import type { LeadImportJobs } from '../intake/lead-import-jobs.js';
import type { DncListStore, LeadAddStore, LeadImportStore } from '../intake/lead-intake-ports.js';
import type { RecordingLibrary } from '../media/recording-library.js';
import type { AttemptListReader } from '../store/attempt-list.js';
import type { CampaignPurger } from '../store/campaign-purge.js';
import type { CampaignStatsReader } from '../store/campaign-stats.js';
import type { CampaignRepository } from '../store/campaigns.js';
import type { DncPageReader } from '../store/dnc-page-reader.js';
import type { EvidenceAttemptReader } from '../store/evidence-attempts.js';
import type { LeadImportRepository } from '../store/lead-imports.js';
import type { LeadListReader } from '../store/lead-list.js';
import type { LeadOperations } from '../store/lead-operations.js';
import type { CsvUploadLimits } from './csv-upload.js';
import type { HealthDeps } from './health-routes.js';
import type { LiveFanout } from './live-fanout.js';
import type { LiveFeed } from './live-feed.js';
import type { MetricsDeps } from './metrics-routes.js';
import type { SetupGuideDeps } from './setup-routes.js';

/**
 * What the HTTP API works with. The composition root (src/main.ts) provides it; tests
 * build it over a real database.
 */
export interface ApiDeps {
  campaigns: CampaignRepository;
  /** Removes deleted campaigns' rows in the background; woken after a delete. */
  campaignPurge: Pick<CampaignPurger, 'wake'>;
  campaignStats: CampaignStatsReader;
  control: CampaignControl;
  /** Why the campaign is not starting a call now (the scheduler's answer); undefined if unknown. */
  dialingStatus(campaignId: string): Promise<DialingStatus | undefined>;
  /** The live feed's delivery to `/api/events` clients. */
  liveFanout: LiveFanout;
  /** Tells live clients about changes the engine does not report itself (operator actions). */
  liveFeed: Pick<LiveFeed, 'campaignChanged' | 'leadsChanged'>;
  /** Leads with their latest attempt, a page at a time. */
  leadList: LeadListReader;
  /** The operator's actions on one lead: recycle, ignore, delete. */
  leadOperations: LeadOperations;
  /** Adding leads, by hand and by CSV import. */
  leadIntake: LeadImportStore & LeadAddStore;
  /** Lead import records and the issues of their rows. */
  leadImports: LeadImportRepository;
  /** Imports too large to answer in their request, running after it. */
  leadImportJobs: LeadImportJobs;
  /** How lead CSV uploads are received; files past `inMemoryBytes` are imported in the background. */
  leadUploads: CsvUploadLimits;
  attemptList: AttemptListReader;
  /** Attempts and their journals, for timelines and replay. */
  journal: Pick<AttemptJournal, 'loadAttempt' | 'loadEntries'>;
  /** The recording library (uploads converted into the media folder). */
  recordings: RecordingLibrary;
  /** The do-not-call lists, as the DNC service changes them. */
  dncLists: DncListStore;
  dncPages: DncPageReader;
  /** Callees' opt-outs asked during their call, and those of an attempt. */
  optOuts: OptOutStore;
  /** Which attempts consent evidence covers. */
  evidenceAttempts: EvidenceAttemptReader;
  setup: SetupGuideDeps;
  health: HealthDeps;
  metrics: MetricsDeps;
  clock: Clock;
  newId(): string;
  log: Logger;
}
