import type { Logger } from 'pino';
import { endDateCompletionReason } from '../campaign/campaign-lifecycle.js';
import type { CampaignDialingState, Clock, DialingStore } from './ports.js';

/**
 * Completes a running campaign that has nothing left to dial, once no call of it is
 * live: when no lead is pending or dialing (whatever the calling window says: a finished
 * campaign is finished), or when its end date has passed (every lead would then wait
 * outside its window for ever; the pending ones stay pending, so extending the date and
 * starting again calls them). Returns whether the campaign is done dialing, completed or
 * not yet: the scheduler then claims nothing for it.
 */
export type CompleteIfDone = (state: CampaignDialingState, at: number) => Promise<boolean>;

export function createCampaignCompletion(deps: {
  store: Pick<DialingStore, 'completeCampaignIfFinished' | 'completeCampaignPastEnd'>;
  clock: Clock;
  log: Logger;
}): CompleteIfDone {
  const { store, clock, log } = deps;
  return async (state, at) => {
    const { campaign } = state;
    const finished = state.nextDueAt === null;
    const ended = finished ? null : endDateCompletionReason(campaign, at);
    if (!finished && ended === null) return false;
    if (state.hasDialingLeads || state.live > 0) return true;
    const completed =
      ended === null
        ? await store.completeCampaignIfFinished(campaign.id, clock.now())
        : await store.completeCampaignPastEnd(campaign.id, ended, clock.now());
    if (completed) {
      log.info(
        { campaignId: campaign.id },
        ended === null
          ? 'campaign completed: every lead is finished'
          : 'campaign completed: its end date passed',
      );
    }
    return true;
  };
}
