import type { Logger } from 'pino';
import type { DialingStatus } from '../campaign/dialing-status.js';
import type { CampaignControl } from '../dialer/campaign-control.js';
import type { Clock } from '../dialer/ports.js';
import type { CampaignStatsReader } from '../store/campaign-stats.js';
import type { CampaignRepository } from '../store/campaigns.js';
import type { LiveEventHub } from './live-event-hub.js';
import type { LiveFeed } from './live-feed.js';

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
  clock: Clock;
  newId(): string;
  log: Logger;
}
