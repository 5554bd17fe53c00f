import { channelIdFor } from '../calls/attempt-input.js';
import type { Clock } from '../calls/ports.js';

/** The call an opt-out was asked in: its attempt, campaign, lead and the lead's number. */
export interface OptOutCall {
  attemptId: string;
  campaignId: string;
  leadId: string;
  /** Normalised, as dialed and as listed. */
  phone: string;
}

/** A do-not-call entry with its source, as an opt-out answers it. */
export interface OptOutEntry {
  phone: string;
  /** The list it is on: null for the global list. */
  campaignId: string | null;
  reason: string | null;
  /** When it was listed (epoch ms). */
  createdAt: number;
  /** `opt_out` for a callee's request; null for operator entries and imports. */
  source: string | null;
  sourceCampaignId: string | null;
  sourceAttemptId: string | null;
}

/** An opt-out recorded for an attempt, as consent evidence lists it. */
export interface AttemptOptOut {
  phone: string;
  campaignId: string | null;
  reason: string | null;
  at: number;
}

/** What recording an opt-out needs from the store. */
export interface OptOutStore {
  findCall(attemptId: string): Promise<OptOutCall | undefined>;
  /** The lead's latest attempt; undefined when it has none (or does not exist). */
  latestCallOfLead(leadId: string): Promise<OptOutCall | undefined>;
  leadExists(leadId: string): Promise<boolean>;
  /**
   * Lists the number with the call as its source, unless it is on that list already;
   * answers the entry as it is now (the first listing wins).
   */
  list(optOut: {
    call: OptOutCall;
    phone: string;
    listCampaignId: string | null;
    reason: string | null;
    at: number;
  }): Promise<OptOutEntry>;
  optOutsOfAttempt(attemptId: string): Promise<AttemptOptOut[]>;
}

/** Which call the request names: exactly one of these is needed. */
export interface OptOutRequest {
  attemptId?: string;
  /** Our ARI channel id for the call (`dialstate-<attempt id>`). */
  channelId?: string;
  /** The lead (`AAVA_LEAD_ID`): its latest attempt is the call. */
  leadId?: string;
  /** When given, must be the call's number (a guard against a mis-templated id). */
  phone?: string;
  /** `global` (default) or `campaign`: the list the number goes on. */
  scope?: 'global' | 'campaign';
  reason?: string | null;
}

export type OptOutResult =
  | { ok: true; entry: OptOutEntry; call: OptOutCall; changed: boolean }
  | { ok: false; reason: 'noCallNamed' | 'phoneMismatch'; message: string }
  | { ok: false; reason: 'callNotFound'; message: string };

/** The digits of a number, for comparing however it was written. */
const digitsOf = (phone: string) => phone.replace(/\D/g, '');

/** Whether `given` is the call's number, in full or without its country code (7+ digits). */
function isSameNumber(dialed: string, given: string): boolean {
  const a = digitsOf(dialed);
  const b = digitsOf(given);
  return a === b || (b.length >= 7 && a.endsWith(b));
}

async function callOf(store: OptOutStore, request: OptOutRequest) {
  if (request.attemptId !== undefined) return store.findCall(request.attemptId);
  if (request.channelId !== undefined) {
    const prefix = channelIdFor('');
    if (!request.channelId.startsWith(prefix)) return undefined;
    return store.findCall(request.channelId.slice(prefix.length));
  }
  if (request.leadId !== undefined) return store.latestCallOfLead(request.leadId);
  return undefined;
}

/**
 * Records a callee's "do not call me again" asked during a call: the call's number goes
 * on the global do-not-call list (or the call's campaign's, with `scope: 'campaign'`),
 * with the campaign, the attempt, the time and the reason as its source. Asking again
 * changes nothing and answers the same entry.
 */
export async function recordOptOut(
  deps: { store: OptOutStore; clock: Pick<Clock, 'now'> },
  request: OptOutRequest,
): Promise<OptOutResult> {
  const named = [request.attemptId, request.channelId, request.leadId].filter(
    (id) => id !== undefined,
  );
  if (named.length !== 1) {
    const message = 'name the call with exactly one of attemptId, channelId or leadId';
    return { ok: false, reason: 'noCallNamed', message };
  }
  const call = await callOf(deps.store, request);
  if (call === undefined) {
    const what =
      request.leadId !== undefined && (await deps.store.leadExists(request.leadId))
        ? `lead ${request.leadId} has not been called`
        : `no call ${request.attemptId ?? request.channelId ?? `of lead ${request.leadId}`}`;
    return { ok: false, reason: 'callNotFound', message: what };
  }
  if (request.phone !== undefined && !isSameNumber(call.phone, request.phone)) {
    const message = `the call dialed ${call.phone}, not ${request.phone}`;
    return { ok: false, reason: 'phoneMismatch', message };
  }
  const at = deps.clock.now();
  const entry = await deps.store.list({
    call,
    phone: call.phone,
    listCampaignId: request.scope === 'campaign' ? call.campaignId : null,
    reason: request.reason?.trim() || null,
    at,
  });
  const changed = entry.sourceAttemptId === call.attemptId && entry.createdAt === at;
  return { ok: true, entry, call, changed };
}
