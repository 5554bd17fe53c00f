import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { Logger } from 'pino';
import type { AttemptRunner } from '../calls/attempt-runner.js';
import type { CampaignScheduler } from '../calls/campaign-scheduler.js';
import type { Clock } from '../calls/ports.js';
import type { StorageStatus } from '../calls/storage-health.js';
import type { CampaignControl } from '../control/campaign-control.js';
import { createCampaignEditing } from '../control/campaign-editing.js';
import { createLeadControl } from '../control/lead-control.js';
import type { ApiRouters } from '../http/app.js';
import { campaignView, startOfCampaignDay } from '../http/campaign-views.js';
import type { CsvUploadLimits } from '../http/csv-upload.js';
import type { HealthDeps } from '../http/health-routes.js';
import { createImportFeed } from '../http/import-feed.js';
import { createLiveEventHub, type LiveEventHub } from '../http/live-event-hub.js';
import { createLiveFanout, type LiveFanout } from '../http/live-fanout.js';
import { createLiveFeed, type LiveFeed } from '../http/live-feed.js';
import type { MetricsDeps } from '../http/metrics-routes.js';
import type { SetupGuideDeps } from '../http/setup-routes.js';
import { DEFAULT_CSV_LIMITS } from '../intake/csv-reader.js';
import { createLeadImportJobs, type LeadImportJobs } from '../intake/lead-import-jobs.js';
import { DEFAULT_ABANDON_THRESHOLD_MS } from '../machines/call-timing.js';
import type { RecordingLibrary } from '../media/recording-library.js';
import {
  createDialstateMetrics,
  type DialstateMetrics,
  type DialstateMetricsDeps,
} from '../metrics/dialstate-metrics.js';
import type { DatabaseParts } from './database.js';

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
  database: Pick<DatabaseParts, 'campaigns' | 'campaignStats'>;
  runner: Pick<AttemptRunner, 'onTransition'>;
  clock: Clock;
  log: Logger;
}): LiveWiring {
  const { clock } = parts;
  const { campaigns, campaignStats: stats } = parts.database;
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
  database: Pick<DatabaseParts, 'metricsReader' | 'abandonment'>;
  /** How soon a person must be attended (DIALSTATE_ABANDON_THRESHOLD_MS); 2 s by default. */
  abandonThresholdMs?: number;
  runner: Pick<AttemptRunner, 'onTransition'>;
  clock: Clock;
  ariConnected: () => boolean;
  /** Several PBXs: each one's connection and load, for the gauges labelled `pbx`. */
  pbxs?: DialstateMetricsDeps['pbxs'];
  storage: () => StorageStatus;
  log: Logger;
  processMetrics?: boolean;
}): DialstateMetrics {
  return createDialstateMetrics({
    runner: parts.runner,
    reader: parts.database.metricsReader,
    abandonment: parts.database.abandonment(
      parts.abandonThresholdMs ?? DEFAULT_ABANDON_THRESHOLD_MS,
    ),
    clock: parts.clock,
    ariConnected: parts.ariConnected,
    ...(parts.pbxs ? { pbxs: parts.pbxs } : {}),
    storage: parts.storage,
    log: parts.log.child({ component: 'metrics' }),
    processMetrics: parts.processMetrics ?? false,
  });
}

/** The API's routers over the store and the running engine, each with what it uses. */
export function buildApiRouters(parts: {
  database: DatabaseParts;
  /** How soon a person must be attended (DIALSTATE_ABANDON_THRESHOLD_MS); 2 s by default. */
  abandonThresholdMs?: number;
  control: CampaignControl;
  scheduler: Pick<CampaignScheduler, 'whyNotDialing' | 'status'>;
  live: LiveWiring;
  recordings: RecordingLibrary;
  setup: SetupGuideDeps;
  ariStatus: HealthDeps['ari'];
  /** Several PBXs: each one for `/health`. */
  pbxStatus?: HealthDeps['pbxs'];
  storage: HealthDeps['storage'];
  metrics: MetricsDeps;
  clock: Clock;
  log: Logger;
  newId?: () => string;
  /** Lead upload limits; large uploads are spooled to the OS temp folder by default. */
  leadUploads?: Partial<CsvUploadLimits>;
}): { routers: ApiRouters; leadImportJobs: LeadImportJobs } {
  const { database, control, scheduler, clock, recordings } = parts;
  const newId = parts.newId ?? randomUUID;
  const log = parts.log.child({ component: 'http' });
  const liveFeed = parts.live.feed;
  const abandonThresholdMs = parts.abandonThresholdMs ?? DEFAULT_ABANDON_THRESHOLD_MS;
  const { campaigns, campaignStats, leadList, attemptList, journal, optOuts, leadIntake } =
    database;
  const leadImportJobs = createLeadImportJobs({
    store: leadIntake,
    clock,
    newImportId: newId,
    log: parts.log.child({ component: 'lead-import' }),
    maxRunning: MAX_BACKGROUND_IMPORTS,
    // Background imports report on /api/events, so the web UI never polls for them.
    onChange: createImportFeed({ hub: parts.live.hub, clock }),
  });
  const leadControl = createLeadControl({
    store: database.leadOperations,
    clock,
    log: parts.log.child({ component: 'control' }),
  });
  const routers: ApiRouters = {
    campaigns: {
      campaigns,
      campaignStats,
      abandonment: database.abandonment(abandonThresholdMs),
      abandonThresholdMs,
      control,
      editing: createCampaignEditing({
        store: database.campaignEditing,
        clock,
        newId,
        log: parts.log.child({ component: 'control' }),
      }),
      dialingStatus: (campaignId) => scheduler.whyNotDialing(campaignId),
      liveFeed,
      clock,
    },
    campaignActions: { campaigns, control, liveFeed },
    events: parts.live.fanout,
    recordings: { recordings, log },
    dnc: {
      dncLists: database.dncLists,
      dncPages: database.dncPages,
      campaigns,
      clock,
      log,
    },
    optOuts: { optOuts, clock, log },
    setup: { setup: parts.setup, clock },
    leads: {
      leadList,
      leadControl,
      control,
      campaigns,
      attemptList,
      leadIntake,
      liveFeed,
      clock,
      newId,
      log,
    },
    leadImports: {
      campaigns,
      leadImports: database.leadImports,
      leadImportJobs,
      leadIntake,
      leadUploads: { ...LEAD_UPLOADS, spoolDir: tmpdir(), ...parts.leadUploads },
      liveFeed,
      clock,
      newId,
      log,
    },
    leadCsv: { campaigns, leadList, log },
    attempts: { attemptList, campaigns, journal, control, liveFeed, log },
    evidence: {
      journal,
      optOuts,
      recordings,
      evidenceAttempts: database.evidenceAttempts,
      campaigns,
      log,
    },
    health: {
      health: {
        pingDatabase: () => database.ping(),
        storage: parts.storage,
        ari: parts.ariStatus,
        ...(parts.pbxStatus ? { pbxs: parts.pbxStatus } : {}),
        scheduler: () => scheduler.status(),
        simulated: parts.setup.simulated,
        databaseTimeoutMs: HEALTH_DATABASE_TIMEOUT_MS,
      },
      clock,
      log,
    },
    metrics: { metrics: parts.metrics },
    log,
  };
  return { routers, leadImportJobs };
}
