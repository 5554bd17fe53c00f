import type { Logger } from 'pino';
import type { AttemptRunner } from './attempt-runner.js';
import type { ChannelReconciler } from './channel-reconciler.js';
import type { AttemptEventDelivery, AttemptEventSource } from './ports.js';

/**
 * Most deliveries held while the open attempts are being resumed. A restart meets a few
 * events per open call (an AMD verdict, a hang-up): this bounds memory if resuming never
 * finishes, far above what a PBX's channels can send in that time.
 */
export const MAX_HELD_BEFORE_RESUME = 10_000;

/** The wiring between the event source and the runner; `stop()` undoes it. */
export interface EventRouter {
  stop(): void;
}

/** What arrived before the runner resumed its open attempts, in arrival order. */
type HeldDelivery =
  | { kind: 'event'; delivery: AttemptEventDelivery }
  | { kind: 'lost'; loss: { reason: string; at: number }; told: ReadonlySet<string> };

/**
 * Routes every delivered event to its attempt through `runner.dispatch` (which keeps
 * each attempt's events in order and ignores attempts that are not live), tells every
 * live attempt when the connection to the PBX is lost (a call cut with cause 0 just
 * before is the PBX going away, not the callee), and, after each reconnect, reconciles
 * live attempts with the channels Asterisk still has.
 *
 * Until the runner has resumed the attempts a previous run left open, an event for an
 * attempt it does not hold is kept, not dropped: after a restart, a caller waiting in
 * the AMD hop returns with its verdict as soon as the app is connected again, which can
 * be before those attempts are restored. Once they are, the kept events (and any loss
 * of the connection meanwhile) are delivered in the order they came.
 */
export function createEventRouter(deps: {
  source: AttemptEventSource;
  runner: AttemptRunner;
  reconciler: ChannelReconciler;
  log: Logger;
  /**
   * Whether an attempt lives on this source's PBX (several PBXs): only those hear of
   * its connection loss or take its events. Every attempt when not given.
   */
  owns?: (attemptId: string) => boolean;
}): EventRouter {
  const { source, runner, reconciler, log } = deps;
  const owns = deps.owns ?? (() => true);
  let held: HeldDelivery[] | null = [];
  let dropped = 0;

  function deliver({ attemptId, event }: AttemptEventDelivery): void {
    // Channel ids are unique across PBXs: this is a stray, not a call of ours here.
    if (!owns(attemptId)) return;
    runner.dispatch(attemptId, event).catch((error: unknown) => {
      // The runner logged the failed commit; this only ties it to the delivery.
      log.error({ err: error, attemptId, event: event.type }, 'event could not be recorded');
    });
  }

  function tellLoss(loss: { reason: string; at: number }, attemptIds: string[]): void {
    for (const attemptId of attemptIds) {
      runner
        .dispatch(attemptId, { type: 'pbx.lost', at: loss.at, reason: loss.reason })
        .catch((error: unknown) => {
          log.error({ err: error, attemptId }, 'the connection loss could not be recorded');
        });
    }
  }

  function hold(item: HeldDelivery, queue: HeldDelivery[]): void {
    if (queue.length < MAX_HELD_BEFORE_RESUME) queue.push(item);
    else dropped += 1;
  }

  // Dispatch enqueues synchronously, so the kept events are ahead of any that come next.
  function release(): void {
    const queue = held ?? [];
    held = null;
    if (dropped > 0) {
      log.error(
        { dropped, kept: queue.length },
        'events that came while open attempts were resumed were dropped: too many',
      );
    }
    for (const item of queue) {
      if (item.kind === 'event') deliver(item.delivery);
      else
        tellLoss(
          item.loss,
          runner.liveAttemptIds().filter((id) => owns(id) && !item.told.has(id)),
        );
    }
  }

  const unsubscribe = [
    source.onEvent((delivery) => {
      if (held && !runner.isLive(delivery.attemptId)) hold({ kind: 'event', delivery }, held);
      else deliver(delivery);
    }),
    source.onConnectionLost((loss) => {
      const live = runner.liveAttemptIds().filter(owns);
      log.warn(
        { reason: loss.reason, liveAttempts: live.length },
        'lost the connection to the PBX',
      );
      tellLoss(loss, live);
      // Attempts resumed later hear of it after the events that came before it.
      if (held) hold({ kind: 'lost', loss, told: new Set(live) }, held);
    }),
    source.onReconnected(async () => {
      const report = await reconciler.reconcile();
      log.info(report, 'reconciled attempts after an ARI reconnect');
    }),
    runner.onResumed(release),
  ];
  return {
    stop() {
      held = null;
      for (const off of unsubscribe) off();
    },
  };
}
