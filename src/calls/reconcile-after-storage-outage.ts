import type { Logger } from 'pino';
import type { ChannelReconciler } from './channel-reconciler.js';
import type { StorageHealth } from './storage-health.js';

/**
 * Once storage that was unwritable takes writes again, squares the engine with the PBX as
 * a restart does (DESIGN §2): the events held meanwhile are committed first (the
 * reconciler waits for the runner to settle), then every live attempt whose channel
 * Asterisk no longer has gets `channel.lost`, leads left dialing without a live attempt
 * move on, and the scheduler looks for calls at once. Returns the unsubscribe function.
 */
export function reconcileAfterStorageOutage(deps: {
  storage: Pick<StorageHealth, 'onRecovered'>;
  reconciler: ChannelReconciler;
  /** Moves leads left `dialing` without a live attempt on (`recoverOrphanedLeads`). */
  recoverLeads(): Promise<unknown>;
  /** Claiming resumes: a scheduler pass now. */
  resume(): void;
  log: Logger;
}): () => void {
  const { reconciler, log } = deps;
  return deps.storage.onRecovered(() => {
    void (async () => {
      try {
        const report = await reconciler.reconcile();
        await deps.recoverLeads();
        log.info(report, 'reconciled open attempts after the storage outage');
      } catch (error) {
        // ARI down too: its own reconnect reconciles again, and the next pass retries.
        log.error({ err: error }, 'could not reconcile open attempts after the storage outage');
      } finally {
        deps.resume();
      }
    })();
  });
}
