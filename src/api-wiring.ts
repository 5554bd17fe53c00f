import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AttemptRunner } from './dialer/attempt-runner.js';
import type { CampaignControl } from './dialer/campaign-control.js';
import type { CampaignScheduler } from './dialer/campaign-scheduler.js';
import type { Clock } from './dialer/ports.js';
import type { ApiDeps } from './http/api-deps.js';
import { campaignView, startOfCampaignDay } from './http/campaign-views.js';
import { createLiveEventHub, type LiveEventHub } from './http/live-event-hub.js';
import { createLiveFeed, type LiveFeed } from './http/live-feed.js';
import { createCampaignStatsReader } from './store/campaign-stats.js';
import { createCampaignRepository } from './store/campaigns.js';
import type { Store } from './store/db.js';

/** The live feed as wired to the engine. */
export interface LiveWiring {
  hub: LiveEventHub;
  feed: LiveFeed;
  /** Stops following the runner and drops pending counter updates. */
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
    stop() {
      unsubscribe();
      feed.stop();
    },
  };
}

/** The API's dependencies over the store and the running engine (part of the composition root). */
export function buildApiDeps(parts: {
  store: Store;
  control: CampaignControl;
  scheduler: Pick<CampaignScheduler, 'whyNotDialing'>;
  live: LiveWiring;
  clock: Clock;
  log: Logger;
  newId?: () => string;
}): ApiDeps {
  const { store, control, scheduler, clock, log } = parts;
  return {
    liveHub: parts.live.hub,
    liveFeed: parts.live.feed,
    campaigns: createCampaignRepository(store.db),
    campaignStats: createCampaignStatsReader(store.db),
    control,
    dialingStatus: (campaignId) => scheduler.whyNotDialing(campaignId),
    clock,
    newId: parts.newId ?? randomUUID,
    log: log.child({ component: 'http' }),
  };
}
