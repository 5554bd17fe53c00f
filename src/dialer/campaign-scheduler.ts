import type { Logger } from 'pino';
import { validateCallingWindow } from '../campaign/calling-window.js';
import type { Campaign } from '../campaign/campaign.js';
import { endDateCompletionReason } from '../campaign/campaign-lifecycle.js';
import { type DialingStatus, explainNotDialing } from '../campaign/dialing-status.js';
import { type GlobalPacing, type PacingCandidate, pickNextCampaign } from '../campaign/pacing.js';
import type { DialIdentity, PlayableMedia } from './attempt-input.js';
import type { AttemptRunner } from './attempt-runner.js';
import { prepareClaim, resolveCampaignMedia } from './claim-request.js';
import { circuitTripDetail, createOriginateCircuitBreaker } from './originate-circuit-breaker.js';
import type { CampaignDialingState, Clock, DialingStore } from './ports.js';

/** Longest time between two passes when nothing asks for one sooner (ms). */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;

export interface CampaignSchedulerDeps {
  store: DialingStore;
  runner: Pick<AttemptRunner, 'start' | 'onTransition'>;
  clock: Clock;
  log: Logger;
  /** Most attempts live at once across all campaigns. */
  maxChannels: number;
  identity: DialIdentity;
  /** A recording as calls play it; undefined when it is not in the library. */
  findMedia(recordingId: string): Promise<PlayableMedia | undefined>;
  /** Whether the ARI connection is up: nothing is dialed while it is not. */
  ariConnected(): boolean;
  newAttemptId(): string;
  /** Consecutive calls failed before an answer that pause a campaign (default 5). */
  circuitBreakerThreshold?: number;
  /** Longest time between two passes (ms); default {@link DEFAULT_POLL_INTERVAL_MS}. */
  pollIntervalMs?: number;
}

/** Whether the scheduler is at work, for health checks. */
export interface SchedulerStatus {
  /** Started and not stopped. */
  running: boolean;
  /** When the latest pass ended (epoch ms); null before the first. */
  lastPassAt: number | null;
  /** Whether the latest pass failed; its error is in the log, and the next pass retries. */
  lastPassFailed: boolean;
}

/** Starts the calls of running campaigns: pacing, calling windows, claims, auto-complete. */
export interface CampaignScheduler {
  /** Starts scheduling: a pass now, then whenever one is due or an attempt ends. */
  start(): void;
  /** Stops claiming; resolves once no claim is in flight. Live attempts go on. */
  stop(): Promise<void>;
  /**
   * Runs a pass now (or once more after the one running): for each running campaign in
   * fair turn, claim and start calls while its calling window, pacing and the global
   * channel cap allow; complete campaigns with nothing left. Resolves when done.
   */
  tick(): Promise<void>;
  /** Why the campaign is not starting a call now; undefined when there is no such campaign. */
  whyNotDialing(campaignId: string): Promise<DialingStatus | undefined>;
  status(): SchedulerStatus;
}

interface Candidate extends PacingCandidate {
  campaign: Campaign;
}

/**
 * Creates the scheduler. Every live attempt counts once against its campaign's
 * `maxConcurrent` and the global cap, whatever its state, from the open attempts in the
 * store. A campaign whose calls keep failing before an answer is paused with the reason
 * (see `createOriginateCircuitBreaker`).
 */
