import type { Logger } from 'pino';
import type { AttemptRunner } from './attempt-runner.js';
import type { ChannelReconciler } from './channel-reconciler.js';
import type { AttemptJournal, Clock, StoredAttempt } from './ports.js';

/**
 * A node's lease in a database several dialstate nodes share (PostgreSQL): the node
 * says it is alive, and takes over the open attempts of nodes that stopped saying so.
 */
export interface NodeLeaseStore {
  readonly nodeId: string;
  /** Records that this node is alive at `at` (epoch ms); its lease runs from then. */
  heartbeat(at: number): Promise<void>;
  /**
   * Makes this node the owner of every open attempt whose owner's lease had expired at
   * `at` (or that has no owner), atomically: two nodes doing it at once never both get
   * one. Returns the ids of the attempts taken over.
   */
  takeOverExpired(at: number): Promise<string[]>;
}

export interface NodeLeaseDeps {
  leases: NodeLeaseStore;
  clock: Clock;
  log: Logger;
  /** Time between heartbeats (ms); a few of them fit in the lease. */
  heartbeatMs: number;
  /**
   * Squares attempts just taken over with the PBX, exactly as a restart squares its own
   * (resume, reconcile with the channels Asterisk has, then arm their timers).
   */
  squareTakenOver(attemptIds: string[]): Promise<void>;
}

/** The heartbeat and takeover loop of one node. */
export interface NodeLease {
  /**
   * One heartbeat and one takeover now, then one every `heartbeatMs`; rejects if the
   * first fails. Call it before the start resumes this node's open attempts: what it
   * took over is among them then, and is squared with them, so it is not squared here.
   */
  start(): Promise<{ takenOver: string[] }>;
  /** One heartbeat and takeover, now (tests, and the start). */
  beat(): Promise<{ takenOver: string[] }>;
  /** Stops the loop, waiting for a beat in flight. The lease then runs out by itself. */
  stop(): Promise<void>;
}

/**
 * Creates the lease loop. Each beat renews the heartbeat first, then takes over what
 * dead nodes left: a node takes nothing over while its own lease is not renewed, and
 * never an attempt a live node runs. A beat that fails is logged and the next one tries
 * again; if beats fail for longer than the lease, other nodes take this node's attempts
 * and its later commits of them are refused (the journal checks the owner).
 */
export function createNodeLease(deps: NodeLeaseDeps): NodeLease {
  const { leases, clock, log, heartbeatMs } = deps;
  let timer: unknown = null;
  let stopped = false;
  let inFlight: Promise<unknown> = Promise.resolve();

  async function takeOver(): Promise<string[]> {
    await leases.heartbeat(clock.now());
    const takenOver = await leases.takeOverExpired(clock.now());
    if (takenOver.length > 0) {
      log.warn({ takenOver, nodeId: leases.nodeId }, 'took over the open attempts of a dead node');
    }
    return takenOver;
  }

  async function beat(): Promise<{ takenOver: string[] }> {
    const takenOver = await takeOver();
    if (takenOver.length > 0) await deps.squareTakenOver(takenOver);
    return { takenOver };
  }

  function arm(): void {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      timer = null;
      inFlight = inFlight
        .then(beat)
        .catch((error: unknown) => log.error({ err: error }, 'node heartbeat failed; retrying'))
        .finally(arm);
    }, heartbeatMs);
  }

  return {
    async start() {
      const first = takeOver();
      inFlight = first.catch(() => {});
      const takenOver = await first;
      arm();
      return { takenOver };
    },
    beat() {
      const next = inFlight.then(beat, beat);
      inFlight = next.catch(() => {});
      return next;
    },
    async stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await inFlight.catch(() => {});
    },
  };
}

/** What squaring attempts taken over needs: the restart path's parts. */
export interface TakeoverSquaringDeps {
  journal: Pick<AttemptJournal, 'loadAttempt'>;
  runner: Pick<AttemptRunner, 'resumeAttempts' | 'resumeTimers'>;
  reconciler: ChannelReconciler;
  /**
   * Makes this node hear the events of these attempts' channels, which Asterisk sends
   * to the Stasis app of the node that placed them (`PbxPool.adoptAppsOf`).
   */
  adoptApps(attempts: readonly StoredAttempt[]): Promise<void>;
  /** Moves on leads left dialing without a live attempt (`recoverOrphanedLeads`). */
  recoverLeads(): Promise<unknown>;
}

/**
 * Squares attempts just taken over from a dead node with the PBX, as a restart squares
 * its own: each still open is resumed (timers held), the dead node's Stasis app is
 * adopted so that their channels' events come here, the channels Asterisk has decide
 * which go on and which end `interrupted` (`channel.lost`), then the timers of those
 * going on are armed and leads left dialing are moved on.
 */
export async function squareTakenOverAttempts(
  deps: TakeoverSquaringDeps,
  attemptIds: readonly string[],
): Promise<void> {
  const loaded = await Promise.all(attemptIds.map((id) => deps.journal.loadAttempt(id)));
  const open = loaded.filter(
    (attempt): attempt is StoredAttempt => attempt !== undefined && !attempt.done,
  );
  deps.runner.resumeAttempts(open);
  // Their events go to the dead node's app: hear them before squaring, so that an event
  // after the reconciliation's look at the channels is not missed.
  await deps.adoptApps(open);
  await deps.reconciler.reconcile();
  deps.runner.resumeTimers();
  await deps.recoverLeads();
}
