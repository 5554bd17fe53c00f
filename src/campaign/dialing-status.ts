import { DateTime, IANAZone } from 'luxon';
import type { BlackoutDate } from './blackout-dates.js';
import type { CallingWindowSettings } from './calling-window.js';
import type { CampaignStatus } from './campaign.js';
import { checkLeadWindow, type LeadWindowClosedReason } from './lead-window.js';
import { type CampaignPacing, type GlobalPacing, pacingVerdict } from './pacing.js';

/** Everything that decides whether a campaign can start a call now, gathered by the caller. */
export interface DialingFacts {
  /** Epoch ms of the question. */
  at: number;
  campaign: CallingWindowSettings &
    CampaignPacing & {
      status: CampaignStatus;
      statusReason: string | null;
      /** The campaign's blackout dates and the server's together. */
      blackoutDates: readonly BlackoutDate[];
    };
  global: GlobalPacing;
  /** False while database writes keep failing (see calls/storage-health.ts). */
  storageWritable: boolean;
  ariConnected: boolean;
  /** Why claiming is held though ARI is connected (transient originate failures); null if not. */
  pbxHold?: string | null;
  /** Open when the breaker paused the campaign: `reason` says what kept failing. */
  circuitBreaker: { open: false } | { open: true; reason: string; retryAt: number | null };
  /** Earliest `nextAttemptAt` among the campaign's pending leads; null when none is pending. */
  nextDueAt: number | null;
  /** Why that first pending lead was put off (a frequency cap), when it was; else null. */
  nextDueWaitReason?: string | null;
  /**
   * Set when the latest claim found every due lead outside the calling window of its own
   * time zone, with the earliest opening among them (null when none opens again).
   */
  leadsOutsideWindow: { opensAt: number | null } | null;
  /**
   * Why the campaign's pacing is slowed by its abandoned-call cap (the pacing in
   * `campaign` is the slowed one); null or absent when it is not.
   */
  abandonSlowed?: string | null;
}

/** Every reason `explainNotDialing` may give, in the order it checks them. */
export const DIALING_STATUS_REASONS = [
  'circuitOpen',
  'notRunning',
  'storageUnwritable',
  'ariDisconnected',
  'pbxUnhealthy',
  'outsideWindow',
  'nothingDue',
  'leadsOutsideWindow',
  'abandonSlowed',
  'atCampaignCapacity',
  'atGlobalCapacity',
  'pacing',
] as const;

/** Why a campaign is not starting a call now, or `ok` when nothing holds it back. */
export type DialingStatus =
  | { ok: true }
  | { ok: false; reason: 'notRunning'; status: CampaignStatus; statusReason: string | null }
  | { ok: false; reason: 'storageUnwritable' }
  | { ok: false; reason: 'ariDisconnected' }
  | { ok: false; reason: 'pbxUnhealthy'; detail: string }
  | { ok: false; reason: 'circuitOpen'; detail: string; retryAt: number | null }
  | {
      ok: false;
      reason: 'outsideWindow';
      window: LeadWindowClosedReason;
      detail: string;
      opensAt: number | null;
    }
  | { ok: false; reason: 'nothingDue'; nextDueAt: number | null; waitReason: string | null }
  | { ok: false; reason: 'leadsOutsideWindow'; opensAt: number | null }
  | { ok: false; reason: 'abandonSlowed'; detail: string; retryAt: number | null }
  | { ok: false; reason: 'atCampaignCapacity'; live: number; maxConcurrent: number }
  | { ok: false; reason: 'atGlobalCapacity'; live: number; maxChannels: number }
  | { ok: false; reason: 'pacing'; retryAt: number };

/**
 * Explains why no call of the campaign is starting at `facts.at`. When several reasons
 * hold, the first in {@link DIALING_STATUS_REASONS} wins, from what an operator must act
 * on to what clears by itself: circuit breaker open (it paused the campaign, so it says
 * more than "paused"), not running, storage unwritable (no claim could be recorded), ARI
 * disconnected, the PBX unwell (an originate just failed with a 5xx or no answer),
 * outside the calling window, nothing
 * due, every due lead outside its own window, at the campaign's capacity, at the global
 * channel cap, pacing. Nothing due and leads outside their windows come before capacity
 * and pacing because a freed slot would not start a call either.
 *
 * The window and the blackout dates are checked here in the campaign's time zone; leads
 * called in a zone of their own (the lead's, or its number's) are checked in it when
 * they are claimed, hence `leadsOutsideWindow`: they wait for their own morning.
 */
