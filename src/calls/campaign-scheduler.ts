import type { Logger } from 'pino';
import type { Campaign } from '../campaign/campaign.js';
import { type DialingStatus, explainNotDialing } from '../campaign/dialing-status.js';
import { NO_FREQUENCY_CAPS } from '../campaign/frequency-caps.js';
import { type GlobalPacing, type PacingCandidate, pickNextCampaign } from '../campaign/pacing.js';
import { choosePbx, type PbxLoad } from '../campaign/pbx-choice.js';
import {
  ABANDON_CAP_REASON_PREFIX,
  type AbandonCountsSource,
  createAbandonCapHold,
  slowedPacing,
} from './abandon-cap-hold.js';
import type { DialIdentity, PlayableMedia } from './attempt-input.js';
import type { AttemptRunner } from './attempt-runner.js';
import {
  type CampaignClaimResult,
  type ClaimPbx,
  createCampaignClaimer,
} from './campaign-claimer.js';
import { createCampaignCompletion } from './campaign-completion.js';
import type { ServerCompliance } from './claim-request.js';
import { circuitTripDetail, createOriginateCircuitBreaker } from './originate-circuit-breaker.js';
import type { CampaignDialingState, Clock, DialingStore, PbxRoster } from './ports.js';
import { createWindowHolds } from './window-holds.js';

/**
 * Most claims issued together in one round of a pass: they share one transaction, which
 * holds the database (and the event loop) while it runs.
 */
const MAX_CLAIMS_PER_ROUND = 32;

/** What a scheduler without abandoned-call counts sees: nothing answered. */
const NO_ANSWERED_CALLS = {
  last24h: { answered: 0, abandoned: 0 },
  last30d: { answered: 0, abandoned: 0 },
};

/**
 * How long a campaign keeps off a PBX on which its calls tripped the circuit breaker,
 * while it has another to dial on (ms). Then the PBX gets its calls again.
 */
export const PBX_TRIP_HOLD_MS = 60_000;

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

interface Candidate extends PacingCandidate {
  campaign: Campaign;
}

