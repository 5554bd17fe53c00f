import type { Logger } from 'pino';
import { resolveAiTarget } from '../calls/attempt-input.js';
import type { AttemptRunner } from '../calls/attempt-runner.js';
import type { CampaignScheduler } from '../calls/campaign-scheduler.js';
import type { Clock } from '../calls/ports.js';
import type { Campaign, CampaignStatus } from '../campaign/campaign.js';
import {
  type CampaignAction,
  campaignTransition,
  checkStartPreconditions,
  type StartProblem,
} from '../campaign/campaign-lifecycle.js';
import type { Lead } from '../campaign/lead.js';
import type { LeadState } from '../campaign/retry-policy.js';
import type { AiTarget } from '../machines/attempt-types.js';
import type { TargetProblem } from '../setup/ai-target-checks.js';
import type { CampaignRepository } from './campaign-reads.js';

/** What operator actions read and change; the store's repositories provide it. */
export interface CampaignControlStore extends Pick<CampaignRepository, 'changeStatus'> {
  getCampaign(id: string): Promise<Campaign | undefined>;
  getLead(id: string): Promise<Lead | undefined>;
  countLeadsByState(campaignId: string): Promise<Record<LeadState, number>>;
  recordingExists(id: string): Promise<boolean>;
  /**
   * `changeStatus` and canceling every pending lead of the campaign, in one transaction:
   * either both happen or neither. Returns how many leads were canceled; null, changing
   * nothing, when the campaign was not `from`.
   */
  changeStatusCancelingPending(
    id: string,
    from: CampaignStatus,
    to: CampaignStatus,
    at: number,
  ): Promise<number | null>;
  /** Cancels one pending lead; false when it was not pending. */
  cancelPendingLead(leadId: string, at: number): Promise<boolean>;
  /** Attempts of the campaign that have not ended. */
  countOpenAttempts(campaignId: string): Promise<number>;
  /**
   * Deletes a campaign: no reader sees it from then on, and its leads, attempts and
   * imports are removed in the background; false when there was none.
   */
  deleteCampaign(id: string, at: number): Promise<boolean>;
}

export type CampaignActionResult =
  | { ok: true; status: CampaignStatus; canceledLeads: number }
  | { ok: false; reason: 'notFound' }
  | { ok: false; reason: 'notAllowed'; message: string }
  /** `start` only: what must be fixed first. */
  | { ok: false; reason: 'preconditions'; problems: StartProblem[] }
  /** The status changed while the action ran (another operator, the scheduler); retry. */
  | { ok: false; reason: 'conflict'; message: string };

export type DeleteCampaignResult =
  | { ok: true }
  | { ok: false; reason: 'notFound' }
  /** Running, or with calls still live: nothing was deleted. */
  | { ok: false; reason: 'busy'; message: string; live?: number };

export type CancelLeadResult =
  | { ok: true; canceled: 'pending' | 'liveAttempt' }
  | { ok: false; reason: 'notFound' }
  | { ok: false; reason: 'notCancelable'; state: LeadState };

/** The operator's campaign actions, and canceling a lead whatever it is doing. */
export interface CampaignControl {
  /** Starts (or resumes, or restarts) a campaign once its preconditions hold. */
  start(campaignId: string): Promise<CampaignActionResult>;
  /** Stops dialing new leads; live calls finish. */
  pause(campaignId: string): Promise<CampaignActionResult>;
  /** Stops the campaign; with `cancelPending`, its pending leads are canceled too. */
  stop(campaignId: string, options?: { cancelPending?: boolean }): Promise<CampaignActionResult>;
  archive(campaignId: string): Promise<CampaignActionResult>;
  unarchive(campaignId: string): Promise<CampaignActionResult>;
  /**
   * Deletes a campaign with its leads and their history; refused while it runs or while
   * a call of it is live, so that no attempt loses its lead under it.
   */
  delete(campaignId: string): Promise<DeleteCampaignResult>;
  /**
   * Cancels a lead: a pending one is never dialed; one being dialed has its live call
   * hung up, and its attempt ends `canceled` (the lead with it).
   */
  cancelLead(leadId: string): Promise<CancelLeadResult>;
  /**
   * Cancels a live attempt: its call is hung up and it ends `canceled`, its lead with it.
   * False when the attempt is not live (ended, or unknown).
   */
  cancelAttempt(attemptId: string): Promise<boolean>;
}

