import type { Logger } from 'pino';
import type { PersistedAttemptSnapshot } from '../machines/attempt-step.js';
import type { AttemptCommand, AttemptEvent } from '../machines/attempt-types.js';
import { type EndWrittenListener, lentSync } from './attempt-end-written.js';
import { planStep } from './attempt-step-plan.js';
import { type AttemptTransition, transitionOf } from './attempt-transition.js';
import { type CommitRetry, createDurableCommit } from './durable-commit.js';
import {
  type AttemptJournal,
  type CallControl,
  CallControlError,
  type Clock,
  type PlannedStep,
  type StoredAttempt,
  type TimerDeadline,
} from './ports.js';
import type { StorageWriteReports } from './storage-health.js';

export type { AttemptTransition } from './attempt-transition.js';

export interface AttemptRunnerDeps {
  journal: AttemptJournal;
  callControl: CallControl;
  /**
   * The call control of the PBX an attempt lives on (several PBXs); `callControl` for
   * every attempt when not given.
   */
  callControlFor?(attempt: StoredAttempt): CallControl;
  clock: Clock;
  log: Logger;
  /** Told the result of every journal commit (see `createStorageHealth`). */
  storage?: StorageWriteReports;
  /** Back-off of commits that failed for a storage reason; `DEFAULT_COMMIT_RETRY` by default. */
  commitRetry?: CommitRetry;
}

/** Runs attempt machines: the one loop that journals events and carries out commands. */
export interface AttemptRunner {
  /** Takes charge of a freshly created attempt and sends it `attempt.started`. */
  start(attempt: StoredAttempt): Promise<void>;
  /**
   * Takes charge of a freshly created attempt whose first step (`attempt.started`, seq 1)
   * its claim already committed (ADR 044), and carries that step out as `start` would
   * after its commit: timers, commands (the originate), listeners. Throws, doing
   * nothing, once the runner is stopped: the attempt stays open in the journal, as after
   * a crash between the claim and the originate, for the next start to reconcile.
   */
  startClaimed(attempt: StoredAttempt, first: PlannedStep): void;
  /**
   * Queues an event for a live attempt. Events of one attempt are processed strictly
   * in order; the promise settles once this event is committed (or was ignored, for an
   * attempt that is not live). A commit that fails for a storage reason is retried
   * until it succeeds, the attempt's later events waiting behind it; rejects if the
   * journal refused the commit, or the runner stopped before it could be made.
   */
  dispatch(attemptId: string, event: AttemptEvent): Promise<void>;
  /**
   * As `dispatch`, for an event rebuilt from what the journal said at `seq`: when its
   * turn comes, it is processed only if the attempt's last journaled event is still
   * `seq` (else it is dropped, not journaled). Resolves true when it was processed.
   */
  dispatchIfAt(attemptId: string, seq: number, event: AttemptEvent): Promise<boolean>;
  /** Sends `operator.canceled` to a live attempt. Returns false if it is not live. */
  cancel(attemptId: string): Promise<boolean>;
  /**
   * Takes charge again of every attempt the journal holds as open (after a restart):
   * restores their snapshots, so their events are accepted again, but does not arm
   * their timers yet. Returns the adopted attempts so that they can be reconciled with
   * Asterisk first: a timer that fell due while the process was down must not decide
   * the fate of a call whose channel is already known to be gone.
   */
  resumeOpenAttempts(): Promise<StoredAttempt[]>;
  /**
   * Takes charge of these open attempts, as `resumeOpenAttempts` does of all (timers
   * held until `resumeTimers`): those another node ran until it died. One already live
   * here is left as it is.
   */
  resumeAttempts(attempts: readonly StoredAttempt[]): void;
  /**
   * Calls `listener` once `resumeOpenAttempts` has taken charge of the open attempts, before
   * it returns (at once if it already has); returns the unsubscribe function.
   */
  onResumed(listener: () => void): () => void;
  /** Arms the persisted timers of the attempts `resumeOpenAttempts` took charge of. */
  resumeTimers(): void;
  isLive(attemptId: string): boolean;
  liveAttemptIds(): string[];
  /** The PBX a live attempt's input names; undefined when it names none or is not live. */
  pbxOf(attemptId: string): string | undefined;
  /** Subscribes to committed transitions; returns the unsubscribe function. */
  onTransition(listener: (transition: AttemptTransition) => void): () => void;
  /**
   * Subscribes to attempts' ends written but not yet durable, when the journal can lend
   * an end's sync to the commit that follows it (ADR 050): an end with nothing left to
   * do on the line (no command) is then committed without its own fsync, and what the
   * listeners return (the next claim) is waited for, a bounded while, so that one synced
   * commit makes both durable. The end's transition (`onTransition`) follows once it is
   * durable. Not every end is told here; returns the unsubscribe function.
   */
  onEndWritten(listener: EndWrittenListener): () => void;
  /** Resolves once every queued event and command has been dealt with. */
  settled(): Promise<void>;
  /** Stops timers and waits for queued work; live attempts stay open in the journal. */
  stop(): Promise<void>;
}

