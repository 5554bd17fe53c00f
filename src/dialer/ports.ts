import type { LeadAfterAttempt, RetryPolicy } from '../campaign/retry-policy.js';
import type { PersistedAttemptSnapshot } from '../machines/attempt-step.js';
import type {
  AttemptCommand,
  AttemptCommandParams,
  AttemptEvent,
  AttemptFacts,
  AttemptInput,
  AttemptOutcome,
  TimerCommand,
} from '../machines/attempt-types.js';

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

/** Durable storage of attempts and their journals. */
export interface AttemptJournal {
  /**
   * Appends the entry and stores its consequences atomically. Throws if the seq is not
   * the next one of the attempt, or if the attempt is already done.
   */
  commit(commit: AttemptCommit): Promise<void>;
  loadAttempt(attemptId: string): Promise<StoredAttempt | undefined>;
  /** Every attempt not in its final state, oldest first. */
  listOpenAttempts(): Promise<StoredAttempt[]>;
  loadEntries(attemptId: string): Promise<JournalEntry[]>;
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
}

/** What Asterisk has live right now. */
export interface ChannelDirectory {
  /** Every live channel (both halves of a Local channel). */
  listChannels(): Promise<{ id: string }[]>;
}