/** Creates the operator's controls over the store, the scheduler and the runner. */
export function createCampaignControl(deps: {
  store: CampaignControlStore;
  scheduler: Pick<CampaignScheduler, 'tick'>;
  runner: Pick<AttemptRunner, 'cancel'>;
  clock: Clock;
  log: Logger;
  /** The dial string of campaigns that set none. */
  defaultDialString: string;
  /** The enabled PBXs' names: a campaign naming another cannot start. Absent = unchecked. */
  pbxNames?: readonly string[];
  /** The rendered context `aava` targets are continued into. */
  aavaHandoffContext: string;
  /** Asks the PBX whether a hand-off target can take calls; null when it can. */
  checkTarget(target: AiTarget): Promise<TargetProblem | null>;
  /** Told after a delete, so that the campaign's rows are removed soon (ADR 024). */
  purge?: { wake(): void };
}): CampaignControl {
  const { store, scheduler, runner, clock, log } = deps;

  async function act(
    campaignId: string,
    action: CampaignAction,
    options: { cancelPending?: boolean } = {},
  ): Promise<CampaignActionResult> {
    const campaign = await store.getCampaign(campaignId);
    if (campaign === undefined) return { ok: false, reason: 'notFound' };
    const transition = campaignTransition(campaign.status, action);
    if (!transition.ok) return { ok: false, reason: 'notAllowed', message: transition.message };
    const at = clock.now();
    if (action === 'start') {
      const counts = await store.countLeadsByState(campaignId);
      const problems = checkStartPreconditions(campaign, {
        at,
        pendingLeads: counts.pending,
        dialingLeads: counts.dialing,
        recordings: {
          consent: await exists(campaign.consent.recordingId),
          voicemail: await exists(campaign.voicemail.recordingId),
        },
        defaultDialString: deps.defaultDialString,
        ...(deps.pbxNames === undefined ? {} : { pbxNames: deps.pbxNames }),
      });
      // Asked of the PBX last, and only for a campaign otherwise ready: a missing target
      // would turn every consenting human into handoff_failed.
      if (problems.length === 0) {
        const target = await deps.checkTarget(
          resolveAiTarget(campaign.aiTarget, deps.aavaHandoffContext),
        );
        if (target?.severity === 'fail') {
          problems.push({
            code: 'aiTargetMissing',
            message: `the AI target cannot take calls: ${target.detail}. Fix: ${target.fix}`,
          });
        } else if (target) {
          log.warn({ campaignId, detail: target.detail }, 'campaign started with a warning');
        }
      }
      if (problems.length > 0) return { ok: false, reason: 'preconditions', problems };
    }
    // With cancelPending, one transaction: a crash in between would leave a stopped
    // campaign whose leads the operator asked to cancel still pending.
    const canceledLeads = options.cancelPending
      ? await store.changeStatusCancelingPending(campaignId, transition.from, transition.to, at)
      : (await store.changeStatus(campaignId, transition.from, transition.to, null, at))
        ? 0
        : null;
    if (canceledLeads === null) {
      return {
        ok: false,
        reason: 'conflict',
        message: `the campaign is no longer ${transition.from}; reload it and try again`,
      };
    }
    log.info(
      { campaignId, action, status: transition.to, canceledLeads },
      'campaign status changed',
    );
    // Starting takes effect at once rather than at the scheduler's next poll.
    if (transition.to === 'running') void scheduler.tick();
    return { ok: true, status: transition.to, canceledLeads };
  }

  async function exists(recordingId: string | null): Promise<boolean> {
    return recordingId !== null && (await store.recordingExists(recordingId));
  }

  return {
    start: (id) => act(id, 'start'),
    pause: (id) => act(id, 'pause'),
    stop: (id, options) => act(id, 'stop', options),
    archive: (id) => act(id, 'archive'),
    unarchive: (id) => act(id, 'unarchive'),
    async delete(campaignId) {
      const campaign = await store.getCampaign(campaignId);
      if (campaign === undefined) return { ok: false, reason: 'notFound' };
      if (campaign.status === 'running') {
        return {
          ok: false,
          reason: 'busy',
          message: 'a running campaign cannot be deleted; stop it first',
        };
      }
      const live = await store.countOpenAttempts(campaignId);
      if (live > 0) {
        const calls = `${live} live call${live === 1 ? '' : 's'}`;
        return {
          ok: false,
          reason: 'busy',
          message: `the campaign has ${calls}; wait for them to end`,
          live,
        };
      }
      if (!(await store.deleteCampaign(campaignId, clock.now()))) {
        return { ok: false, reason: 'notFound' };
      }
      // Gone for every reader now; its rows are removed in slices in the background.
      deps.purge?.wake();
      log.info({ campaignId }, 'campaign deleted');
      return { ok: true };
    },
    async cancelLead(leadId) {
      const lead = await store.getLead(leadId);
      if (lead === undefined) return { ok: false, reason: 'notFound' };
      if (lead.state === 'pending' && (await store.cancelPendingLead(leadId, clock.now()))) {
        return { ok: true, canceled: 'pending' };
      }
      if (lead.state === 'dialing' && lead.activeAttemptId !== null) {
        if (await runner.cancel(lead.activeAttemptId)) return { ok: true, canceled: 'liveAttempt' };
      }
      const now = await store.getLead(leadId);
      return now === undefined
        ? { ok: false, reason: 'notFound' }
        : { ok: false, reason: 'notCancelable', state: now.state };
    },
    async cancelAttempt(attemptId) {
      const canceled = await runner.cancel(attemptId);
      if (canceled) log.info({ attemptId }, 'attempt canceled by the operator');
      return canceled;
    },
  };
}
