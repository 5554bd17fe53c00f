/**
 * Pacing arithmetic for the scheduler: how many calls may be live, how often a campaign
 * may originate, and which running campaign takes the next turn. Every live attempt
 * (ringing, AMD, consent, talking) counts once, both in its campaign and globally.
 */

/** A campaign's pacing settings and where it stands. */
export interface CampaignPacing {
  /** Most attempts of this campaign live at once. */
  maxConcurrent: number;
  /** Least time between two originates of this campaign (ms). */
  minIntervalMs: number;
  /** Attempts of this campaign live now. */
  live: number;
  /** Epoch ms of this campaign's latest originate; null when it has not originated yet. */
  lastOriginateAt: number | null;
}

/** The channel cap shared by all campaigns. */
export interface GlobalPacing {
  /** Most attempts live at once across all campaigns. */
  maxChannels: number;
  /** Attempts live now across all campaigns. */
  live: number;
}

export interface PacingFacts {
  /** Epoch ms of the decision. */
  at: number;
  campaign: CampaignPacing;
  global: GlobalPacing;
}

/**
 * Whether the campaign may originate now. `retryAt` (epoch ms) is when pacing allows the
 * next originate; it is null at capacity, which frees up only when a live attempt ends.
 */
export type PacingVerdict =
  | { ok: true }
  | { ok: false; reason: 'atCampaignCapacity' | 'atGlobalCapacity'; retryAt: null }
  | { ok: false; reason: 'pacing'; retryAt: number };

/**
 * Decides whether a campaign may originate at `at`. Checks, in order: the campaign's
 * `maxConcurrent`, the global channel cap, then the interval since its last originate.
 * Comparisons are written so that a NaN anywhere holds the call back.
 */
export function pacingVerdict({ at, campaign, global }: PacingFacts): PacingVerdict {
  if (!(campaign.live < campaign.maxConcurrent)) {
    return { ok: false, reason: 'atCampaignCapacity', retryAt: null };
  }
  if (!(global.live < global.maxChannels)) {
    return { ok: false, reason: 'atGlobalCapacity', retryAt: null };
  }
  if (campaign.lastOriginateAt !== null) {
    const retryAt = campaign.lastOriginateAt + Math.max(0, campaign.minIntervalMs);
    if (!(at >= retryAt)) return { ok: false, reason: 'pacing', retryAt };
  }
  return { ok: true };
}

/** A running campaign that has a lead to call, with its pacing. */
export interface PacingCandidate extends CampaignPacing {
  campaignId: string;
  /**
   * Where this campaign's latest originate falls in a counter the caller bumps on every
   * originate of any campaign. It orders campaigns that originated within the same ms,
   * which a scheduler pass starting several calls at one `at` produces; without it those
   * ties go by id every time, and the same campaigns keep losing them.
   */
  lastOriginateSeq?: number;
}

/**
 * The campaign that takes the next turn, or, when none may originate now, the earliest
 * instant (epoch ms) at which pacing lets one; `retryAt` is null when every candidate is
 * at capacity, since only an ending attempt frees a slot.
 */
export type CampaignPick = { ok: true; campaignId: string } | { ok: false; retryAt: number | null };

/**
 * Fair turn-taking between campaigns: among those `pacingVerdict` lets originate at
 * `at`, the one that originated least recently (never counts as longest ago), ties
 * broken by `lastOriginateSeq`, then by `campaignId`. The caller records the originate
 * (live, lastOriginateAt, lastOriginateSeq) before picking again.
 */
export function pickNextCampaign(
  candidates: readonly PacingCandidate[],
  at: number,
  global: GlobalPacing,
): CampaignPick {
  let pick: PacingCandidate | undefined;
  let retryAt: number | null = null;
  for (const candidate of candidates) {
    const verdict = pacingVerdict({ at, campaign: candidate, global });
    if (verdict.ok) {
      if (pick === undefined || takesTurnBefore(candidate, pick)) pick = candidate;
    } else if (verdict.retryAt !== null) {
      retryAt = retryAt === null ? verdict.retryAt : Math.min(retryAt, verdict.retryAt);
    }
  }
  return pick ? { ok: true, campaignId: pick.campaignId } : { ok: false, retryAt };
}

function takesTurnBefore(a: PacingCandidate, b: PacingCandidate): boolean {
  const aLast = a.lastOriginateAt ?? Number.NEGATIVE_INFINITY;
  const bLast = b.lastOriginateAt ?? Number.NEGATIVE_INFINITY;
  if (aLast !== bLast) return aLast < bLast;
  const aSeq = a.lastOriginateSeq ?? 0;
  const bSeq = b.lastOriginateSeq ?? 0;
  return aSeq !== bSeq ? aSeq < bSeq : a.campaignId < b.campaignId;
}
