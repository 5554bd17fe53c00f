import { type DialingStatus, explainNotDialing } from '../campaign/dialing-status.js';
import { type AbandonCapHold, slowedPacing } from './abandon-cap-hold.js';
import type { ServerCompliance } from './claim-request.js';
import { circuitTripDetail } from './originate-circuit-breaker.js';
import type { PbxPlacement } from './pbx-placement.js';
import type { Clock, DialingStore } from './ports.js';
import type { WindowHolds } from './window-holds.js';

/** Why the campaign is not starting a call now; undefined when there is no such campaign. */
export type WhyNotDialing = (campaignId: string) => Promise<DialingStatus | undefined>;

/**
 * Answers "why is this campaign not dialing" from the same holds, caps and PBX trips the
 * scheduler's pass obeys, read at one instant without claiming: a question asked by the
 * API, apart from the pass that acts on the same facts.
 */
export function createWhyNotDialing(deps: {
  store: Pick<DialingStore, 'loadCampaign'>;
  clock: Pick<Clock, 'now'>;
  maxChannels: number;
  compliance: ServerCompliance;
  holds: Pick<WindowHolds, 'leadsOutsideWindow'>;
  abandonCap: Pick<AbandonCapHold, 'verdict'>;
  /** Several PBXs: where calls go; undefined with one PBX. */
  placement: PbxPlacement | undefined;
  /** Whether the ARI connection is up (one PBX). */
  ariConnected(): boolean;
  /** Whether database writes work. */
  storageWritable(): boolean;
  /** Why the one PBX is held from dialing though connected; null if not. */
  pbxHold(): string | null;
}): WhyNotDialing {
  const { store, clock, maxChannels, compliance, holds, abandonCap, placement } = deps;
  return async (campaignId) => {
    const loaded = await store.loadCampaign(campaignId);
    if (loaded === undefined) return undefined;
    const { campaign: state, live } = loaded;
    const at = clock.now();
    // A tripped breaker pauses the campaign; it stays open until the operator starts it.
    const trip = circuitTripDetail(state.campaign);
    const cap =
      state.campaign.status === 'running'
        ? await abandonCap.verdict(state.campaign, at)
        : ({ action: 'none' } as const);
    // Several PBXs: the campaign dials while one of its PBXs can take a call.
    const pbxChoice = placement === undefined ? null : placement.choice(state.campaign, at);
    return explainNotDialing({
      at,
      campaign: {
        ...state.campaign,
        blackoutDates: [...state.campaign.blackoutDates, ...compliance.blackoutDates],
        ...slowedPacing(state.campaign, cap),
        live: state.live,
        lastOriginateAt: state.lastOriginateAt,
      },
      abandonSlowed: cap.action === 'slow' ? cap.detail : null,
      global: { maxChannels, live },
      storageWritable: deps.storageWritable(),
      ariConnected: pbxChoice === null ? deps.ariConnected() : true,
      pbxHold:
        pbxChoice === null
          ? deps.pbxHold()
          : pbxChoice.ok
            ? null
            : `no PBX can take a call: ${pbxChoice.detail}`,
      circuitBreaker: trip === null ? { open: false } : { open: true, reason: trip, retryAt: null },
      nextDueAt: state.nextDueAt,
      nextDueWaitReason: state.nextDueWaitReason ?? null,
      leadsOutsideWindow: holds.leadsOutsideWindow(state.campaign, at),
    });
  };
}
