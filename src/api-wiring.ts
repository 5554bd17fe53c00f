import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { Logger } from 'pino';
import type { AttemptRunner } from './calls/attempt-runner.js';
import type { CampaignScheduler } from './calls/campaign-scheduler.js';
import type { Clock } from './calls/ports.js';
import type { StorageStatus } from './calls/storage-health.js';
import type { CampaignControl } from './control/campaign-control.js';
import type { ApiDeps } from './http/api-deps.js';
import { campaignView, startOfCampaignDay } from './http/campaign-views.js';
import type { CsvUploadLimits } from './http/csv-upload.js';
import type { HealthDeps } from './http/health-routes.js';
import { createImportFeed } from './http/import-feed.js';
import { createLiveEventHub, type LiveEventHub } from './http/live-event-hub.js';
import { createLiveFanout, type LiveFanout } from './http/live-fanout.js';
import { createLiveFeed, type LiveFeed } from './http/live-feed.js';
import type { MetricsDeps } from './http/metrics-routes.js';
import type { SetupGuideDeps } from './http/setup-routes.js';
import { DEFAULT_CSV_LIMITS } from './intake/csv-reader.js';
import { createLeadImportJobs } from './intake/lead-import-jobs.js';
import type { RecordingLibrary } from './media/recording-library.js';
import { createDialstateMetrics, type DialstateMetrics } from './metrics/dialstate-metrics.js';
import { createAttemptJournal } from './store/attempt-journal.js';
import { createAttemptListReader } from './store/attempt-list.js';
import { createCampaignStatsReader } from './store/campaign-stats.js';
import { createCampaignRepository } from './store/campaigns.js';
import { pingDatabase } from './store/database-ping.js';
import type { Store } from './store/db.js';
import { createDncListStore } from './store/dnc-list-store.js';
import { createDncPageReader } from './store/dnc-page-reader.js';
import { createEvidenceAttemptReader } from './store/evidence-attempts.js';
import { createLeadImportRepository } from './store/lead-imports.js';
import { createLeadIntakeStore } from './store/lead-intake-store.js';
import { createLeadListReader } from './store/lead-list.js';
import { createLeadOperations } from './store/lead-operations.js';
import { createMetricsReader } from './store/metrics-reader.js';
import { createOptOutStore } from './store/opt-outs.js';

/** Longest `/health` waits for the database's answer (ms). */
const HEALTH_DATABASE_TIMEOUT_MS = 2_000;
/**
 * Lead CSV uploads up to 1 MiB (some 15,000 rows) are imported while the request waits;
 * larger ones are spooled to a file and imported in the background, two at most at once.
 */
const LEAD_UPLOADS: Omit<CsvUploadLimits, 'spoolDir'> = {
  maxBytes: DEFAULT_CSV_LIMITS.maxBytes,
  inMemoryBytes: 1024 * 1024,
};
const MAX_BACKGROUND_IMPORTS = 2;

/** The live feed as wired to the engine. */
export interface LiveWiring {
  hub: LiveEventHub;
  feed: LiveFeed;
  fanout: LiveFanout;
  /** Stops following the runner, drops pending counter updates and ends the clients' streams. */
  stop(): void;
}

/**
 * The live feed over the engine: every committed attempt transition goes to
 * `/api/events` clients, with the campaign's status and counters after it.
 */
export function wireLiveFeed(parts: {
  store: Store;
  runner: Pick<AttemptRunner, 'onTransition'>;
  clock: Clock;
  log: Logger;
}): LiveWiring {
  const { store, clock } = parts;
  const campaigns = createCampaignRepository(store.db);
  const stats = createCampaignStatsReader(store.db);
  const hub = createLiveEventHub({ boot: randomUUID().slice(0, 8) });
  const fanout = createLiveFanout({ hub });
  const feed = createLiveFeed({
    hub,
    clock,
    log: parts.log,
    async readCampaign(campaignId) {
      const campaign = await campaigns.get(campaignId);
      if (campaign === undefined) return undefined;
      const since = startOfCampaignDay(campaign, clock.now());
      const { outcomesSince, ...counters } = await stats.stats(campaignId, since);
      return {
        campaign: campaignView(campaign),
        stats: { ...counters, outcomesToday: outcomesSince },
      };
    },
  });
  const unsubscribe = parts.runner.onTransition((transition) => feed.attemptTransition(transition));
  return {
    hub,
    feed,
    fanout,
    stop() {
      unsubscribe();
      feed.stop();
      fanout.stop();
    },
  };
}

