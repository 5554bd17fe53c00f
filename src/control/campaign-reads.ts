import type { Campaign, CampaignSettings, CampaignStatus } from '../campaign/campaign.js';
import type { LeadState } from '../campaign/retry-policy.js';

// Campaigns as the operator's services and the API read and write them; the store implements it.

/** Campaigns and their settings. */
export interface CampaignRepository {
  insert(campaign: Campaign): Promise<void>;
  get(id: string): Promise<Campaign | undefined>;
  /** Every campaign, oldest first. */
  list(): Promise<Campaign[]>;
  /** Changes the given settings; returns false when there is no such campaign. */
  update(id: string, settings: Partial<CampaignSettings>, at: number): Promise<boolean>;
  /**
   * Moves a campaign from `from` to `to` (compare-and-set): returns false, changing
   * nothing, when the campaign is not in `from` (or does not exist). Checking that the
   * transition is allowed is the caller's business.
   */
  changeStatus(
    id: string,
    from: CampaignStatus,
    to: CampaignStatus,
    reason: string | null,
    at: number,
  ): Promise<boolean>;
  /**
   * Deletes a campaign: from now on no reader sees it, and its leads, attempts and
   * imports are removed in the background (`startCampaignPurger`); false when there was
   * none.
   */
  delete(id: string, at: number): Promise<boolean>;
}

/** Counters of one campaign, as the API and UI show them. */
export interface CampaignStats {
  leads: Record<LeadState, number>;
  /** Ended attempts by outcome, all time and since `since`. */
  outcomes: Record<string, number>;
  outcomesSince: Record<string, number>;
  /** Open attempts by the top-level state they are in (`dialing`, `screening`, `talking`…). */
  live: Record<string, number>;
  liveTotal: number;
}

/** Read-only counters of campaigns. */
export interface CampaignStatsReader {
  /** The campaign's counters; `since` (epoch ms) bounds `outcomesSince`, e.g. local midnight. */
  stats(campaignId: string, since: number): Promise<CampaignStats>;
  /** Attempts of the campaign that have not ended. */
  countOpenAttempts(campaignId: string): Promise<number>;
}
