import type { Logger } from 'pino';
import type { DialingStatus } from '../campaign/dialing-status.js';
import { NO_FREQUENCY_CAPS } from '../campaign/frequency-caps.js';
import type { GlobalPacing } from '../campaign/pacing.js';
import {
  ABANDON_CAP_REASON_PREFIX,
  type AbandonCountsSource,
  createAbandonCapHold,
  slowedPacing,
} from './abandon-cap-hold.js';
import type { DialIdentity, PlayableMedia } from './attempt-input.js';
import type { AttemptRunner, AttemptTransition } from './attempt-runner.js';
import { createCampaignClaimer } from './campaign-claimer.js';
import { createCampaignCompletion } from './campaign-completion.js';
import type { ServerCompliance } from './claim-request.js';
import { type Candidate, createClaimRounds } from './claim-rounds.js';
import { createOriginateCircuitBreaker } from './originate-circuit-breaker.js';
import { createPbxPlacement } from './pbx-placement.js';
import type { CampaignDialingState, Clock, DialingStore, PbxRoster } from './ports.js';
import { createWhyNotDialing } from './why-not-dialing.js';
import { createWindowHolds } from './window-holds.js';

/** What a scheduler without abandoned-call counts sees: nothing answered. */
const NO_ANSWERED_CALLS = {
  last24h: { answered: 0, abandoned: 0 },
  last30d: { answered: 0, abandoned: 0 },
};

/** Longest time between two passes when nothing asks for one sooner (ms). */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;

export interface CampaignSchedulerDeps {
  store: DialingStore;
  runner: Pick<AttemptRunner, 'start' | 'startClaimed' | 'onTransition'> &
    Partial<Pick<AttemptRunner, 'onEndWritten'>>;
  clock: Clock;
  log: Logger;
  /** Most attempts live at once across all campaigns. */
  maxChannels: number;
  identity: DialIdentity;
  /** A recording as calls play it; undefined when it is not in the library. */
  findMedia(recordingId: string): Promise<PlayableMedia | undefined>;
  /** Whether the ARI connection is up: nothing is dialed while it is not. */
  ariConnected(): boolean;
  /**
   * Whether database writes work (`StorageHealth.isWritable`): nothing is claimed while
   * they do not. Always, when not given.
   */
  storageWritable?(): boolean;
  /** Why the PBX is held from dialing though connected (see OriginateHealthHold); null if not. */
  pbxHold?(): string | null;
  /**
   * Several PBXs (ADR 028): each call goes to the least loaded one the campaign may use
   * that is healthy and under its own cap, and the circuit breaker counts per PBX.
   * `ariConnected` and `pbxHold` are then not read. One PBX when not given.
   */
  pbxs?: PbxRoster;
  newAttemptId(): string;
  /** Consecutive calls failed before an answer that pause a campaign (default 5). */
  circuitBreakerThreshold?: number;
  /** Longest time between two passes (ms); default {@link DEFAULT_POLL_INTERVAL_MS}. */
  pollIntervalMs?: number;
  /** The server's blackout dates and frequency caps; none when not given. */
  compliance?: ServerCompliance;
  /**
   * The abandoned-call counts a campaign's `abandonCapPercent` is held to; without it
   * no cap applies.
   */
  abandonment?: AbandonCountsSource;
}

const NO_SERVER_COMPLIANCE: ServerCompliance = {
  blackoutDates: [],
  frequencyCaps: NO_FREQUENCY_CAPS,
};

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

/**
 * Creates the scheduler. Every live attempt counts once against its campaign's
 * `maxConcurrent` and the global cap, whatever its state, from the open attempts in the
 * store. A campaign whose calls keep failing before an answer is paused with the reason
 * (see `createOriginateCircuitBreaker`).
 */