export function explainNotDialing(facts: DialingFacts): DialingStatus {
  const { at, campaign, global } = facts;
  if (facts.circuitBreaker.open) {
    const { reason, retryAt } = facts.circuitBreaker;
    return { ok: false, reason: 'circuitOpen', detail: reason, retryAt };
  }
  if (campaign.status !== 'running') {
    return {
      ok: false,
      reason: 'notRunning',
      status: campaign.status,
      statusReason: campaign.statusReason,
    };
  }
  if (!facts.storageWritable) return { ok: false, reason: 'storageUnwritable' };
  if (!facts.ariConnected) return { ok: false, reason: 'ariDisconnected' };
  if (facts.pbxHold) return { ok: false, reason: 'pbxUnhealthy', detail: facts.pbxHold };
  const window = checkLeadWindow(campaign, campaign.blackoutDates, at, [campaign.timezone]);
  if (!window.open) {
    const { reason, detail, opensAt } = window;
    return { ok: false, reason: 'outsideWindow', window: reason, detail, opensAt };
  }
  if (facts.nextDueAt === null || facts.nextDueAt > at) {
    return {
      ok: false,
      reason: 'nothingDue',
      nextDueAt: facts.nextDueAt,
      waitReason: facts.nextDueAt === null ? null : (facts.nextDueWaitReason ?? null),
    };
  }
  if (facts.leadsOutsideWindow !== null) {
    return { ok: false, reason: 'leadsOutsideWindow', opensAt: facts.leadsOutsideWindow.opensAt };
  }
  const pacing = pacingVerdict({ at, campaign, global });
  if (pacing.ok) return { ok: true };
  // The slowed pacing holds it back where the campaign's own might not have.
  if (facts.abandonSlowed) {
    return {
      ok: false,
      reason: 'abandonSlowed',
      detail: facts.abandonSlowed,
      retryAt: pacing.retryAt,
    };
  }
  switch (pacing.reason) {
    case 'atCampaignCapacity':
      return {
        ok: false,
        reason: pacing.reason,
        live: campaign.live,
        maxConcurrent: campaign.maxConcurrent,
      };
    case 'atGlobalCapacity':
      return {
        ok: false,
        reason: pacing.reason,
        live: global.live,
        maxChannels: global.maxChannels,
      };
    case 'pacing':
      return { ok: false, reason: pacing.reason, retryAt: pacing.retryAt };
  }
}

/**
 * One plain English sentence for an operator, with times in `timezone` (UTC when it is
 * not a known zone), e.g. "Outside the calling window; opens Mon 9 Mar 09:00 (America/New_York)."
 */
export function describeDialingStatus(status: DialingStatus, timezone: string): string {
  const zone = IANAZone.isValidZone(timezone) ? timezone : 'UTC';
  const when = (at: number, format = 'ccc d LLL HH:mm') =>
    `${DateTime.fromMillis(at, { zone }).toFormat(format, { locale: 'en-US' })} (${zone})`;
  if (status.ok) return 'Ready: a call can start now.';
  switch (status.reason) {
    case 'notRunning':
      if (status.status === 'draft') return 'The campaign is a draft; start it to begin dialing.';
      return `The campaign is ${status.status}${status.statusReason ? `: ${status.statusReason}` : ''}.`;
    case 'storageUnwritable':
      return 'The database cannot be written (see the log); dialing resumes once writes work again.';
    case 'ariDisconnected':
      return 'Not connected to Asterisk (ARI), or reconnecting; dialing resumes once the connection is back.';
    case 'pbxUnhealthy':
      return `Holding: ${status.detail}. Dialing resumes as soon as Asterisk answers again.`;
    case 'circuitOpen':
      return `Circuit breaker open: ${status.detail}; ${status.retryAt === null ? 'fix the cause and start the campaign again' : `retries ${when(status.retryAt)}`}.`;
    case 'outsideWindow':
      return describeClosedWindow(
        status.window,
        status.detail,
        status.opensAt === null ? null : when(status.opensAt),
      );
    case 'nothingDue':
      if (status.nextDueAt === null) return 'No leads are waiting to be called.';
      return status.waitReason === null
        ? `No lead is due yet; the next is due ${when(status.nextDueAt)}.`
        : `No lead is due yet; the next is due ${when(status.nextDueAt)}, held back by a ${status.waitReason}.`;
    case 'leadsOutsideWindow':
      return status.opensAt === null
        ? 'Every due lead waits for its own calling hours (the time zone of the lead or of its number, or a blackout date there), and none opens again.'
        : `Every due lead waits for its own calling hours (the time zone of the lead or of its number, or a blackout date there); the first opens ${when(status.opensAt)}.`;
    case 'abandonSlowed':
      return `Abandoned-call cap: ${status.detail}; one call at a time${status.retryAt === null ? '' : `, the next may start at ${when(status.retryAt, 'HH:mm:ss')}`}.`;
    case 'atCampaignCapacity':
      return `At capacity: ${status.live} of ${status.maxConcurrent} calls live for this campaign.`;
    case 'atGlobalCapacity':
      return `At the global channel cap: ${status.live} of ${status.maxChannels} calls live across all campaigns.`;
    case 'pacing':
      return `Pacing between calls; the next may start at ${when(status.retryAt, 'HH:mm:ss')}.`;
  }
}

function describeClosedWindow(
  reason: LeadWindowClosedReason,
  detail: string,
  opens: string | null,
): string {
  const opening = opens === null ? 'it does not open again' : `opens ${opens}`;
  switch (reason) {
    case 'outsideHours':
      return `Outside the calling window; ${opening}.`;
    case 'closedToday':
      return `Not a calling day; the window ${opening}.`;
    case 'beforeStart':
      return `The campaign has not reached its start date; the window ${opening}.`;
    case 'afterEnd':
      return 'The campaign is past its end date; no more calls will start.';
    case 'blackout':
      return `A blackout date: ${detail}; the window ${opening}.`;
    case 'invalid':
      return `The calling window settings are invalid (${detail}); nothing is dialed until they are fixed.`;
  }
}
