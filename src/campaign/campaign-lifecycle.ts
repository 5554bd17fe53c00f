/**
 * The campaign lifecycle: which action moves a campaign from which status to which, and
 * what must hold before a campaign may start dialing.
 *
 * ```
 * draft ──start──▶ running ◀──start── paused / stopped / completed
 * running ──pause──▶ paused        (live calls finish; nothing new is dialed)
 * running, paused ──stop──▶ stopped (optionally canceling the pending leads)
 * running ──complete──▶ completed  (the scheduler, once nothing is due or live, or once
 *                                    the end date has passed and nothing is live)
 * draft, stopped, completed ──archive──▶ archived ──unarchive──▶ stopped
 * ```
 *
 * A completed campaign starts again once leads are recycled or added: `start` checks
 * that something is left to dial.
 */

import { checkAmdParameters } from './amd-parameters.js';
import { validateBlackoutDates } from './blackout-dates.js';
import {
  type CallingWindowSettings,
  checkCallingWindow,
  nextWindowOpening,
  validateCallingWindow,
} from './calling-window.js';
import type { Campaign, CampaignStatus } from './campaign.js';
import { aiTargetProblems, campaignTextProblems } from './campaign-pbx-check.js';
import { checkDialString, isLocalDialString } from './dial-string.js';
import { validateFrequencyCaps } from './frequency-caps.js';

/** What moves a campaign. `complete` is the scheduler's; the others are the operator's. */
export const CAMPAIGN_ACTIONS = [
  'start',
  'pause',
  'stop',
  'complete',
  'archive',
  'unarchive',
] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/** The transition table: for each action, the statuses it applies to and where each goes. */
export const CAMPAIGN_TRANSITIONS: Readonly<
  Record<CampaignAction, Readonly<Partial<Record<CampaignStatus, CampaignStatus>>>>
> = {
  start: { draft: 'running', paused: 'running', stopped: 'running', completed: 'running' },
  pause: { running: 'paused' },
  stop: { running: 'stopped', paused: 'stopped' },
  complete: { running: 'completed' },
  // Only campaigns that cannot have live calls: a paused one may still have some.
  archive: { draft: 'archived', stopped: 'archived', completed: 'archived' },
  unarchive: { archived: 'stopped' },
};

export type CampaignTransition =
  | { ok: true; from: CampaignStatus; to: CampaignStatus }
  | {
      ok: false;
      reason: 'notAllowed';
      from: CampaignStatus;
      action: CampaignAction;
      /** The statuses the action applies to. */
      allowedFrom: CampaignStatus[];
      message: string;
    };

/** Where `action` takes a campaign in status `from`, or why it cannot. */
export function campaignTransition(
  from: CampaignStatus,
  action: CampaignAction,
): CampaignTransition {
  const row = CAMPAIGN_TRANSITIONS[action];
  const to = row[from];
  if (to !== undefined) return { ok: true, from, to };
  const allowedFrom = Object.keys(row) as CampaignStatus[];
  return {
    ok: false,
    reason: 'notAllowed',
    from,
    action,
    allowedFrom,
    message: `cannot ${action} a campaign that is ${from}; ${action} applies to ${listOf(allowedFrom)} campaigns`,
  };
}

function listOf(statuses: readonly string[]): string {
  return statuses.length < 2
    ? statuses.join('')
    : `${statuses.slice(0, -1).join(', ')} or ${statuses.at(-1)}`;
}

/** The actions available to a campaign in `status`, in table order. */
export function availableActions(status: CampaignStatus): CampaignAction[] {
  return CAMPAIGN_ACTIONS.filter((action) => CAMPAIGN_TRANSITIONS[action][status] !== undefined);
}

/**
 * Why a running campaign is completed although leads may still be pending: its end date
 * has passed, so none of them will be called. The leads stay pending, so that extending
 * the end date (or recycling) and starting again calls them. Null while the end date has
 * not passed, when there is none, or when the window settings are invalid (those pause
 * the campaign instead).
 */
export function endDateCompletionReason(
  campaign: CallingWindowSettings,
  at: number,
): string | null {
  const window = checkCallingWindow(campaign, at);
  if (window.open || window.reason !== 'afterEnd') return null;
  return `the end date passed (${window.detail}); leads still pending were not called: extend the end date and start the campaign again to call them`;
}

