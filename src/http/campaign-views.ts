import { DateTime } from 'luxon';
import { checkCallingWindow } from '../campaign/calling-window.js';
import type { Campaign } from '../campaign/campaign.js';
import { availableActions } from '../campaign/campaign-lifecycle.js';
import { type DialingStatus, describeDialingStatus } from '../campaign/dialing-status.js';

/** A campaign as the API returns it: the stored campaign and what may be done with it now. */
export function campaignView(campaign: Campaign) {
  return { ...campaign, availableActions: availableActions(campaign.status) };
}

/** Epoch ms of the last local midnight in the campaign's time zone ("today" for counters). */
export function startOfCampaignDay(campaign: Campaign, at: number): number {
  return DateTime.fromMillis(at, { zone: campaign.timezone }).startOf('day').toMillis();
}

/** The why-not-dialing answer in plain words, with the clocks an operator compares it to. */
export function dialingStatusView(campaign: Campaign, status: DialingStatus, at: number) {
  const local = DateTime.fromMillis(at, { zone: campaign.timezone });
  const window = checkCallingWindow(campaign, at);
  // Leads in time zones of their own can all be waiting while the campaign's window is open.
  const leadsWindowOpensAt =
    !status.ok && status.reason === 'leadsOutsideWindow' ? status.opensAt : null;
  return {
    dialing: status.ok,
    reason: status.ok ? null : status.reason,
    message: describeDialingStatus(status, campaign.timezone),
    detail: status,
    serverTime: at,
    campaignTime: local.toISO({ suppressMilliseconds: true }),
    window: window.open
      ? { open: true, closesAt: window.closesAt, detail: null }
      : { open: false, opensAt: window.opensAt, detail: window.detail },
    nextWindowOpensAt: window.open ? leadsWindowOpensAt : window.opensAt,
    nextDueAt: !status.ok && status.reason === 'nothingDue' ? status.nextDueAt : null,
  };
}
