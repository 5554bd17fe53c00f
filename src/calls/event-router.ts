import type { Logger } from 'pino';
import type { AttemptRunner } from './attempt-runner.js';
import type { ChannelReconciler } from './channel-reconciler.js';
import type { AttemptEventSource } from './ports.js';

/** The wiring between the event source and the runner; `stop()` undoes it. */
export interface EventRouter {
  stop(): void;
}

/**
 * Routes every delivered event to its attempt through `runner.dispatch` (which keeps
 * each attempt's events in order and ignores attempts that are not live), tells every
 * live attempt when the connection to the PBX is lost (a call cut with cause 0 just
 * before is the PBX going away, not the callee), and, after each reconnect, reconciles
 * live attempts with the channels Asterisk still has.
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
  const unsubscribe = [
    source.onEvent(({ attemptId, event }) => {
      // Channel ids are unique across PBXs: this is a stray, not a call of ours here.
      if (!owns(attemptId)) return;
      runner.dispatch(attemptId, event).catch((error: unknown) => {
        // The runner logged the failed commit; this only ties it to the delivery.
        log.error({ err: error, attemptId, event: event.type }, 'event could not be recorded');
      });
    }),
    source.onConnectionLost(({ reason, at }) => {
      const live = runner.liveAttemptIds().filter(owns);
      log.warn({ reason, liveAttempts: live.length }, 'lost the connection to the PBX');
      for (const attemptId of live) {
        runner.dispatch(attemptId, { type: 'pbx.lost', at, reason }).catch((error: unknown) => {
          log.error({ err: error, attemptId }, 'the connection loss could not be recorded');
        });
      }
    }),
    source.onReconnected(async () => {
      const report = await reconciler.reconcile();
      log.info(report, 'reconciled attempts after an ARI reconnect');
    }),
  ];
  return {
    stop() {
      for (const off of unsubscribe) off();
    },
  };
}