/** What `checkStartPreconditions` needs beyond the campaign, gathered by the caller. */
export interface StartFacts {
  /** Epoch ms of the start. */
  at: number;
  /** Leads waiting to be dialed (`pending`, due now or later). */
  pendingLeads: number;
  /** Leads with a live attempt (`dialing`), e.g. of a paused campaign. */
  dialingLeads: number;
  /** Whether the campaign's consent and voicemail recordings exist in the library. */
  recordings: { consent: boolean; voicemail: boolean };
  /** The dial string of campaigns that set none (the server's). */
  defaultDialString: string;
  /** The names of the enabled PBXs; absent = not checked. */
  pbxNames?: readonly string[];
}

export type StartProblemCode =
  | 'noDialableLeads'
  | 'consentWithoutRecording'
  | 'voicemailWithoutRecording'
  | 'invalidWindow'
  | 'windowNeverOpens'
  | 'invalidBlackoutDates'
  | 'invalidFrequencyCaps'
  | 'invalidPacing'
  | 'invalidRingTimeout'
  | 'invalidConsentTimeout'
  | 'invalidGreetingWait'
  | 'invalidAmd'
  | 'invalidRetryPolicy'
  | 'invalidAiTarget'
  | 'invalidDialString'
  | 'aavaNeedsTrunk'
  | 'aiTargetMissing'
  | 'invalidPbxText'
  | 'unknownPbx';

/** One reason a campaign cannot start, with a sentence for the operator. */
export interface StartProblem {
  code: StartProblemCode;
  message: string;
}

/**
 * Everything that keeps the campaign from starting, empty when it may start. Reports
 * every problem, not only the first, so that one round of fixes is enough. Does not
 * look at the status: that is `campaignTransition(status, 'start')`.
 */