interface LiveAttempt {
  readonly stored: StoredAttempt;
  snapshot: PersistedAttemptSnapshot;
  seq: number;
  done: boolean;
  readonly timers: Map<string, unknown>;
  /** Tail of the event queue: each group of events waits for the previous commit. */
  events: Promise<void>;
  /** Events dispatched since the last group was taken, in order (the next group). */
  waiting: QueuedEvent[];
  /** Tail of the command queue: commands run in the order the machine emitted them. */
  commands: Promise<void>;
  readonly log: Logger;
}

/** An event waiting in its attempt's queue. */
interface QueuedEvent {
  event: AttemptEvent;
  /** `dispatchIfAt`: processed only if the attempt's last journaled event is still this. */
  ifAt: number | null;
  /** Settles the dispatch: true once processed, false when skipped. */
  resolve(processed: boolean): void;
  reject(error: unknown): void;
}

/** What one event of a group came to when stepped ahead of the group's commit. */
type GroupPlan =
  | { item: QueuedEvent; kind: 'step'; planned: PlannedStep }
  | { item: QueuedEvent; kind: 'skip' }
  | { item: QueuedEvent; kind: 'error'; error: unknown };

/**
 * Creates the attempt runner. Per event, in this order: step the pure machine, commit
 * the journal entry with the snapshot, summary and timers in one transaction, then
 * (after the commit) arm timers and execute commands through `CallControl`.
 *
 * Events of one attempt that are waiting together when their turn comes (several ARI
 * events of one call read at once, while the attempt's previous commit was being made)
 * are stepped one after another and committed as one unit of the group commit, each its
 * own journal entry, when the journal can (`commitInOrder`, ADR 040): one commit on the
 * call's path instead of one after another. Their effects run after that commit, event
 * by event, in order, as if each had been committed alone.
 */
