import type { Logger } from 'pino';
import type { Campaign } from '../campaign/campaign.js';
import { type DialingStatus, explainNotDialing } from '../campaign/dialing-status.js';
import { type GlobalPacing, type PacingCandidate, pickNextCampaign } from '../campaign/pacing.js';
import type { DialIdentity, PlayableMedia } from './attempt-input.js';
import type { AttemptRunner } from './attempt-runner.js';
import { createCampaignClaimer } from './campaign-claimer.js';
import { createCampaignCompletion } from './campaign-completion.js';
import { circuitTripDetail, createOriginateCircuitBreaker } from './originate-circuit-breaker.js';
import type { CampaignDialingState, Clock, DialingStore } from './ports.js';
import { createWindowHolds } from './window-holds.js';

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
  const holds = createWindowHolds(pollIntervalMs);
  const completeIfDone = createCampaignCompletion({ store, clock, log });
  const claimFor = createCampaignClaimer({
    store,
    runner,
    log,
    identity: deps.identity,
    findMedia: deps.findMedia,
    newAttemptId: deps.newAttemptId,
    holds,
    pause,
  });
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

  /** Whether a running campaign has a lead to call now; completes it when it is done. */
  async function candidateOf(
    state: CampaignDialingState,
    at: number,
    wake: (at: number | null) => void,
  ): Promise<Candidate | null> {
    const { campaign } = state;
    // Done dialing means nothing is pending; the null check is for the type's sake.
    if ((await completeIfDone(state, at)) || state.nextDueAt === null) return null;
    if (state.nextDueAt > at) {
      wake(state.nextDueAt);
      return null;
    }
    const heldUntil = holds.heldUntil(campaign, at);
    if (heldUntil !== null) {
      wake(heldUntil);
      return null;
    }
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
        leadsOutsideWindow: holds.leadsOutsideWindow(state.campaign, at),
      });
    },
  };
}
