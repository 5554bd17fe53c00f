import type { Logger } from 'pino';
import { validateBlackoutDates } from '../campaign/blackout-dates.js';
import { validateCallingWindow } from '../campaign/calling-window.js';
import type { Campaign } from '../campaign/campaign.js';
import { validateFrequencyCaps } from '../campaign/frequency-caps.js';
import type { DialIdentity, PlayableMedia } from './attempt-input.js';
import type { AttemptRunner } from './attempt-runner.js';
import { planStart } from './attempt-step-plan.js';
import { prepareClaim, resolveCampaignMedia, type ServerCompliance } from './claim-request.js';
import type { DialingStore } from './ports.js';
import type { WindowHolds } from './window-holds.js';

/** What one claim for a campaign came to: a call started, or when to look again. */
export type CampaignClaimResult = { started: true } | { started: false; retryAt: number | null };

/** The PBX a claim's call goes to, with what its calls carry of it. */
export interface ClaimPbx {
  name: string;
  identity: DialIdentity;
}

/**
 * Claims and starts one call of a running campaign whose pacing allows one now, on `pbx`
 * when given (several PBXs), else with the claimer's identity.
 */
export type ClaimForCampaign = (
  campaign: Campaign,
  at: number,
  pbx?: ClaimPbx,
) => Promise<CampaignClaimResult>;

/**
 * Creates the claimer. It fails closed: settings that would make every call wrong (an
 * invalid calling window, blackout calendar or frequency caps, a consent or voicemail
 * recording missing from the library) pause the campaign with the reason instead of
 * dialing. When every due lead is outside
 * its own window it records a hold and says when the first opens.
 */
export function createCampaignClaimer(deps: {
  store: Pick<DialingStore, 'claimNextLead'>;
  runner: Pick<AttemptRunner, 'start' | 'startClaimed'>;
  log: Logger;
  identity: DialIdentity;
  findMedia(recordingId: string): Promise<PlayableMedia | undefined>;
  newAttemptId(): string;
  holds: Pick<WindowHolds, 'hold'>;
  /** The server's blackout dates and frequency caps, checked at start (src/config.ts). */
  server: ServerCompliance;
  /** Pauses a running campaign with the reason. */
  pause(campaignId: string, reason: string): Promise<void>;
}): ClaimForCampaign {
  const { store, runner, log, holds, pause } = deps;
  return async (campaign, at, pbx) => {
    const windowProblems = validateCallingWindow(campaign);
    if (windowProblems.length > 0) {
      await pause(campaign.id, `the calling window is invalid: ${windowProblems.join('; ')}`);
      return { started: false, retryAt: null };
    }
    const calendarProblems = [
      ...validateBlackoutDates(campaign.blackoutDates),
      ...validateFrequencyCaps(campaign.frequencyCaps),
    ];
    if (calendarProblems.length > 0) {
      await pause(
        campaign.id,
        `the compliance settings are invalid: ${calendarProblems.join('; ')}`,
      );
      return { started: false, retryAt: null };
    }
    const media = await resolveCampaignMedia(campaign, deps.findMedia);
    if (!media.ok) {
      await pause(campaign.id, media.reason);
      return { started: false, retryAt: null };
    }
    const claim = prepareClaim({
      campaign,
      at,
      media,
      identity: pbx?.identity ?? deps.identity,
      newAttemptId: deps.newAttemptId,
      server: deps.server,
      ...(pbx === undefined ? {} : { pbx: pbx.name }),
    });
    // The attempt's first step is committed with its claim (ADR 044): the originate goes
    // out after that one commit rather than after the claim's and then its own.
    const result = await store.claimNextLead({
      ...claim.request,
      firstStep: (stored) => planStart(stored, at),
    });
    if (!result.ok) {
      const opening = claim.earliestOpening();
      // Every due lead looked at is outside its window (see WindowHolds).
      if (result.skipped > 0) holds.hold(campaign, at, opening);
      return { started: false, retryAt: opening };
    }
    const { attempt, first } = result;
    if (first !== undefined) {
      try {
        runner.startClaimed(attempt, first);
      } catch (error) {
        // The attempt is open in the journal: the next reconciliation settles it.
        log.error({ err: error, attemptId: attempt.attemptId }, 'claimed attempt did not start');
      }
      return { started: true };
    }
    // A store that does not write the first step: the runner commits it. Not awaited: that
    // commit joins the next claim's transaction. The runner orders the attempt's own
    // events, and its stop() waits for this one.
    runner.start(attempt).catch((error: unknown) => {
      // The attempt is open in the journal: the next reconciliation settles it.
      log.error({ err: error, attemptId: attempt.attemptId }, 'claimed attempt did not start');
    });
    return { started: true };
  };
}