/** One claim of a round, with the campaign's turn before it (given back if it fails). */
interface Claim {
  candidate: Candidate;
  seq: number;
  previousSeq: number | undefined;
  previousAt: number | null;
  /** The PBX whose slot the claim holds (several PBXs), given back if it fails. */
  pbx: PbxLoad | undefined;
  claim: Promise<CampaignClaimResult>;
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
  /** Several PBXs: until when each campaign keeps off a PBX its breaker tripped on. */
  const pbxTrips = new Map<string, Map<string, number>>();
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
        await claimInTurn(candidates, global, pbxLoads, wake);
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
      lastOriginateSeq: originateSeqs.get(campaign.id) ?? 0,
    };
  }

  async function claimInTurn(
    candidates: Candidate[],
    global: GlobalPacing,
    pbxLoads: PbxLoad[] | null,
    wake: (at: number | null) => void,
  ): Promise<void> {
    while (candidates.length > 0 && !stopped) {
      const at = clock.now();
      // Every claim pacing allows now goes out in the same turn of the event loop, each
      // pick counted as a call started: claims issued together share one transaction
      // (one commit) of the group commit (ADR 008), where claims one after another paid
      // one commit each. A claim that comes back empty gives its slot back below.
      const round: Claim[] = [];
      while (round.length < MAX_CLAIMS_PER_ROUND) {
        const pick = pickNextCampaign(candidates, at, global);
        if (!pick.ok) {
          // At capacity (retryAt null) an ending attempt brings the next pass.
          wake(pick.retryAt);
          break;
        }
        const candidate = candidates.find((c) => c.campaignId === pick.campaignId);
        if (candidate === undefined) break;
        const placed = pbxLoads === null ? null : placeOnPbx(candidate, pbxLoads, at, wake);
        if (placed === false) {
          // No PBX of the campaign can take a call: out of this pass. A PBX back, a
          // hold lifted or an ending attempt brings the next one.
          candidates.splice(candidates.indexOf(candidate), 1);
          continue;
        }
        const previousSeq = candidate.lastOriginateSeq;
        const previousAt = candidate.lastOriginateAt;
        originates += 1;
        candidate.live += 1;
        candidate.lastOriginateAt = at;
        candidate.lastOriginateSeq = originates;
        global.live += 1;
        const claim = claimFor(candidate.campaign, at, placed?.pbx);
        round.push({
          candidate,
          seq: originates,
          previousSeq,
          previousAt,
          pbx: placed?.load,
          claim,
        });
      }
      if (round.length === 0) return;
      const results = await Promise.all(round.map((entry) => entry.claim));
      settleRound(round, results, candidates, global, wake);
    }
  }

  /**
   * After a round: each campaign's turn is that of its last call started; a campaign
   * whose claim came back empty is out of this pass, its slot given back.
   */
  function settleRound(
    round: readonly Claim[],
    results: readonly CampaignClaimResult[],
    candidates: Candidate[],
    global: GlobalPacing,
    wake: (at: number | null) => void,
  ): void {
    const turns = new Map<Candidate, { seq: number | undefined; at: number | null }>();
    round.forEach((entry, i) => {
      const claimed = results[i];
      const { candidate } = entry;
      if (!turns.has(candidate)) {
        turns.set(candidate, { seq: entry.previousSeq, at: entry.previousAt });
      }
      if (claimed?.started) {
        turns.set(candidate, { seq: entry.seq, at: candidate.lastOriginateAt });
        return;
      }
      global.live -= 1;
      candidate.live -= 1;
      if (entry.pbx) entry.pbx.live -= 1;
      const index = candidates.indexOf(candidate);
      if (index >= 0) candidates.splice(index, 1);
      wake(claimed?.retryAt ?? null);
    });
    for (const [candidate, turn] of turns) {
      candidate.lastOriginateSeq = turn.seq;
      candidate.lastOriginateAt = turn.at;
      if (turn.seq !== undefined) originateSeqs.set(candidate.campaignId, turn.seq);
    }
  }

  /**
   * The PBX a campaign's next call goes to, its slot counted; false when none can take
   * it (several PBXs).
   */
  function placeOnPbx(
    candidate: Candidate,
    pbxLoads: PbxLoad[],
    at: number,
    wake: (at: number | null) => void,
  ): { pbx: ClaimPbx; load: PbxLoad } | false {
    const choice = choosePbx(
      pbxLoads,
      candidate.campaign.pbxs,
      trippedPbxs(candidate.campaignId, at, wake),
    );
    const load = choice.ok ? pbxLoads.find((pbx) => pbx.name === choice.pbx) : undefined;
    if (roster === undefined || load === undefined) return false;
    load.live += 1;
    return { pbx: { name: load.name, identity: roster.identityOf(load.name) }, load };
  }

  /** The PBXs a campaign keeps off now (its breaker tripped on them); wakes when one ends. */
  function trippedPbxs(
    campaignId: string,
    at: number,
    wake: (at: number | null) => void = () => {},
  ): Set<string> {
    const trips = pbxTrips.get(campaignId);
    const held = new Set<string>();
    if (trips === undefined) return held;
    for (const [pbx, until] of trips) {
      if (until > at) {
        held.add(pbx);
        wake(until);
      } else trips.delete(pbx);
    }
    if (trips.size === 0) pbxTrips.delete(campaignId);
    return held;
  }

  /**
   * Several PBXs: a trip on one PBX keeps the campaign off it for a while; the campaign
   * is paused only when every PBX it may use is tripped (its own settings are at fault,
   * or every PBX is).
   */
  async function tripOnPbx(campaignId: string, pbx: string, reason: string): Promise<void> {
    const at = clock.now();
    const trips = pbxTrips.get(campaignId) ?? new Map<string, number>();
    trips.set(pbx, at + PBX_TRIP_HOLD_MS);
    pbxTrips.set(campaignId, trips);
    const loaded = await store.loadCampaign(campaignId);
    const allowed = loaded?.campaign.campaign.pbxs ?? null;
    const usable = (roster?.loads() ?? [])
      .map((load) => load.name)
      .filter((name) => allowed === null || allowed.includes(name));
    const held = trippedPbxs(campaignId, at);
    if (usable.every((name) => held.has(name))) {
      await pause(campaignId, reason);
      return;
    }
    log.warn(
      { campaignId, pbx, reason, untilMs: PBX_TRIP_HOLD_MS },
      "campaign's calls keep failing on one PBX: it dials on the others",
    );
  }

  async function pause(campaignId: string, reason: string): Promise<void> {
    if (await store.pauseCampaign(campaignId, reason, clock.now())) {
      pbxTrips.delete(campaignId);
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
          const acted =
            trip.pbx === undefined
              ? pause(trip.campaignId, trip.reason)
              : tripOnPbx(trip.campaignId, trip.pbx, trip.reason);
          acted.catch((error: unknown) => {
            log.error({ err: error, campaignId: trip.campaignId }, 'could not pause the campaign');
          });
        }
        // A slot is free: look for the next call at once rather than at the next timer.
        if (transition.done) {
          abandonCap.invalidate(transition.campaignId);
          void tick();
        }
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
      const cap =
        state.campaign.status === 'running'
          ? await abandonCap.verdict(state.campaign, at)
          : ({ action: 'none' } as const);
      // Several PBXs: the campaign dials while one of its PBXs can take a call.
      const pbxChoice =
        roster === undefined
          ? null
          : choosePbx(roster.loads(), state.campaign.pbxs, trippedPbxs(campaignId, at));
      return explainNotDialing({
        at,
        campaign: {
          ...state.campaign,
          blackoutDates: [...state.campaign.blackoutDates, ...compliance.blackoutDates],
          ...slowedPacing(state.campaign, cap),
          live: state.live,
          lastOriginateAt: state.lastOriginateAt,
        },
        abandonSlowed: cap.action === 'slow' ? cap.detail : null,
        global: { maxChannels, live },
        storageWritable: deps.storageWritable?.() ?? true,
        ariConnected: pbxChoice === null ? deps.ariConnected() : true,
        pbxHold:
          pbxChoice === null
            ? (deps.pbxHold?.() ?? null)
            : pbxChoice.ok
              ? null
              : `no PBX can take a call: ${pbxChoice.detail}`,
        circuitBreaker:
          trip === null ? { open: false } : { open: true, reason: trip, retryAt: null },
        nextDueAt: state.nextDueAt,
        nextDueWaitReason: state.nextDueWaitReason ?? null,
        leadsOutsideWindow: holds.leadsOutsideWindow(state.campaign, at),
      });
    },
  };
}
