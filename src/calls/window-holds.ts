import type { Campaign } from '../campaign/campaign.js';

/**
 * Campaigns whose due leads were all outside the calling window of their own time zone
 * at the latest claim. Rather than reading those leads again in every pass (one per
 * ended call), the scheduler leaves such a campaign alone until the first lead's window
 * opens, the next poll, or the campaign's settings change, whichever comes first; and
 * "why not dialing" says so meanwhile.
 */
export interface WindowHolds {
  /** Records that every due lead of `campaign` was outside its window at `at`. */
  hold(campaign: Campaign, at: number, opensAt: number | null): void;
  /**
   * Until when the scheduler should leave the campaign alone (epoch ms); null when it
   * should try a claim, and the hold is then forgotten.
   */
  heldUntil(campaign: Campaign, at: number): number | null;
  /**
   * What the latest claim found, while it still holds: the campaign's settings are
   * unchanged and the first lead's window has not opened since. Null otherwise.
   */
  leadsOutsideWindow(campaign: Campaign, at: number): { opensAt: number | null } | null;
}

/** Creates the holds; none outlasts `pollIntervalMs` (ms) without a fresh claim. */
export function createWindowHolds(pollIntervalMs: number): WindowHolds {
  /** `opensAt`: the first lead's opening, null when none opens again; `until`: the next look. */
  const holds = new Map<string, { until: number; opensAt: number | null; updatedAt: number }>();

  const current = (campaign: Campaign) => {
    const hold = holds.get(campaign.id);
    return hold !== undefined && hold.updatedAt === campaign.updatedAt ? hold : undefined;
  };

  return {
    hold(campaign, at, opensAt) {
      const until = Math.min(opensAt ?? Number.POSITIVE_INFINITY, at + pollIntervalMs);
      holds.set(campaign.id, { until, opensAt, updatedAt: campaign.updatedAt });
    },
    heldUntil(campaign, at) {
      const hold = current(campaign);
      if (hold !== undefined && hold.until > at) return hold.until;
      holds.delete(campaign.id);
      return null;
    },
    leadsOutsideWindow(campaign, at) {
      const hold = current(campaign);
      if (hold === undefined || (hold.opensAt !== null && hold.opensAt <= at)) return null;
      return { opensAt: hold.opensAt };
    },
  };
}
