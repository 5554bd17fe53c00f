import type { Logger } from 'pino';
import type { DialingStatus } from '../campaign/dialing-status.js';
import type { CampaignControl } from '../dialer/campaign-control.js';
import type { DncListStore } from '../dialer/lead-intake-ports.js';
import type { Clock } from '../dialer/ports.js';
import type { RecordingLibrary } from '../media/recording-library.js';
import type { CampaignStatsReader } from '../store/campaign-stats.js';
import type { CampaignRepository } from '../store/campaigns.js';
import type { DncPageReader } from '../store/dnc-page-reader.js';
import type { HealthDeps } from './health-routes.js';
import type { LiveEventHub } from './live-event-hub.js';
import type { LiveFeed } from './live-feed.js';
import type { MetricsDeps } from './metrics-routes.js';
import type { SetupGuideDeps } from './setup-routes.js';

/**
 * What the HTTP API works with. The composition root (src/main.ts) provides it; tests
 * build it over a real database.
 */
export interface ApiDeps {
  campaigns: CampaignRepository;
  campaignStats: CampaignStatsReader;
  control: CampaignControl;
  /** Why the campaign is not starting a call now (the scheduler's answer); undefined if unknown. */
  dialingStatus(campaignId: string): Promise<DialingStatus | undefined>;
  /** The live feed's buffer and subscribers (`/api/events`). */
  liveHub: LiveEventHub;
  /** Tells live clients about changes the engine does not report itself (operator actions). */
  liveFeed: Pick<LiveFeed, 'campaignChanged'>;
  /** The recording library (uploads converted into the media folder). */
  recordings: RecordingLibrary;
  /** The do-not-call lists, as the DNC service changes them. */
  dncLists: DncListStore;
  dncPages: DncPageReader;
  setup: SetupGuideDeps;
  health: HealthDeps;
  metrics: MetricsDeps;
  clock: Clock;
  newId(): string;
  log: Logger;
}
