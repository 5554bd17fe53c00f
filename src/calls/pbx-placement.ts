import type { Logger } from 'pino';
import type { Campaign } from '../campaign/campaign.js';
import { choosePbx, type PbxChoice, type PbxLoad } from '../campaign/pbx-choice.js';
import type { ClaimPbx } from './campaign-claimer.js';
import type { Clock, DialingStore, PbxRoster } from './ports.js';

/**
 * How long a campaign keeps off a PBX on which its calls tripped the circuit breaker,
 * while it has another to dial on (ms). Then the PBX gets its calls again.
 */
export const PBX_TRIP_HOLD_MS = 60_000;

/**
 * Several PBXs (ADR 028): which PBX a campaign's next call goes to, and the PBXs each
 * campaign keeps off for a while because its calls tripped the circuit breaker there.
 * Kept apart from the scheduler's pass because the trips outlive a pass: they are set
 * by ended attempts and read by every later pass and by "why not dialing".
 */
export interface PbxPlacement {
  /**
   * The PBX a campaign's next call goes to, its slot counted in `pbxLoads`; false when
   * none can take it. Wakes the pass when a trip that keeps a PBX from it ends.
   */
  place(
    campaign: Campaign,
    pbxLoads: PbxLoad[],
    at: number,
    wake: (at: number | null) => void,
  ): { pbx: ClaimPbx; load: PbxLoad } | false;
  /** Whether one of the campaign's PBXs can take a call now, and which, as the roster stands. */
  choice(campaign: Campaign, at: number): PbxChoice;
  /**
   * A trip on one PBX keeps the campaign off it for a while; the campaign is paused only
   * when every PBX it may use is tripped (its own settings are at fault, or every PBX is).
   */
  trip(campaignId: string, pbx: string, reason: string): Promise<void>;
  /** Forgets the campaign's trips: it was paused, and starts afresh when started again. */
  forget(campaignId: string): void;
}

export function createPbxPlacement(deps: {
  roster: PbxRoster;
  store: Pick<DialingStore, 'loadCampaign'>;
  clock: Pick<Clock, 'now'>;
  log: Logger;
  /** Pauses a running campaign with the reason. */
  pause(campaignId: string, reason: string): Promise<void>;
}): PbxPlacement {
  const { roster, store, clock, log, pause } = deps;
  /** Until when each campaign keeps off a PBX its breaker tripped on. */
  const pbxTrips = new Map<string, Map<string, number>>();

  /** The PBXs a campaign keeps off now (its breaker tripped on them); wakes when one ends. */
  function trippedPbxs(
    campaignId: string,
    at: number,
    wake: (at: number | null) => void = () => {},
  ): Set<string> {
    const trips = pbxTrips.get(campaignId);
    const held = new Set<string>();
    if (trips === undefined) return held;
    for (const [pbx, until] of trips) {
      if (until > at) {
        held.add(pbx);
        wake(until);
      } else trips.delete(pbx);
    }
    if (trips.size === 0) pbxTrips.delete(campaignId);
    return held;
  }

  return {
    place(campaign, pbxLoads, at, wake) {
      const choice = choosePbx(pbxLoads, campaign.pbxs, trippedPbxs(campaign.id, at, wake));
      const load = choice.ok ? pbxLoads.find((pbx) => pbx.name === choice.pbx) : undefined;
      if (load === undefined) return false;
      load.live += 1;
      return { pbx: { name: load.name, identity: roster.identityOf(load.name) }, load };
    },
    choice: (campaign, at) =>
      choosePbx(roster.loads(), campaign.pbxs, trippedPbxs(campaign.id, at)),
    async trip(campaignId, pbx, reason) {
      const at = clock.now();
      const trips = pbxTrips.get(campaignId) ?? new Map<string, number>();
      trips.set(pbx, at + PBX_TRIP_HOLD_MS);
      pbxTrips.set(campaignId, trips);
      const loaded = await store.loadCampaign(campaignId);
      const allowed = loaded?.campaign.campaign.pbxs ?? null;
      const usable = roster
        .loads()
        .map((load) => load.name)
        .filter((name) => allowed === null || allowed.includes(name));
      const held = trippedPbxs(campaignId, at);
      if (usable.every((name) => held.has(name))) {
        await pause(campaignId, reason);
        return;
      }
      log.warn(
        { campaignId, pbx, reason, untilMs: PBX_TRIP_HOLD_MS },
        "campaign's calls keep failing on one PBX: it dials on the others",
      );
    },
    forget(campaignId) {
      pbxTrips.delete(campaignId);
    },
  };
}
