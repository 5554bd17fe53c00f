import {
  type AbandonCapVerdict,
  type AbandonCounts,
  type AbandonWindow,
  abandonCapVerdict,
  SLOWED_MAX_CONCURRENT,
} from '../campaign/abandon-cap.js';
import type { Campaign } from '../campaign/campaign.js';

/** Reads a campaign's abandoned-call counts over the rules' windows ending at `at`. */
export interface AbandonCountsSource {
  windows(campaignId: string, at: number): Promise<Record<AbandonWindow, AbandonCounts>>;
}

/** The prefix of the status reason of a campaign the cap paused. */
export const ABANDON_CAP_REASON_PREFIX = 'abandoned-call cap: ';

/** What the cap does to a campaign's dialing now. */
export interface AbandonCapHold {
  /** The campaign's verdict (none without a cap); counts are read at most once per `ttlMs`. */
  verdict(campaign: Campaign, at: number): Promise<AbandonCapVerdict>;
  /** Forgets the campaign's counts: one of its calls just ended. */
  invalidate(campaignId: string): void;
}

/** Pacing of a campaign, slowed when the cap says so. */
export function slowedPacing(
  campaign: Pick<Campaign, 'maxConcurrent' | 'minIntervalMs'>,
  verdict: AbandonCapVerdict,
): { maxConcurrent: number; minIntervalMs: number } {
  if (verdict.action !== 'slow') {
    return { maxConcurrent: campaign.maxConcurrent, minIntervalMs: campaign.minIntervalMs };
  }
  return {
    maxConcurrent: Math.min(campaign.maxConcurrent, SLOWED_MAX_CONCURRENT),
    minIntervalMs: campaign.minIntervalMs,
  };
}

/**
 * The scheduler's view of the abandoned-call cap. Counts are cached per campaign, read
 * again when one of its calls ends (the only thing that adds to them) or after `ttlMs`
 * (the windows roll on), so a pass does not query the database per campaign.
 */
export function createAbandonCapHold(source: AbandonCountsSource, ttlMs: number): AbandonCapHold {
  const cache = new Map<string, { at: number; windows: Record<AbandonWindow, AbandonCounts> }>();
  return {
    async verdict(campaign, at) {
      if (campaign.abandonCapPercent === null) return { action: 'none' };
      let cached = cache.get(campaign.id);
      if (cached === undefined || at - cached.at >= ttlMs || at < cached.at) {
        cached = { at, windows: await source.windows(campaign.id, at) };
        cache.set(campaign.id, cached);
      }
      return abandonCapVerdict(campaign.abandonCapPercent, cached.windows);
    },
    invalidate(campaignId) {
      cache.delete(campaignId);
    },
  };
}
