import type { Clock } from '../calls/ports.js';
import { isTerminalLeadState, TERMINAL_LEAD_STATES } from '../campaign/lead.js';
import type { LeadState } from '../campaign/retry-policy.js';

/**
 * How a finished lead is recycled: `redial` keeps its attempts and their journals and
 * gives it a fresh set of attempts under the retry policy; `reset` deletes its attempts
 * and makes it as good as new.
 */
export type RecycleMode = 'redial' | 'reset';

/**
 * The store side of the operator's actions on one lead. Every write is a compare-and-set
 * on the lead's state, so that a lead the engine claims in between is never changed
 * under it; which states allow which action is this module's business, not the store's.
 */
export interface LeadControlStore {
  /** The lead's campaign and state; undefined when there is no such lead. */
  leadState(leadId: string): Promise<{ campaignId: string; state: LeadState } | undefined>;
  /**
   * Sends the lead from `from` back to `pending`, due at once (`mode` says what becomes
   * of its attempts). False, changing nothing, when the lead is no longer `from`.
   */
  recycle(leadId: string, from: LeadState, mode: RecycleMode, at: number): Promise<boolean>;
  /** Cancels the lead if it is `pending`, so that it is never dialed; false otherwise. */
  cancelPending(leadId: string, at: number): Promise<boolean>;
  /**
   * Deletes the lead with its attempts unless it is `dialing` or an attempt of it is
   * still open; false, deleting nothing, otherwise (or when there is no such lead).
   */
  deleteIdle(leadId: string): Promise<boolean>;
}

/** The result of an operator's action on one lead. */
export type LeadActionResult =
  | { ok: true; campaignId: string }
  | { ok: false; reason: 'notFound' }
  /** The lead's state does not allow the action; nothing changed. */
  | { ok: false; reason: 'wrongState'; state: LeadState; message: string };

/** The operator's actions on one lead, shared by the API and the CLI. */
export interface LeadControl {
  /** Sends a finished lead (completed, failed, canceled, dnc) back to `pending`, due at once. */
  recycle(leadId: string, mode: RecycleMode): Promise<LeadActionResult>;
  /**
   * Ignores a pending lead: it becomes `canceled` and is never dialed. A lead being
   * dialed is canceled by canceling its live attempt instead (CampaignControl.cancelLead).
   */
  ignore(leadId: string): Promise<LeadActionResult>;
  /** Deletes a lead with its attempts; refused while it is being dialed. */
  delete(leadId: string): Promise<LeadActionResult>;
}

const recycleRefusal = (state: LeadState) =>
  `cannot recycle a lead that is ${state}; only ${TERMINAL_LEAD_STATES.join(', ')} leads can be recycled`;

const ignoreRefusal = (state: LeadState) =>
  state === 'dialing'
    ? 'cannot cancel a lead that is dialing this way; cancel its live attempt instead'
    : `cannot cancel a lead that is ${state}; only pending leads can be`;

const deleteRefusal = () =>
  'cannot delete a lead while it is being dialed; cancel its live attempt first';

/** Creates the lead actions over the store. */
export function createLeadControl(deps: {
  store: LeadControlStore;
  clock: Pick<Clock, 'now'>;
  log: { info(fields: object, message: string): void };
}): LeadControl {
  const { store, clock, log } = deps;

  /**
   * Runs `write` when the lead's state allows it, and explains a refusal: a state the
   * action does not apply to, or a compare-and-set that lost to a change in between (the
   * lead is read again, so the answer names the state it is in now).
   */
  async function act(
    leadId: string,
    allows: (state: LeadState) => boolean,
    refusal: (state: LeadState) => string,
    write: (state: LeadState) => Promise<boolean>,
  ): Promise<LeadActionResult> {
    const lead = await store.leadState(leadId);
    if (lead === undefined) return { ok: false, reason: 'notFound' };
    if (allows(lead.state) && (await write(lead.state))) {
      return { ok: true, campaignId: lead.campaignId };
    }
    const now = await store.leadState(leadId);
    if (now === undefined) return { ok: false, reason: 'notFound' };
    return { ok: false, reason: 'wrongState', state: now.state, message: refusal(now.state) };
  }

  return {
    async recycle(leadId, mode) {
      const result = await act(leadId, isTerminalLeadState, recycleRefusal, (state) =>
        store.recycle(leadId, state, mode, clock.now()),
      );
      if (result.ok) log.info({ leadId, mode }, 'lead recycled');
      return result;
    },
    async ignore(leadId) {
      const result = await act(
        leadId,
        (state) => state === 'pending',
        ignoreRefusal,
        () => store.cancelPending(leadId, clock.now()),
      );
      if (result.ok) log.info({ leadId }, 'lead ignored');
      return result;
    },
    async delete(leadId) {
      const result = await act(
        leadId,
        (state) => state !== 'dialing',
        deleteRefusal,
        () => store.deleteIdle(leadId),
      );
      if (result.ok) log.info({ campaignId: result.campaignId, leadId }, 'lead deleted');
      return result;
    },
  };
}
