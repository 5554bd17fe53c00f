import type { Campaign } from '../campaign/campaign.js';
import { type GlobalPacing, type PacingCandidate, pickNextCampaign } from '../campaign/pacing.js';
import type { PbxLoad } from '../campaign/pbx-choice.js';
import type { CampaignClaimResult, ClaimForCampaign } from './campaign-claimer.js';
import type { PbxPlacement } from './pbx-placement.js';
import type { Clock } from './ports.js';

/**
 * The claiming half of a scheduler pass: campaigns take turns fairly by the order of their
 * latest originate, and the claims pacing allows at one instant go out together. It keeps
 * that order across passes, so a campaign's turn survives the pass that gave it.
 */
export interface ClaimRounds {
  /**
   * Claims and starts calls for `candidates` in fair turn while pacing, the global cap
   * and (several PBXs) a PBX allow; a candidate that can take no more leaves the list.
   */
  claimInTurn(
    candidates: Candidate[],
    global: GlobalPacing,
    pbxLoads: PbxLoad[] | null,
    wake: (at: number | null) => void,
  ): Promise<void>;
  /** Order of the campaign's latest originate, for fair turns within one ms; 0 before any. */
  turnOf(campaignId: string): number;
}

/**
 * Most claims issued together in one round of a pass: they share one transaction, which
 * holds the database (and the event loop) while it runs.
 */
const MAX_CLAIMS_PER_ROUND = 32;

/** A running campaign with a lead to call now, as pacing weighs it within a pass. */
export interface Candidate extends PacingCandidate {
  campaign: Campaign;
}

/** One claim of a round, with the campaign's turn before it (given back if it fails). */
interface Claim {
  candidate: Candidate;
  seq: number;
  previousSeq: number | undefined;
  previousAt: number | null;
  /** The PBX whose slot the claim holds (several PBXs), given back if it fails. */
  pbx: PbxLoad | undefined;
  claim: Promise<CampaignClaimResult>;
}

export function createClaimRounds(deps: {
  clock: Pick<Clock, 'now'>;
  claimFor: ClaimForCampaign;
  /** Several PBXs: where each call goes; undefined with one PBX. */
  placement: PbxPlacement | undefined;
  /** Whether the scheduler was stopped: no new round starts then. */
  stopped(): boolean;
}): ClaimRounds {
  const { clock, claimFor, placement } = deps;
  /** Order of each campaign's latest originate, for fair turns within one ms. */
  const originateSeqs = new Map<string, number>();
  let originates = 0;

  async function claimInTurn(
    candidates: Candidate[],
    global: GlobalPacing,
    pbxLoads: PbxLoad[] | null,
    wake: (at: number | null) => void,
  ): Promise<void> {
    while (candidates.length > 0 && !deps.stopped()) {
      const at = clock.now();
      // Every claim pacing allows now goes out in the same turn of the event loop, each
      // pick counted as a call started: claims issued together share one transaction
      // (one commit) of the group commit (ADR 008), where claims one after another paid
      // one commit each. A claim that comes back empty gives its slot back below.
      const round: Claim[] = [];
      while (round.length < MAX_CLAIMS_PER_ROUND) {
        const pick = pickNextCampaign(candidates, at, global);
        if (!pick.ok) {
          // At capacity (retryAt null) an ending attempt brings the next pass.
          wake(pick.retryAt);
          break;
        }
        const candidate = candidates.find((c) => c.campaignId === pick.campaignId);
        if (candidate === undefined) break;
        const placed =
          pbxLoads === null
            ? null
            : (placement?.place(candidate.campaign, pbxLoads, at, wake) ?? false);
        if (placed === false) {
          // No PBX of the campaign can take a call: out of this pass. A PBX back, a
          // hold lifted or an ending attempt brings the next one.
          candidates.splice(candidates.indexOf(candidate), 1);
          continue;
        }
        const previousSeq = candidate.lastOriginateSeq;
        const previousAt = candidate.lastOriginateAt;
        originates += 1;
        candidate.live += 1;
        candidate.lastOriginateAt = at;
        candidate.lastOriginateSeq = originates;
        global.live += 1;
        const claim = claimFor(candidate.campaign, at, placed?.pbx);
        round.push({
          candidate,
          seq: originates,
          previousSeq,
          previousAt,
          pbx: placed?.load,
          claim,
        });
      }
      if (round.length === 0) return;
      const results = await Promise.all(round.map((entry) => entry.claim));
      settleRound(round, results, candidates, global, wake);
    }
  }

  /**
   * After a round: each campaign's turn is that of its last call started; a campaign
   * whose claim came back empty is out of this pass, its slot given back.
   */
  function settleRound(
    round: readonly Claim[],
    results: readonly CampaignClaimResult[],
    candidates: Candidate[],
    global: GlobalPacing,
    wake: (at: number | null) => void,
  ): void {
    const turns = new Map<Candidate, { seq: number | undefined; at: number | null }>();
    round.forEach((entry, i) => {
      const claimed = results[i];
      const { candidate } = entry;
      if (!turns.has(candidate)) {
        turns.set(candidate, { seq: entry.previousSeq, at: entry.previousAt });
      }
      if (claimed?.started) {
        turns.set(candidate, { seq: entry.seq, at: candidate.lastOriginateAt });
        return;
      }
      global.live -= 1;
      candidate.live -= 1;
      if (entry.pbx) entry.pbx.live -= 1;
      const index = candidates.indexOf(candidate);
      if (index >= 0) candidates.splice(index, 1);
      wake(claimed?.retryAt ?? null);
    });
    for (const [candidate, turn] of turns) {
      candidate.lastOriginateSeq = turn.seq;
      candidate.lastOriginateAt = turn.at;
      if (turn.seq !== undefined) originateSeqs.set(candidate.campaignId, turn.seq);
    }
  }

  return {
    claimInTurn,
    turnOf: (campaignId) => originateSeqs.get(campaignId) ?? 0,
  };
}
