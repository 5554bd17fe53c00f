import type { BlackoutDate } from '../campaign/blackout-dates.js';
import type { Campaign } from '../campaign/campaign.js';
import { effectiveCaps, type FrequencyCaps } from '../campaign/frequency-caps.js';
import { callingZonesOf, checkLeadWindow } from '../campaign/lead-window.js';
import { ATTEMPT_MACHINE_VERSION } from '../machines/attempt.js';
import { createAttemptSnapshot, stateToString } from '../machines/attempt-step.js';
import { buildAttemptInput, type DialIdentity, type PlayableMedia } from './attempt-input.js';
import type { LeadClaimRequest } from './ports.js';

/** The recordings a campaign's calls play, looked up once per claim. */
export type CampaignMedia =
  | ({ ok: true } & CampaignRecordings)
  /** A recording the campaign needs is not in the library: nothing may be dialed. */
  | { ok: false; reason: string };

/** The recordings of a campaign's calls; the optional ones are absent or null when unset. */
export interface CampaignRecordings {
  consent: PlayableMedia | null;
  voicemail: PlayableMedia | null;
  /** The opt-out digit's confirmation. */
  optOut?: PlayableMedia | null;
  /** The safe-harbour message. */
  safeHarbour?: PlayableMedia | null;
}

/**
 * Finds the consent prompt, voicemail message, opt-out confirmation and safe-harbour
 * message of a campaign. Fails closed: a campaign that promises one of them whose
 * recording is missing gets no calls.
 */
export async function resolveCampaignMedia(
  campaign: Campaign,
  findMedia: (recordingId: string) => Promise<PlayableMedia | undefined>,
): Promise<CampaignMedia> {
  const lookup = async (part: 'consent' | 'voicemail') => {
    const { enabled, recordingId } = campaign[part];
    if (!enabled) return { ok: true as const, media: null };
    const media = recordingId === null ? undefined : await findMedia(recordingId);
    if (media !== undefined) return { ok: true as const, media };
    const which = part === 'consent' ? 'the consent gate' : 'voicemail drop';
    return {
      ok: false as const,
      reason:
        recordingId === null
          ? `${which} is on but no recording is chosen`
          : `${which} is on but its recording ${recordingId} is not in the library`,
    };
  };
  const consent = await lookup('consent');
  if (!consent.ok) return consent;
  const voicemail = await lookup('voicemail');
  if (!voicemail.ok) return voicemail;
  const optional = async (recordingId: string | null, which: string) => {
    if (recordingId === null) return { ok: true as const, media: null };
    const media = await findMedia(recordingId);
    if (media !== undefined) return { ok: true as const, media };
    return {
      ok: false as const,
      reason: `the ${which} recording ${recordingId} is not in the library`,
    };
  };
  // The confirmation is played only after the digit, which only the consent gate asks.
  const optOut = await optional(
    campaign.consent.enabled && campaign.optOutDigit !== null ? campaign.optOutRecordingId : null,
    'opt-out confirmation',
  );
  if (!optOut.ok) return optOut;
  const safeHarbour = await optional(campaign.safeHarbourRecordingId, 'safe-harbour');
  if (!safeHarbour.ok) return safeHarbour;
  return {
    ok: true,
    consent: consent.media,
    voicemail: voicemail.media,
    optOut: optOut.media,
    safeHarbour: safeHarbour.media,
  };
}

/** What the server's settings add to every campaign's claims. */
export interface ServerCompliance {
  /** Blackout dates of the whole server (`DIALSTATE_BLACKOUT_DATES`). */
  blackoutDates: readonly BlackoutDate[];
  /** Call-frequency caps of the whole server (`DIALSTATE_CAP_PER_*`); null = off. */
  frequencyCaps: FrequencyCaps;
}

/** A claim request for one campaign, and what its leads' calling windows said. */
export interface PreparedClaim {
  request: LeadClaimRequest;
  /** Earliest opening among the leads skipped as outside their window; null if none. */
  earliestOpening(): number | null;
}

/**
 * The claim of the next lead of `campaign` at `at`: each due lead is checked against
 * the calling window and the blackout dates (the campaign's and the server's) in its
 * own time zone, else in those of its number (all of them, when it may ring in
 * several), else the campaign's, at this moment and, when it may be called, gets its
 * attempt input fixed from the campaign and lead as they are now. A lead whose time
 * zone is unknown, whose number's zones never share an open window, or whose variables
 * are too large to hand over, can never be called: it is finished as failed with the
 * reason. The frequency caps go with the request, for the store to check at the claim.
 */
export function prepareClaim(args: {
  campaign: Campaign;
  at: number;
  media: CampaignRecordings;
  identity: DialIdentity;
  newAttemptId: () => string;
  server: ServerCompliance;
  /** The PBX chosen for the call, recorded in its input; absent with a single PBX. */
  pbx?: string;
}): PreparedClaim {
  const { campaign, at, media, identity, newAttemptId, server } = args;
  const blackouts =
    server.blackoutDates.length === 0
      ? campaign.blackoutDates
      : [...campaign.blackoutDates, ...server.blackoutDates];
  let opening: number | null = null;
  const request: LeadClaimRequest = {
    campaignId: campaign.id,
    at,
    maxAttempts: campaign.retry.maxAttempts,
    frequencyCaps: effectiveCaps(server.frequencyCaps, campaign.frequencyCaps),
    consider(lead) {
      const { zones, source } = callingZonesOf(campaign, lead);
      const window = checkLeadWindow(campaign, blackouts, at, zones);
      if (!window.open) {
        if (window.reason === 'invalid') {
          return { verdict: 'fail', error: `cannot be called: ${window.detail}` };
        }
        if (window.opensAt === null && source === 'number' && zones.length > 1) {
          if (window.reason !== 'afterEnd') {
            return {
              verdict: 'fail',
              error: `cannot be called: its number may ring in ${zones.join(', ')} and the calling window is never open in all of them at once; give the lead its time zone`,
            };
          }
        }
        if (window.opensAt !== null) {
          opening = opening === null ? window.opensAt : Math.min(opening, window.opensAt);
        }
        return { verdict: 'skip' };
      }
      const attemptId = newAttemptId();
      let input: ReturnType<typeof buildAttemptInput>;
      try {
        input = buildAttemptInput({
          attemptId,
          campaign,
          lead,
          identity,
          consentMedia: media.consent,
          voicemailMedia: media.voicemail,
          optOutMedia: media.optOut ?? null,
          safeHarbourMedia: media.safeHarbour ?? null,
          ...(args.pbx === undefined ? {} : { pbx: args.pbx }),
        });
      } catch (error) {
        return {
          verdict: 'fail',
          error: `cannot be called: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      const snapshot = createAttemptSnapshot(input);
      return {
        verdict: 'claim',
        attempt: {
          attemptId,
          campaignId: campaign.id,
          leadId: lead.id,
          machineVersion: ATTEMPT_MACHINE_VERSION,
          input,
          snapshot,
          state: stateToString(snapshot.value),
          at,
        },
      };
    },
  };
  return { request, earliestOpening: () => opening };
}