export function createCampaignScheduler(deps: CampaignSchedulerDeps): CampaignScheduler {
  const { store, runner, clock, log, maxChannels } = deps;
  const pollIntervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const breaker = createOriginateCircuitBreaker(deps.circuitBreakerThreshold);
  /**
   * Campaigns whose due leads were all outside their windows, until the first opens
   * (`opensAt`, null when none opens again) or the next poll (`until`).
   */
  const holds = new Map<string, { until: number; opensAt: number | null; updatedAt: number }>();
  /** Order of each campaign's latest originate, for fair turns within one ms. */
  const originateSeqs = new Map<string, number>();
  let originates = 0;
  let started = false;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: unknown = null;
  let lastPass: { at: number; failed: boolean } | null = null;
  let unsubscribe: (() => void) | null = null;

  function arm(at: number): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = clock.setTimeout(
      () => {
        timer = null;
        void tick();
      },
      Math.max(0, at - clock.now()),
    );
  }

  function tick(): Promise<void> {
    if (stopped) return running ?? Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again && !stopped);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  async function pass(): Promise<void> {
    const start = clock.now();
    let wakeAt = start + pollIntervalMs;
    const wake = (at: number | null) => {
      if (at !== null) wakeAt = Math.min(wakeAt, at);
    };
    try {
      const { campaigns, live } = await store.loadRunning();
      const global: GlobalPacing = { maxChannels, live };
      const candidates: Candidate[] = [];
      for (const state of campaigns) {
        const candidate = await candidateOf(state, start, wake);
        if (candidate) candidates.push(candidate);
      }
      if (deps.ariConnected()) await claimInTurn(candidates, global, wake);
      lastPass = { at: clock.now(), failed: false };
    } catch (error) {
      lastPass = { at: clock.now(), failed: true };
      log.error({ err: error }, 'scheduler pass failed; retrying');
    }
    if (!stopped) arm(wakeAt);
  }

  /** Whether a running campaign has a lead to call now; completes it if nothing is left. */
  async function candidateOf(
    state: CampaignDialingState,
    at: number,
    wake: (at: number | null) => void,
  ): Promise<Candidate | null> {
    const { campaign } = state;
    if (state.nextDueAt === null) {
      // Checked whatever the calling window says: a finished campaign is finished.
      if (!state.hasDialingLeads && state.live === 0) {
        if (await store.completeCampaignIfFinished(campaign.id, clock.now())) {
          log.info({ campaignId: campaign.id }, 'campaign completed: every lead is finished');
        }
      }
      return null;
    }
    // Past the end date every lead is outside its window and would wait for ever: the
    // campaign is done once its last live call ends.
    const ended = endDateCompletionReason(campaign, at);
    if (ended !== null) {
      if (!state.hasDialingLeads && state.live === 0) {
        if (await store.completeCampaignPastEnd(campaign.id, ended, clock.now())) {
          log.info({ campaignId: campaign.id }, 'campaign completed: its end date passed');
        }
      }
      return null;
    }
    if (state.nextDueAt > at) {
      wake(state.nextDueAt);
      return null;
    }
    const hold = holds.get(campaign.id);
    if (hold && hold.updatedAt === campaign.updatedAt && hold.until > at) {
      wake(hold.until);
      return null;
    }
    holds.delete(campaign.id);
    return {
      campaign,
      campaignId: campaign.id,
      maxConcurrent: campaign.maxConcurrent,
      minIntervalMs: campaign.minIntervalMs,
      live: state.live,
      lastOriginateAt: state.lastOriginateAt,
      lastOriginateSeq: originateSeqs.get(campaign.id) ?? 0,
    };
  }

  async function claimInTurn(
    candidates: Candidate[],
    global: GlobalPacing,
    wake: (at: number | null) => void,
  ): Promise<void> {
    while (candidates.length > 0 && !stopped) {
      const at = clock.now();
      const pick = pickNextCampaign(candidates, at, global);
      if (!pick.ok) {
        // At capacity (retryAt null) an ending attempt brings the next pass.
        wake(pick.retryAt);
        return;
      }
      const index = candidates.findIndex((c) => c.campaignId === pick.campaignId);
      const candidate = candidates[index];
      if (candidate === undefined) return;
      const claimed = await claimFor(candidate.campaign, at);
      if (claimed.started) {
        originates += 1;
        candidate.live += 1;
        candidate.lastOriginateAt = at;
        candidate.lastOriginateSeq = originates;
        originateSeqs.set(candidate.campaignId, originates);
        global.live += 1;
      } else {
        candidates.splice(index, 1);
        wake(claimed.retryAt);
      }
    }
  }

  /** Claims and starts one call of the campaign, or says when to look again. */
  async function claimFor(
    campaign: Campaign,
    at: number,
  ): Promise<{ started: true } | { started: false; retryAt: number | null }> {
    // Settings that would make every call wrong stop the campaign visibly (fail closed).
    const windowProblems = validateCallingWindow(campaign);
    if (windowProblems.length > 0) {
      await pause(campaign.id, `the calling window is invalid: ${windowProblems.join('; ')}`);
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
      identity: deps.identity,
      newAttemptId: deps.newAttemptId,
    });
    const result = await store.claimNextLead(claim.request);
    if (!result.ok) {
      const opening = claim.earliestOpening();
      if (result.skipped > 0) {
        // Every due lead looked at is outside its window: rather than reading them again
        // in every pass (one per ended call), look again when the first window opens, at
        // the next poll, or once the campaign's settings change, whichever comes first.
        const until = Math.min(opening ?? Number.POSITIVE_INFINITY, at + pollIntervalMs);
        holds.set(campaign.id, { until, opensAt: opening, updatedAt: campaign.updatedAt });
      }
      return { started: false, retryAt: opening };
    }
    const { attempt } = result;
    // Not awaited: the attempt's first commit joins the next claim's transaction rather
    // than each claim waiting for two commits in a row. The runner orders the attempt's
    // own events, and its stop() waits for this one.
    runner.start(attempt).catch((error: unknown) => {
      // The attempt is open in the journal: the next reconciliation settles it.
      log.error({ err: error, attemptId: attempt.attemptId }, 'claimed attempt did not start');
    });
    return { started: true };
  }

  async function pause(campaignId: string, reason: string): Promise<void> {
    if (await store.pauseCampaign(campaignId, reason, clock.now())) {
      breaker.reset(campaignId);
      log.warn({ campaignId, reason }, 'campaign paused');
    }
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      unsubscribe = runner.onTransition((transition) => {
        const trip = breaker.observe(transition);
        if (trip) {
          pause(trip.campaignId, trip.reason).catch((error: unknown) => {
            log.error({ err: error, campaignId: trip.campaignId }, 'could not pause the campaign');
          });
        }
        // A slot is free: look for the next call at once rather than at the next timer.
        if (transition.done) void tick();
      });
      void tick();
    },
    async stop() {
      stopped = true;
      unsubscribe?.();
      unsubscribe = null;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await running;
    },
    tick,
    status: () => ({
      running: started && !stopped,
      lastPassAt: lastPass?.at ?? null,
      lastPassFailed: lastPass?.failed ?? false,
    }),
    async whyNotDialing(campaignId) {
      const loaded = await store.loadCampaign(campaignId);
      if (loaded === undefined) return undefined;
      const { campaign: state, live } = loaded;
      const at = clock.now();
      // A tripped breaker pauses the campaign; it stays open until the operator starts it.
      const trip = circuitTripDetail(state.campaign);
      // The latest claim's finding, while the campaign's settings are unchanged and the
      // first lead's window has not opened since.
      const hold = holds.get(campaignId);
      const held =
        hold !== undefined &&
        hold.updatedAt === state.campaign.updatedAt &&
        (hold.opensAt === null || hold.opensAt > at);
      return explainNotDialing({
        at,
        campaign: {
          ...state.campaign,
          live: state.live,
          lastOriginateAt: state.lastOriginateAt,
        },
        global: { maxChannels, live },
        ariConnected: deps.ariConnected(),
        circuitBreaker:
          trip === null ? { open: false } : { open: true, reason: trip, retryAt: null },
        nextDueAt: state.nextDueAt,
        leadsOutsideWindow: held ? { opensAt: hold.opensAt } : null,
      });
    },
  };
}