export function createAttemptRunner(deps: AttemptRunnerDeps): AttemptRunner {
  const { journal, callControl, clock, log } = deps;
  const durable = createDurableCommit({
    journal,
    clock,
    ...(deps.storage ? { storage: deps.storage } : {}),
    ...(deps.commitRetry ? { retry: deps.commitRetry } : {}),
  });
  const live = new Map<string, LiveAttempt>();
  const listeners = new Set<(transition: AttemptTransition) => void>();
  const endListeners = new Set<EndWrittenListener>();
  let stopped = false;
  /** Timers of resumed attempts, armed by `resumeTimers()` after reconciliation. */
  let heldTimers: { attempt: LiveAttempt; deadlines: TimerDeadline[] }[] = [];
  let resumed = false;
  const resumedListeners = new Set<() => void>();

  function adopt(stored: StoredAttempt, { armTimers }: { armTimers: boolean }): LiveAttempt {
    const existing = live.get(stored.attemptId);
    if (existing) return existing;
    const attempt: LiveAttempt = {
      stored,
      snapshot: stored.snapshot,
      seq: stored.seq,
      done: stored.done,
      timers: new Map(),
      events: Promise.resolve(),
      waiting: [],
      commands: Promise.resolve(),
      log: log.child({
        campaignId: stored.campaignId,
        leadId: stored.leadId,
        attemptId: stored.attemptId,
        channelId: stored.input.channelId,
      }),
    };
    live.set(stored.attemptId, attempt);
    if (armTimers) for (const deadline of stored.timers) arm(attempt, deadline);
    else heldTimers.push({ attempt, deadlines: stored.timers });
    return attempt;
  }

  function arm(attempt: LiveAttempt, { timerId, dueAt }: TimerDeadline): void {
    disarm(attempt, timerId);
    const handle = clock.setTimeout(
      () => {
        attempt.timers.delete(timerId);
        dispatch(attempt.stored.attemptId, { type: 'timer.fired', timerId, at: clock.now() }).catch(
          () => {
            // Already logged where the commit failed.
          },
        );
      },
      Math.max(0, dueAt - clock.now()),
    );
    attempt.timers.set(timerId, handle);
  }

  function disarm(attempt: LiveAttempt, timerId: string): void {
    const handle = attempt.timers.get(timerId);
    if (handle === undefined) return;
    clock.clearTimeout(handle);
    attempt.timers.delete(timerId);
  }

  function enqueue(attempt: LiveAttempt, event: AttemptEvent, ifAt: number | null) {
    return new Promise<boolean>((resolve, reject) => {
      attempt.waiting.push({ event, ifAt, resolve, reject });
      // The first event of a group schedules its turn; those dispatched before the turn
      // comes join it.
      if (attempt.waiting.length > 1) return;
      attempt.events = attempt.events.then(() => runGroup(attempt));
    });
  }

  async function dispatch(attemptId: string, event: AttemptEvent): Promise<void> {
    const attempt = live.get(attemptId);
    if (!attempt || stopped) return;
    await enqueue(attempt, event, null);
  }

  function dispatchIfAt(attemptId: string, seq: number, event: AttemptEvent): Promise<boolean> {
    const attempt = live.get(attemptId);
    if (!attempt || stopped) return Promise.resolve(false);
    return enqueue(attempt, event, seq);
  }

  /** Whether a queued event is skipped rather than processed, the attempt being where it is. */
  function skipped(item: QueuedEvent, at: { done: boolean; seq: number }): boolean {
    return at.done || (item.ifAt !== null && at.seq !== item.ifAt);
  }

  /** Processes one queued event on its own, settling its dispatch; never rejects. */
  async function runOne(attempt: LiveAttempt, item: QueuedEvent): Promise<void> {
    try {
      if (skipped(item, attempt)) {
        item.resolve(false);
        return;
      }
      await process(attempt, item.event);
      item.resolve(true);
    } catch (error) {
      item.reject(error);
    }
  }

  /** Takes the events waiting for the attempt's turn and processes them; never rejects. */
  async function runGroup(attempt: LiveAttempt): Promise<void> {
    const group = attempt.waiting;
    attempt.waiting = [];
    if (group.length === 1 || !durable.inOrder) {
      for (const item of group) await runOne(attempt, item);
      return;
    }
    // Stepped ahead of the commit, each from the one before, as one at a time would.
    const plans: GroupPlan[] = [];
    let at = { snapshot: attempt.snapshot, seq: attempt.seq, done: attempt.done };
    for (const item of group) {
      if (skipped(item, at)) {
        plans.push({ item, kind: 'skip' });
        continue;
      }
      try {
        const planned = planStep(attempt.stored, at, item.event);
        plans.push({ item, kind: 'step', planned });
        at = { snapshot: planned.step.snapshot, seq: planned.seq, done: planned.step.done };
      } catch (error) {
        plans.push({ item, kind: 'error', error });
      }
    }
    const steps = plans.flatMap((p) => (p.kind === 'step' ? [p.planned] : []));
    if (steps.length > 0) {
      try {
        await durable.commitInOrder(
          steps.map((planned) => planned.commit),
          attempt.log,
          lentSync(endListeners, attempt.stored, attempt.log, steps),
        );
      } catch {
        // Refused or abandoned, nothing of it written: one at a time, each event
        // meets what it would have met alone (and is logged and rejected so).
        for (const item of group) await runOne(attempt, item);
        return;
      }
    }
    for (const p of plans) {
      if (p.kind === 'skip') p.item.resolve(false);
      else if (p.kind === 'error') p.item.reject(p.error);
      else {
        try {
          apply(attempt, p.planned);
          p.item.resolve(true);
        } catch (error) {
          // A listener threw: the event is committed and applied, as when alone.
          p.item.reject(error);
        }
      }
    }
  }

  async function process(attempt: LiveAttempt, event: AttemptEvent): Promise<void> {
    if (attempt.done) return;
    const planned = planStep(attempt.stored, attempt, event);
    await durable.commit(
      planned.commit,
      attempt.log,
      lentSync(endListeners, attempt.stored, attempt.log, [planned]),
    );
    apply(attempt, planned);
  }

  /** What follows an event's commit: the attempt's new state, its log line, timers, commands, listeners. */
  function apply(attempt: LiveAttempt, planned: PlannedStep): void {
    const { stored } = attempt;
    const { event, seq, step, start, cancel, outcome } = planned;
    attempt.snapshot = step.snapshot;
    attempt.seq = seq;
    attempt.done = step.done;
    // Built only when it is written: above info (a quiet server), a transition costs
    // no log object.
    if (attempt.log.isLevelEnabled('info')) {
      attempt.log.info(
        {
          seq,
          event: event.type,
          state: step.state,
          commands: step.commands.map((c) => c.type),
          ...(outcome ? { outcome } : {}),
        },
        'attempt transition',
      );
    }

    for (const timerId of cancel) disarm(attempt, timerId);
    for (const deadline of start) arm(attempt, deadline);
    // An event handled before `resumeTimers()` (reconciliation) may cancel or replace a
    // timer still held from the restart: the held deadline must not fire later.
    if (heldTimers.length > 0) {
      const changed = new Set([...cancel, ...start.map((deadline) => deadline.timerId)]);
      for (const held of heldTimers) {
        if (held.attempt === attempt) {
          held.deadlines = held.deadlines.filter((deadline) => !changed.has(deadline.timerId));
        }
      }
    }
    if (step.done) {
      for (const timerId of [...attempt.timers.keys()]) disarm(attempt, timerId);
      live.delete(stored.attemptId);
    }
    if (step.commands.length > 0) {
      attempt.commands = attempt.commands.then(() => execute(attempt, step.commands));
    }
    const transition = transitionOf(stored, planned);
    for (const listener of listeners) listener(transition);
  }

  async function execute(attempt: LiveAttempt, commands: AttemptCommand[]): Promise<void> {
    const control = deps.callControlFor?.(attempt.stored) ?? callControl;
    for (const command of commands) {
      try {
        await (control[command.type] as (params: AttemptCommand['params']) => Promise<void>)(
          command.params,
        );
      } catch (error) {
        const status = error instanceof CallControlError ? error.status : undefined;
        const message = error instanceof Error ? error.message : String(error);
        attempt.log.warn({ err: error, command: command.type, status }, 'command failed');
        await dispatch(attempt.stored.attemptId, {
          type: 'command.failed',
          at: clock.now(),
          command: command.type,
          ...(status === undefined ? {} : { status }),
          message,
        }).catch(() => {});
      }
    }
  }

  return {
    async start(stored) {
      const attempt = adopt(stored, { armTimers: true });
      await dispatch(stored.attemptId, { type: 'attempt.started', at: clock.now() });
      if (attempt.seq === 0) throw new Error(`attempt ${stored.attemptId} did not start`);
    },
    startClaimed(stored, first) {
      if (stopped) throw new Error(`attempt ${stored.attemptId} claimed after the runner stopped`);
      if (
        stored.seq !== 0 ||
        first.seq !== 1 ||
        first.commit.entry.attemptId !== stored.attemptId
      ) {
        throw new Error(`attempt ${stored.attemptId}: its first step does not follow its claim`);
      }
      const attempt = adopt(stored, { armTimers: true });
      // Committed with the claim: what follows a commit, as for any other event.
      apply(attempt, first);
    },
    dispatch,
    dispatchIfAt,
    async cancel(attemptId) {
      if (!live.has(attemptId)) return false;
      await dispatch(attemptId, { type: 'operator.canceled', at: clock.now() });
      return true;
    },
    async resumeOpenAttempts() {
      const open = await journal.listOpenAttempts();
      for (const stored of open) adopt(stored, { armTimers: false });
      resumed = true;
      for (const listener of resumedListeners) listener();
      resumedListeners.clear();
      return open;
    },
    resumeAttempts(attempts) {
      for (const stored of attempts) adopt(stored, { armTimers: false });
    },
    onResumed(listener) {
      if (resumed) {
        listener();
        return () => {};
      }
      resumedListeners.add(listener);
      return () => resumedListeners.delete(listener);
    },
    resumeTimers() {
      const held = heldTimers;
      heldTimers = [];
      for (const { attempt, deadlines } of held) {
        // An attempt that ended meanwhile (reconciled as lost) keeps no timer.
        if (attempt.done || live.get(attempt.stored.attemptId) !== attempt) continue;
        for (const deadline of deadlines) arm(attempt, deadline);
      }
    },
    isLive: (attemptId) => live.has(attemptId),
    liveAttemptIds: () => [...live.keys()],
    pbxOf: (attemptId) => live.get(attemptId)?.stored.input.pbx,
    onTransition(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onEndWritten(listener) {
      endListeners.add(listener);
      return () => endListeners.delete(listener);
    },
    async settled() {
      // Commands can dispatch events and events can queue commands: loop until quiet.
      for (;;) {
        const tails = [...live.values()].flatMap((a) => [a.events, a.commands]);
        await Promise.all(tails);
        const again = [...live.values()].flatMap((a) => [a.events, a.commands]);
        if (again.length === tails.length && again.every((p, i) => p === tails[i])) return;
      }
    },
    async stop() {
      stopped = true;
      // Events still waiting for storage stay open in the journal: the next start
      // reconciles them with Asterisk.
      durable.abandon();
      for (const attempt of live.values()) {
        for (const timerId of [...attempt.timers.keys()]) disarm(attempt, timerId);
      }
      await Promise.all([...live.values()].flatMap((a) => [a.events, a.commands]));
      live.clear();
    },
  };
}
