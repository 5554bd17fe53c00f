import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CampaignControl } from './dialer/campaign-control.js';
import type { CampaignScheduler } from './dialer/campaign-scheduler.js';
import type { Clock } from './dialer/ports.js';
import type { ApiDeps } from './http/api-deps.js';
import { createCampaignStatsReader } from './store/campaign-stats.js';
import { createCampaignRepository } from './store/campaigns.js';
import type { Store } from './store/db.js';

/** The API's dependencies over the store and the running engine (part of the composition root). */
export function buildApiDeps(parts: {
  store: Store;
  control: CampaignControl;
  scheduler: Pick<CampaignScheduler, 'whyNotDialing'>;
  clock: Clock;
  log: Logger;
  newId?: () => string;
}): ApiDeps {
  const { store, control, scheduler, clock, log } = parts;
  return {
    campaigns: createCampaignRepository(store.db),
    campaignStats: createCampaignStatsReader(store.db),
    control,
    dialingStatus: (campaignId) => scheduler.whyNotDialing(campaignId),
    clock,
    newId: parts.newId ?? randomUUID,
    log: log.child({ component: 'http' }),
  };
}
