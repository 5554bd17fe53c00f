import {
  amdVerdictTimeoutMs,
  DEFAULT_HOP_WAIT_MS,
  formatAmdOptions,
} from '../campaign/amd-parameters.js';
import type { Campaign, CampaignAiTarget } from '../campaign/campaign.js';
import { renderDialString } from '../campaign/dial-string.js';
import type { Lead } from '../campaign/lead.js';
import { MAX_LEAD_VARS_BYTES } from '../campaign/lead.js';
import type { AiTarget, AttemptInput } from '../machines/attempt-types.js';

/** A recording as an attempt plays it. */
export interface PlayableMedia {
  /** ARI media URI, e.g. `sound:dialstate/voicemail-1`. */
  uri: string;
  durationMs: number;
}

/** Deployment facts an attempt's channel variables carry. */
export interface DialIdentity {
  /** Our Stasis app: the AMD context returns the channel to it. */
  stasisApp: string;
  /** Extension FreePBX treats the call as (AMPUSER, CALLERID(num)). */
  outboundIdentity: string;
  /** Dial-string template of campaigns that set none (`Local/{number}@from-internal`). */
  defaultDialString: string;
  /** The rendered context that hands calls to AAVA (`Stasis(<app>)` with no arguments). */
  aavaHandoffContext: string;
  /**
   * How long the AMD hop keeps an answered caller while our app is not connected, e.g.
   * during a restart (ms, default {@link DEFAULT_HOP_WAIT_MS}).
   */
  hopWaitMs?: number;
  /** How long the AI target must keep a call before the hand-off counts (ms); absent = 2 s. */
  handOffSettleMs?: number;
}

/** Time a prompt may overrun its measured length before we stop waiting for it (ms). */
export const PLAYBACK_SLACK_MS = 5_000;

/** The deterministic ARI channel id of an attempt: a repeated originate fails with 409. */
export function channelIdFor(attemptId: string): string {
  return `dialstate-${attemptId}`;
}

/**
 * Fixes everything an attempt will decide with, from the campaign and lead as they are
 * at claim time. The result is stored with the attempt and replayed as-is.
 */
export function buildAttemptInput(args: {
  attemptId: string;
  campaign: Campaign;
  lead: Lead;
  identity: DialIdentity;
  consentMedia: PlayableMedia | null;
  voicemailMedia: PlayableMedia | null;
  /** The opt-out digit's confirmation; null or absent hangs up at once. */
  optOutMedia?: PlayableMedia | null;
  safeHarbourMedia?: PlayableMedia | null;
  /** The PBX chosen for the call; absent with a single PBX (the input stays as it was). */
  pbx?: string;
}): AttemptInput {
  const { attemptId, campaign, lead, identity, consentMedia, voicemailMedia } = args;
  const { notSureAs, ...amdParameters } = campaign.amd;
  const hopWaitMs = identity.hopWaitMs ?? DEFAULT_HOP_WAIT_MS;
  // The machine's AMD options and the hop's variable are the same string.
  const amdOptions = formatAmdOptions(amdParameters);
  // Fail closed: a campaign that promises a consent gate or a drop never dials without it.
  if (campaign.consent.enabled && !consentMedia) {
    throw new Error(`campaign ${campaign.id} has consent on but no consent recording`);
  }
  if (campaign.voicemail.enabled && !voicemailMedia) {
    throw new Error(`campaign ${campaign.id} has voicemail drop on but no voicemail recording`);
  }
  const leadVars = JSON.stringify(lead.customVars);
  // The lead validator refuses larger ones; a lead stored before it did still never dials.
  if (Buffer.byteLength(leadVars) > MAX_LEAD_VARS_BYTES) {
    throw new RangeError(`lead ${lead.id} has more than ${MAX_LEAD_VARS_BYTES} bytes of variables`);
  }
  const aiTarget = resolveAiTarget(lead.aiTarget ?? campaign.aiTarget, identity.aavaHandoffContext);
  const handOffVariables =
    aiTarget.kind === 'aava'
      ? aavaVariables(aiTarget, campaign, lead, leadVars)
      : otherTargetVariables(campaign, leadVars);

  return {
    attemptId,
    campaignId: campaign.id,
    leadId: lead.id,
    channelId: channelIdFor(attemptId),
    number: lead.phone,
    endpoint: renderDialString(campaign.dialString ?? identity.defaultDialString, lead.phone),
    callerId: lead.callerId ?? campaign.callerId,
    ringTimeoutMs: campaign.ringTimeoutSec * 1000,
    amd: {
      options: amdOptions,
      notSureAs,
      // The verdict may come back only once a restarted dialstate is connected again:
      // the hop keeps the caller that long (dialplan/extensions_dialstate.conf).
      timeoutMs: amdVerdictTimeoutMs(amdParameters) + hopWaitMs,
    },
    consent:
      consentMedia && campaign.consent.enabled
        ? {
            media: consentMedia.uri,
            timeoutMs: campaign.consent.timeoutSec * 1000,
            promptMaxMs: consentMedia.durationMs + PLAYBACK_SLACK_MS,
            // Left out when off: the input is then what it was before the digit existed.
            ...(campaign.optOutDigit === null
              ? {}
              : {
                  optOut: {
                    digit: campaign.optOutDigit,
                    media: args.optOutMedia?.uri ?? null,
                    playbackMaxMs: (args.optOutMedia?.durationMs ?? 0) + PLAYBACK_SLACK_MS,
                  },
                }),
          }
        : null,
    voicemail:
      voicemailMedia && campaign.voicemail.enabled
        ? {
            media: voicemailMedia.uri,
            greetingMaxWaitMs: campaign.voicemail.greetingMaxWaitSec * 1000,
            playbackMaxMs: voicemailMedia.durationMs + PLAYBACK_SLACK_MS,
          }
        : null,
    aiTarget,
    handOffVariables,
    ...(args.safeHarbourMedia
      ? {
          safeHarbour: {
            media: args.safeHarbourMedia.uri,
            playbackMaxMs: args.safeHarbourMedia.durationMs + PLAYBACK_SLACK_MS,
          },
        }
      : {}),
    ...(identity.handOffSettleMs === undefined
      ? {}
      : { handOffSettleMs: identity.handOffSettleMs }),
    ...(args.pbx === undefined ? {} : { pbx: args.pbx }),
    originateVariables: {
      // FreePBX routes the call as if the identity extension dialed it.
      AMPUSER: identity.outboundIdentity,
      'CALLERID(num)': identity.outboundIdentity,
      // `__` makes Asterisk copy the variable to every channel the call creates. Not
      // AAVA_*: AAVA's engine takes a channel with AAVA_ATTEMPT_ID for a call of its own
      // campaign store, and inherited copies would reach the hand-off (ADR on the names).
      __DIALSTATE_ATTEMPT_ID: attemptId,
      __DIALSTATE_CAMPAIGN_ID: campaign.id,
      __DIALSTATE_LEAD_ID: lead.id,
      DIALSTATE_STASIS_APP: identity.stasisApp,
      DIALSTATE_AMD_OPTS: amdOptions,
      DIALSTATE_HOP_WAIT_MS: String(hopWaitMs),
    },
  };
}