/**
 * The metrics of `/metrics` over the engine. Wire it as soon as the runner exists: the
 * counters follow transitions from then on.
 */
export function wireMetrics(parts: {
  store: Store;
  runner: Pick<AttemptRunner, 'onTransition'>;
  clock: Clock;
  ariConnected: () => boolean;
  storage: () => StorageStatus;
  log: Logger;
  processMetrics?: boolean;
}): DialstateMetrics {
  return createDialstateMetrics({
    runner: parts.runner,
    reader: createMetricsReader(parts.store.db),
    clock: parts.clock,
    ariConnected: parts.ariConnected,
    storage: parts.storage,
    log: parts.log.child({ component: 'metrics' }),
    processMetrics: parts.processMetrics ?? false,
  });
}

/** The API's dependencies over the store and the running engine (part of the composition root). */
export function buildApiDeps(parts: {
  store: Store;
  control: CampaignControl;
  campaignPurge: ApiDeps['campaignPurge'];
  scheduler: Pick<CampaignScheduler, 'whyNotDialing' | 'status'>;
  live: LiveWiring;
  recordings: RecordingLibrary;
  setup: SetupGuideDeps;
  ariStatus: HealthDeps['ari'];
  storage: HealthDeps['storage'];
  metrics: MetricsDeps;
  clock: Clock;
  log: Logger;
  newId?: () => string;
  /** Lead upload limits; large uploads are spooled to the OS temp folder by default. */
  leadUploads?: Partial<CsvUploadLimits>;
}): ApiDeps {
  const { store, control, scheduler, clock, log } = parts;
  const newId = parts.newId ?? randomUUID;
  const leadIntake = createLeadIntakeStore(store);
  return {
    liveFanout: parts.live.fanout,
    liveFeed: parts.live.feed,
    campaigns: createCampaignRepository(store.db),
    campaignPurge: parts.campaignPurge,
    campaignStats: createCampaignStatsReader(store.db),
    control,
    dialingStatus: (campaignId) => scheduler.whyNotDialing(campaignId),
    leadList: createLeadListReader(store.db),
    leadOperations: createLeadOperations(store.db),
    leadIntake,
    leadImports: createLeadImportRepository(store.db),
    leadImportJobs: createLeadImportJobs({
      store: leadIntake,
      clock,
      newImportId: newId,
      log: log.child({ component: 'lead-import' }),
      maxRunning: MAX_BACKGROUND_IMPORTS,
      // Background imports report on /api/events, so the web UI never polls for them.
      onChange: createImportFeed({ hub: parts.live.hub, clock }),
    }),
    leadUploads: { ...LEAD_UPLOADS, spoolDir: tmpdir(), ...parts.leadUploads },
    attemptList: createAttemptListReader(store.db),
    journal: createAttemptJournal(store),
    recordings: parts.recordings,
    dncLists: createDncListStore(store),
    dncPages: createDncPageReader(store.db),
    optOuts: createOptOutStore(store.db),
    evidenceAttempts: createEvidenceAttemptReader(store.db),
    setup: parts.setup,
    health: {
      pingDatabase: () => pingDatabase(store.db),
      storage: parts.storage,
      ari: parts.ariStatus,
      scheduler: () => scheduler.status(),
      simulated: parts.setup.simulated,
      databaseTimeoutMs: HEALTH_DATABASE_TIMEOUT_MS,
    },
    metrics: parts.metrics,
    clock,
    newId,
    log: log.child({ component: 'http' }),
  };
}
