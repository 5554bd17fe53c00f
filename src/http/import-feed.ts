import type { Clock } from '../calls/ports.js';
import type { LeadImportJobListener } from '../intake/lead-import-jobs.js';
import type { LiveEventHub } from './live-event-hub.js';
import type { LiveEventData } from './live-event-schemas.js';

/**
 * Least time between two `import` events of one import (ms): at most 4 a second, which a
 * progress bar needs, while the importer reports after every batch of rows.
 */
export const IMPORT_EVENT_INTERVAL_MS = 250;

/** The data of an `import` event, as `/api/events` sends it. */
export type ImportEventData = LiveEventData['import'];

/**
 * Creates the listener that publishes background imports on the live feed: an `import`
 * event when one starts, on each change of phase, at most every 250 ms in between, and
 * always when it ends, so that a client sees the final state without asking.
 */
export function createImportFeed(deps: {
  hub: LiveEventHub;
  clock: Pick<Clock, 'now'>;
}): LeadImportJobListener {
  const lastSent = new Map<string, { at: number; phase: string }>();
  return (importId, status, ended) => {
    const { progress } = status;
    // The importer's own last report (`completed`, `failed`) is followed by the `ended` one.
    if (!ended && (progress.phase === 'completed' || progress.phase === 'failed')) return;
    const now = deps.clock.now();
    const last = lastSent.get(importId);
    const due =
      ended ||
      last === undefined ||
      last.phase !== progress.phase ||
      now - last.at >= IMPORT_EVENT_INTERVAL_MS;
    if (!due) return;
    if (ended) lastSent.delete(importId);
    else lastSent.set(importId, { at: now, phase: progress.phase });
    const data: ImportEventData = {
      importId,
      campaignId: status.campaignId,
      fileName: status.fileName,
      state: !ended ? 'running' : progress.phase === 'completed' ? 'completed' : 'failed',
      phase: progress.phase,
      percent:
        progress.percent === null
          ? null
          : ended && progress.phase === 'completed'
            ? 100
            : Math.round(progress.percent * 10) / 10,
      rowsRead: progress.counts.totalRows,
      rowsPerSecond: Math.round(progress.rowsPerSecond),
      elapsedMs: Math.round(progress.elapsedMs),
      counts: { ...progress.counts },
      error: status.error,
    };
    deps.hub.publish({ type: 'import', campaignId: status.campaignId, data });
  };
}