/** A target as attempts use it: an `aava` one goes through the server's hand-off context. */
export function resolveAiTarget(target: CampaignAiTarget, aavaHandoffContext: string): AiTarget {
  return target.kind === 'aava' ? { ...target, context: aavaHandoffContext } : target;
}

/**
 * Exactly what AAVA's engine reads from an outbound call (its StasisStart handler and
 * prompt placeholders), nothing more: never `AAVA_ATTEMPT_ID` or `AAVA_CALL_OWNER`, which
 * tie a call to AAVA's own campaign store or its VICIdial mode. `DIALSTATE_AAVA_APP` is
 * ours: the hand-off context runs `Stasis(${DIALSTATE_AAVA_APP})`.
 */
function aavaVariables(
  target: Extract<AiTarget, { kind: 'aava' }>,
  campaign: Campaign,
  lead: Lead,
  leadVars: string,
): Record<string, string> {
  const variables: Record<string, string> = {
    DIALSTATE_AAVA_APP: target.app,
    AI_AGENT: target.agent,
    AAVA_OUTBOUND: '1',
    AAVA_OUTBOUND_PHONE: lead.phone,
    AAVA_CAMPAIGN_ID: campaign.id,
    AAVA_LEAD_ID: lead.id,
    AAVA_CUSTOM_VARS_JSON: leadVars,
    // AAVA's {caller_name} / {caller_number} and its Call History come from these.
    'CALLERID(num)': lead.phone,
  };
  if (target.provider) variables.AI_PROVIDER = target.provider;
  if (target.audioProfile) variables.AI_AUDIO_PROFILE = target.audioProfile;
  if (lead.name) variables['CALLERID(name)'] = lead.name;
  return variables;
}

/** What a dialplan or app target gets: the campaign's AI settings and the lead's variables. */
function otherTargetVariables(campaign: Campaign, leadVars: string): Record<string, string> {
  const variables: Record<string, string> = { AAVA_LEAD_VARS: leadVars };
  if (campaign.aiContext) variables.AI_CONTEXT = campaign.aiContext;
  if (campaign.aiProvider) variables.AI_PROVIDER = campaign.aiProvider;
  if (campaign.aiAgent) variables.AI_AGENT = campaign.aiAgent;
  return variables;
}