export function createCampaignScheduler(deps: CampaignSchedulerDeps): CampaignScheduler {
  const { store, runner, clock, log, maxChannels } = deps;
  const pollIntervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const roster = deps.pbxs;
  const breaker = createOriginateCircuitBreaker(deps.circuitBreakerThreshold, {
    perPbx: roster !== undefined,
  });
  /** Several PBXs: where each call goes, and the PBXs a campaign keeps off for a while. */
  const placement =
    roster === undefined ? undefined : createPbxPlacement({ roster, store, clock, log, pause });
  const holds = createWindowHolds(pollIntervalMs);
  const compliance = deps.compliance ?? NO_SERVER_COMPLIANCE;
  const abandonCap = createAbandonCapHold(
    deps.abandonment ?? { windows: async () => NO_ANSWERED_CALLS },
    pollIntervalMs,
  );
  const completeIfDone = createCampaignCompletion({ store, clock, log });
  const claimFor = createCampaignClaimer({
    store,
    runner,
    log,
    identity: deps.identity,
    findMedia: deps.findMedia,
    newAttemptId: deps.newAttemptId,
    holds,
    server: compliance,
    pause,
  });
  let started = false;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: unknown = null;
  let lastPass: { at: number; failed: boolean } | null = null;
  let unsubscribe: (() => void) | null = null;
  /**
   * Attempts whose end was told as it was written (ADR 050), with the first seq it told:
   * the breaker has seen those transitions, and a pass has run since.
   */
  const seenAtEnd = new Map<string, number>();
  const rounds = createClaimRounds({ clock, claimFor, placement, stopped: () => stopped });
  const whyNotDialing = createWhyNotDialing({
    store,
    clock,
    maxChannels,
    compliance,
    holds,
    abandonCap,
    placement,
    ariConnected: () => deps.ariConnected(),
    storageWritable: () => deps.storageWritable?.() ?? true,
    pbxHold: () => deps.pbxHold?.() ?? null,
  });

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
      // Read once: each claim of the pass counts against the PBX it is given.
      const pbxLoads = roster?.loads() ?? null;
      const candidates: Candidate[] = [];
      for (const state of campaigns) {
        const candidate = await candidateOf(state, start, wake);
        if (candidate) candidates.push(candidate);
      }
      // Unwritable storage: a claim could not be recorded, nor its call's events. A PBX
      // that just failed an originate with a 5xx or no answer is held until it answers.
      const storageWritable = deps.storageWritable?.() ?? true;
      // With several PBXs each claim is given a healthy one, or none (claimInTurn).
      const pbxReady = pbxLoads !== null || (deps.ariConnected() && !deps.pbxHold?.());
      if (storageWritable && pbxReady) {
        await rounds.claimInTurn(candidates, global, pbxLoads, wake);
      }
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
    // Over its abandoned-call cap the campaign pauses; close to it, it dials slower.
    const cap = await abandonCap.verdict(campaign, at);
    if (cap.action === 'pause') {
      await pause(campaign.id, `${ABANDON_CAP_REASON_PREFIX}${cap.detail}`);
      return null;
    }
    return {
      campaign,
      campaignId: campaign.id,
      ...slowedPacing(campaign, cap),
      live: state.live,
      lastOriginateAt: state.lastOriginateAt,
      lastOriginateSeq: rounds.turnOf(campaign.id),
    };
  }

  /**
   * Feeds a transition to the circuit breaker. On a trip, pauses the campaign (or keeps
   * it off the PBX) and returns that action, which never rejects: a pass must follow it,
   * or it could claim one call more than the threshold allows. Null when nothing tripped.
   */
  function observe(transition: AttemptTransition): Promise<void> | null {
    const trip = breaker.observe(transition);
    if (!trip) return null;
    // A trip names its PBX only when there are several (the breaker counts per PBX).
    const acted =
      trip.pbx === undefined || placement === undefined
        ? pause(trip.campaignId, trip.reason)
        : placement.trip(trip.campaignId, trip.pbx, trip.reason);
    return acted.catch((error: unknown) => {
      log.error({ err: error, campaignId: trip.campaignId }, 'could not pause the campaign');
    });
  }

  async function pause(campaignId: string, reason: string): Promise<void> {
    if (await store.pauseCampaign(campaignId, reason, clock.now())) {
      placement?.forget(campaignId);
      breaker.reset(campaignId);
      log.warn({ campaignId, reason }, 'campaign paused');
    }
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      // A slot is free as soon as an end is written: the pass claims the next call at
      // once, and the claim's synced commit makes the end durable too (ADR 050). The
      // breaker sees the end's transitions first, as it would at their commit.
      const offEnd = runner.onEndWritten?.(async (end) => {
        seenAtEnd.set(end.attemptId, end.transitions[0]?.seq ?? Number.POSITIVE_INFINITY);
        const acted = end.transitions.map(observe);
        abandonCap.invalidate(end.campaignId);
        await Promise.all(acted);
        await tick();
      });
      const offTransition = runner.onTransition((transition) => {
        const seenFrom = seenAtEnd.get(transition.attemptId);
        const seen = seenFrom !== undefined && transition.seq >= seenFrom;
        const acted = seen ? null : observe(transition);
        if (!transition.done) return;
        seenAtEnd.delete(transition.attemptId);
        // A slot is free: look for the next call at once rather than at the next timer,
        // unless the end's pass already did (with several PBXs, whose loads count an
        // ending attempt until its end is durable, the pass at its transition stays).
        abandonCap.invalidate(transition.campaignId);
        if (seen && roster === undefined) return;
        if (acted === null) void tick();
        else void acted.then(tick);
      });
      unsubscribe = () => {
        offEnd?.();
        offTransition();
        seenAtEnd.clear();
      };
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
    whyNotDialing,
  };
}
