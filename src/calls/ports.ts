import type { Campaign } from '../campaign/campaign.js';
import type { FrequencyCaps } from '../campaign/frequency-caps.js';
import type { Lead } from '../campaign/lead.js';
import type { PbxLoad } from '../campaign/pbx-choice.js';
import type { LeadAfterAttempt, RetryPolicy } from '../campaign/retry-policy.js';
import type { AttemptStep, PersistedAttemptSnapshot } from '../machines/attempt-step.js';
import type {
  AttemptCommand,
  AttemptCommandParams,
  AttemptEvent,
  AttemptFacts,
  AttemptInput,
  AttemptOutcome,
  TimerCommand,
} from '../machines/attempt-types.js';
import type { DialIdentity } from './attempt-input.js';

/** Time, injected: the runner never reads the system clock itself. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The system clock, for production. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Call control: the effects the attempt machine names, carried out against Asterisk.
 * Each method resolves once Asterisk accepted the request and rejects with a
 * `CallControlError` when it did not. What happens next comes back as events.
 */
export type CallControl = {
  [K in keyof AttemptCommandParams]: (params: AttemptCommandParams[K]) => Promise<void>;
};

/** A call-control request that Asterisk refused or that never reached it. */
export class CallControlError extends Error {
  /** HTTP status of ARI's answer; undefined when there was no answer. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CallControlError';
    this.status = options.status;
  }
}

/** One journal row: an event, the state it led to and the effects it emitted. */
export interface JournalEntry {
  attemptId: string;
  /** 1-based, gap-free position of the event in the attempt's journal. */
  seq: number;
  event: AttemptEvent;
  /** Dotted state path after the event. */
  state: string;
  commands: AttemptCommand[];
  timers: TimerCommand[];
}

/** A persisted timer of a live attempt. */
export interface TimerDeadline {
  timerId: string;
  /** Epoch ms. */
  dueAt: number;
}

/** An attempt as the runner needs it to go on: input, snapshot, journal position. */
export interface StoredAttempt {
  attemptId: string;
  campaignId: string;
  leadId: string;
  /** Which attempt of the lead this is, 1-based. */
  attemptNumber: number;
  /**
   * Attempts of the lead the retry policy no longer counts: those made before it was
   * last recycled for a redial. The policy's `maxAttempts` applies to the rest.
   */
  uncountedAttempts: number;
  machineVersion: number;
  input: AttemptInput;
  snapshot: PersistedAttemptSnapshot;
  /** Seq of the last journaled event; 0 for a new attempt. */
  seq: number;
  state: string;
  done: boolean;
  timers: TimerDeadline[];
  /** The retry policy of the attempt's campaign, applied when it ends. */
  retry: RetryPolicy;
}

/**
 * One event stepped, before its commit: the commit, and what to do once it is made
 * (planned by src/calls/attempt-step-plan.ts; a claim commits an attempt's first one,
 * ADR 044).
 */
export interface PlannedStep {
  event: AttemptEvent;
  seq: number;
  step: AttemptStep;
  start: TimerDeadline[];
  cancel: string[];
  outcome: AttemptOutcome | null;
  commit: AttemptCommit;
}

/** Everything one event changes, written in one transaction. */
export interface AttemptCommit {
  entry: JournalEntry;
  snapshot: PersistedAttemptSnapshot;
  facts: AttemptFacts;
  done: boolean;
  startTimers: TimerDeadline[];
  cancelTimers: string[];
  /** When the attempt ended: where its lead goes (a compare-and-set from `dialing`). */
  lead: {
    leadId: string;
    outcome: AttemptOutcome;
    error: string | null;
    next: LeadAfterAttempt;
  } | null;
}

/**
 * A commit that does not follow the attempt's stored journal: its seq is not the next
 * one, the attempt is already done or missing, or its lead was no longer owned by the
 * attempt. Nothing of the commit was written, and writing it again cannot help (unlike a
 * storage fault, which the runner retries).
 */
export class JournalConflictError extends Error {
  constructor(
    readonly attemptId: string,
    readonly seq: number,
    detail: string,
  ) {
    super(`attempt ${attemptId}: cannot commit seq ${seq}: ${detail}`);
    this.name = 'JournalConflictError';
  }
}

/** Durable storage of attempts and their journals. */
export interface AttemptJournal {
  /**
   * Appends the entry and stores its consequences atomically. Throws
   * `JournalConflictError` if the seq is not the next one of the attempt, or if the
   * attempt is already done; any other error is a storage fault (nothing was written).
   */
  commit(commit: AttemptCommit, options?: CommitOptions): Promise<void>;
  /**
   * Commits of one attempt that follow each other (seq n, n+1, …), written in order as
   * one unit: all or none, each as `commit` would write it. Optional: without it the
   * runner commits them one at a time (ADR 040).
   */
  commitInOrder?(commits: readonly AttemptCommit[], options?: CommitOptions): Promise<void>;
  loadAttempt(attemptId: string): Promise<StoredAttempt | undefined>;
  /** Every attempt not in its final state, oldest first. */
  listOpenAttempts(): Promise<StoredAttempt[]>;
  loadEntries(attemptId: string): Promise<JournalEntry[]>;
}

/** How a commit may be made; a journal may ignore what it cannot do. */
export interface CommitOptions {
  /**
   * The commit lends its sync to the next one (ADR 050): the journal may write it
   * without its own fsync, call this (its writes visible to every read, not yet
   * durable), and make it durable with the synced commit that this leads to (the next
   * claim's), or by an fsync of its own if none comes soon. The promise of `commit`
   * still settles only once the commit is durable. Given only for an attempt's end with
   * nothing left to do on the line: what is told of it before it is durable may only
   * write to the journal.
   */
  whileUnsynced?: () => Promise<unknown>;
}

/** A new attempt, before its first event. */
export interface NewAttempt {
  attemptId: string;
  campaignId: string;
  leadId: string;
  machineVersion: number;
  input: AttemptInput;
  snapshot: PersistedAttemptSnapshot;
  /** Dotted state path of `snapshot`. */
  state: string;
  /** Epoch ms. */
  at: number;
}

/**
 * What the claimer decides about one due lead that is neither on a do-not-call list nor
 * out of attempts: claim it with this attempt, `skip` it (it stays pending, e.g. outside
 * the calling window in its time zone), or `fail` it for good (it can never be called;
 * it is finished as `failed` with `error`).
 */
export type LeadClaimVerdict =
  | { verdict: 'claim'; attempt: NewAttempt }
  | { verdict: 'skip' }
  | { verdict: 'fail'; error: string };

export interface LeadClaimRequest {
  campaignId: string;
  /** Epoch ms of the claim: leads due at or before it are considered. */
  at: number;
  /** The retry policy's `maxAttempts`: a lead that had them all is finished as `failed`. */
  maxAttempts: number;
  /**
   * The call-frequency caps in force (server and campaign together): a lead about to be
   * claimed whose number had that many attempts, in any campaign, within a window is not
   * claimed but put off, pending, until the cap allows (`nextAttemptAt`, `waitReason`).
   */
  frequencyCaps: FrequencyCaps;
  /** Called for each candidate, in claim order, until one is claimed. */
  consider(lead: Lead): LeadClaimVerdict;
  /**
   * The claimed attempt's first step (its `attempt.started`, seq 1), planned from the
   * attempt as its claim stored it: the store writes its commit in the claim's own
   * transaction, so that the originate waits for one synced commit, not two in a row
   * (ADR 044). Pure; may be called again if the claim's transaction runs again. A store
   * that does not write it leaves `first` out of the result.
   */
  firstStep?(attempt: StoredAttempt): PlannedStep;
}

export type LeadClaimResult =
  | {
      ok: true;
      lead: Lead;
      /** The attempt as its claim created it: seq 0, its initial snapshot. */
      attempt: StoredAttempt;
      /** The first step, committed with the claim, when the request asked for it. */
      first?: PlannedStep;
    }
  /**
   * No lead was claimed: none is due, or every due lead looked at was skipped or
   * finished (`skipped` of them stay pending).
   */
  | { ok: false; reason: 'nothingClaimable'; skipped: number };

/** A campaign and where it stands for the scheduler, read at one instant. */
export interface CampaignDialingState {
  campaign: Campaign;
  /** Attempts of the campaign that have not ended (each counts once, whatever its state). */
  live: number;
  /** Epoch ms of the campaign's latest claim (originate); null before the first. */
  lastOriginateAt: number | null;
  /** Earliest `nextAttemptAt` among the campaign's pending leads; null when none is pending. */
  nextDueAt: number | null;
  /**
   * Why the first pending lead was put off at its claim (a frequency cap), if it was;
   * read by `loadCampaign` only (for "why not dialing"), undefined from `loadRunning`.
   */
  nextDueWaitReason?: string | null;
  /** Whether a lead of the campaign is `dialing`. */
  hasDialingLeads: boolean;
}

/** What the campaign scheduler reads and changes. */
export interface DialingStore {
  /** Every running campaign with its state, and the attempts live across all campaigns. */
  loadRunning(): Promise<{ campaigns: CampaignDialingState[]; live: number }>;
  /** One campaign, whatever its status, and the attempts live across all campaigns. */
  loadCampaign(
    campaignId: string,
  ): Promise<{ campaign: CampaignDialingState; live: number } | undefined>;
  /** Claims the next due lead of a campaign for a new attempt (see `LeadClaimRequest`). */
  claimNextLead(request: LeadClaimRequest): Promise<LeadClaimResult>;
  /** Moves a running campaign to `paused` with the reason; false if it was not running. */
  pauseCampaign(campaignId: string, reason: string, at: number): Promise<boolean>;
  /**
   * Moves a running campaign to `completed` if, at that moment, none of its leads is
   * pending or dialing and none of its attempts is open; false otherwise.
   */
  completeCampaignIfFinished(campaignId: string, at: number): Promise<boolean>;
  /**
   * Moves a running campaign to `completed` with the reason if, at that moment, none of
   * its leads is dialing and none of its attempts is open; pending leads stay pending.
   * For a campaign past its end date. False otherwise.
   */
  completeCampaignPastEnd(campaignId: string, reason: string, at: number): Promise<boolean>;
}

/**
 * A lead left `dialing` without a live attempt: its active attempt is missing or has
 * already ended, so no commit will ever move it on.
 */
export interface OrphanedLead {
  leadId: string;
  campaignId: string;
  /** The attempt the lead names as its live one, if any. */
  activeAttemptId: string | null;
  /** Attempts the retry policy counts (those since the lead was last recycled). */
  countedAttempts: number;
  retry: RetryPolicy;
  /** How the active attempt ended, when it exists and has ended. */
  ended: { outcome: AttemptOutcome; error: string | null; endedAt: number | null } | null;
}

/** What restart recovery reads and changes about leads. */
export interface LeadRecoveryStore {
  /** Every lead in `dialing` whose active attempt is missing or done. */
  listOrphanedLeads(): Promise<OrphanedLead[]>;
  /**
   * Moves an orphaned lead on (compare-and-set: still `dialing` with the same active
   * attempt); false when it changed meanwhile.
   */
  releaseLead(
    lead: Pick<OrphanedLead, 'leadId' | 'activeAttemptId'>,
    result: { outcome: AttemptOutcome; error: string | null; next: LeadAfterAttempt },
    at: number,
  ): Promise<boolean>;
}

/** A domain event for one attempt, as the ARI gateway delivers it. */
export interface AttemptEventDelivery {
  attemptId: string;
  event: AttemptEvent;
}

/**
 * Where attempts' events come from: the ARI gateway. Events of one channel arrive in
 * order; after a reconnect some may have been missed, hence `onReconnected`.
 */
export interface AttemptEventSource {
  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: (delivery: AttemptEventDelivery) => void): () => void;
  /** Called after each reconnect of the event connection; returns the unsubscribe function. */
  onReconnected(listener: () => void | Promise<void>): () => void;
  /**
   * Called once each time a working event connection is lost (the PBX closed it,
   * stopped, or stopped answering), with why and when; returns the unsubscribe function.
   */
  onConnectionLost(listener: (loss: { reason: string; at: number }) => void): () => void;
}

/** What Asterisk has live right now. */
export interface ChannelDirectory {
  /** Every live channel (both halves of a Local channel). */
  listChannels(): Promise<{ id: string }[]>;
}

/**
 * The PBXs calls are placed on, when there are several (ADR 028): what the scheduler
 * needs to give each call one.
 */
export interface PbxRoster {
  /** Every enabled PBX, in configured order, with its health and attempts live now. */
  loads(): PbxLoad[];
  /** What calls placed on the PBX carry of it: its Stasis app, its default dial string. */
  identityOf(pbx: string): DialIdentity;
}