export function checkStartPreconditions(campaign: Campaign, facts: StartFacts): StartProblem[] {
  const problems: StartProblem[] = [];
  const problem = (code: StartProblemCode, message: string) => problems.push({ code, message });

  if (facts.pendingLeads === 0 && facts.dialingLeads === 0) {
    problem(
      'noDialableLeads',
      'the campaign has no lead left to dial; import leads or recycle finished ones',
    );
  }
  if (
    campaign.consent.enabled &&
    (campaign.consent.recordingId === null || !facts.recordings.consent)
  ) {
    problem(
      'consentWithoutRecording',
      campaign.consent.recordingId === null
        ? 'the consent gate is on but no consent recording is chosen'
        : `the consent gate is on but its recording ${campaign.consent.recordingId} is not in the library`,
    );
  }
  if (
    campaign.voicemail.enabled &&
    (campaign.voicemail.recordingId === null || !facts.recordings.voicemail)
  ) {
    problem(
      'voicemailWithoutRecording',
      campaign.voicemail.recordingId === null
        ? 'voicemail drop is on but no voicemail recording is chosen'
        : `voicemail drop is on but its recording ${campaign.voicemail.recordingId} is not in the library`,
    );
  }

  const windowProblems = validateCallingWindow(campaign);
  if (windowProblems.length > 0) {
    problem('invalidWindow', `the calling window is invalid: ${windowProblems.join('; ')}`);
  } else if (nextWindowOpening(campaign, facts.at) === null) {
    problem(
      'windowNeverOpens',
      'the calling window never opens again (the campaign is past its end date)',
    );
  }

  const blackoutProblems = validateBlackoutDates(campaign.blackoutDates);
  if (blackoutProblems.length > 0) {
    problem(
      'invalidBlackoutDates',
      `the blackout dates are invalid: ${blackoutProblems.join('; ')}`,
    );
  }
  const capProblems = validateFrequencyCaps(campaign.frequencyCaps);
  if (capProblems.length > 0) {
    problem('invalidFrequencyCaps', `the frequency caps are invalid: ${capProblems.join('; ')}`);
  }

  if (!Number.isInteger(campaign.maxConcurrent) || campaign.maxConcurrent < 1) {
    problem(
      'invalidPacing',
      `max concurrent calls must be at least 1 (got ${campaign.maxConcurrent})`,
    );
  }
  if (!Number.isFinite(campaign.minIntervalMs) || campaign.minIntervalMs < 0) {
    problem(
      'invalidPacing',
      `the interval between calls must be 0 ms or more (got ${campaign.minIntervalMs})`,
    );
  }
  if (!Number.isInteger(campaign.ringTimeoutSec) || campaign.ringTimeoutSec < 1) {
    problem(
      'invalidRingTimeout',
      `the ring timeout must be a whole number of seconds ≥ 1 (got ${campaign.ringTimeoutSec})`,
    );
  }
  if (campaign.consent.enabled && !(campaign.consent.timeoutSec > 0)) {
    problem(
      'invalidConsentTimeout',
      `the consent timeout must be more than 0 s (got ${campaign.consent.timeoutSec})`,
    );
  }
  if (campaign.voicemail.enabled && !(campaign.voicemail.greetingMaxWaitSec > 0)) {
    problem(
      'invalidGreetingWait',
      `the greeting wait must be more than 0 s (got ${campaign.voicemail.greetingMaxWaitSec})`,
    );
  }
  const amdProblems = checkAmdParameters(campaign.amd);
  if (amdProblems.length > 0) {
    problem('invalidAmd', `the AMD parameters are invalid: ${amdProblems.join('; ')}`);
  }
  const retryProblems = checkRetryPolicy(campaign);
  if (retryProblems.length > 0) {
    problem('invalidRetryPolicy', `the retry policy is invalid: ${retryProblems.join('; ')}`);
  }
  const targetProblems = aiTargetProblems(campaign.aiTarget);
  if (targetProblems.length > 0) {
    problem('invalidAiTarget', `the AI target cannot be used: ${targetProblems.join('; ')}`);
  }
  const textProblems = campaignTextProblems(campaign);
  if (textProblems.length > 0) {
    problem('invalidPbxText', `text sent to the PBX is refused: ${textProblems.join('; ')}`);
  }
  const { pbxNames } = facts;
  const unknownPbxs =
    pbxNames === undefined || campaign.pbxs === null
      ? []
      : campaign.pbxs.filter((name) => !pbxNames.includes(name));
  if (unknownPbxs.length > 0) {
    problem(
      'unknownPbx',
      `the campaign names PBXs that are not configured and enabled: ${unknownPbxs.join(', ')} (enabled: ${pbxNames?.join(', ')})`,
    );
  }
  const dialString = campaign.dialString ?? facts.defaultDialString;
  const dialCheck = checkDialString(dialString);
  if (!dialCheck.ok) {
    problem(
      'invalidDialString',
      `the dial string ${dialString} is invalid: ${dialCheck.problems.join('; ')}`,
    );
  } else if (campaign.aiTarget.kind === 'aava' && isLocalDialString(dialString)) {
    // AAVA's engine treats a Local channel entering its app as a helper leg and hangs
    // it up: every consenting caller would be dropped.
    problem(
      'aavaNeedsTrunk',
      `the AI target is AAVA, which hangs up Local channels: give the campaign a direct-trunk dial string (e.g. PJSIP/{e164digits}@<your trunk>) instead of ${dialString}`,
    );
  }
  return problems;
}

function checkRetryPolicy({ retry }: Campaign): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) {
    problems.push(`max attempts must be a whole number ≥ 1 (got ${retry.maxAttempts})`);
  }
  for (const [outcome, minutes] of Object.entries(retry.retryAfterMinutes)) {
    if (minutes !== undefined && !(Number.isFinite(minutes) && minutes >= 0)) {
      problems.push(`the delay after ${outcome} must be 0 minutes or more (got ${minutes})`);
    }
  }
  return problems;
}

/**
 * Why a campaign takes no leads now, or null when it does: an archived campaign is closed
 * to new leads, whether they come one at a time, from a file or from the command line.
 */
export function leadsRefusedBy(campaign: Pick<Campaign, 'status'>): string | null {
  return campaign.status === 'archived'
    ? 'an archived campaign takes no leads; unarchive it first'
    : null;
}
