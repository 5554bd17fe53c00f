import type { Logger } from 'pino';
import type { AttemptTransition } from '../calls/attempt-runner.js';
import type { Clock } from '../calls/ports.js';
import type { LiveEventHub } from './live-event-hub.js';
import type { LiveEventData } from './live-event-schemas.js';

/** Reads a campaign's status and counters for a `campaign` event; undefined once it is gone. */
export type CampaignSnapshotReader = (
  campaignId: string,
) => Promise<LiveEventData['campaign'] | undefined>;

/** Feeds the hub: attempt transitions as they commit, campaign counters shortly after. */
export interface LiveFeed {
  /** A transition of an attempt, already committed to the journal. */
  attemptTransition(transition: AttemptTransition): void;
  /** Something about the campaign changed (status, settings, leads): send its counters. */
  campaignChanged(campaignId: string): void;
  /**
   * Leads of the campaign changed other than by a call (an operator's action, an import,
   * a stop that canceled the pending ones): `leadIds`, or null when too many to list, so
   * that open lead tables reload them. Sends the counters too.
   */
  leadsChanged(campaignId: string, leadIds: readonly string[] | null): void;
  stop(): void;
}

/** Least time between two `campaign` events of one campaign: counters cost a few queries. */
const COUNTERS_INTERVAL_MS = 250;

/**
 * Creates the feed. Attempt transitions go out at once (the UI's timelines follow the
 * call); campaign counters at most every 250 ms per campaign, always once more after the
 * last change, so the final numbers (and a status the scheduler set right after the
 * last call, such as `completed`) reach the clients.
 */
export function createLiveFeed(deps: {
  hub: LiveEventHub;
  readCampaign: CampaignSnapshotReader;
  clock: Clock;
  log: Logger;
}): LiveFeed {
  const { hub, clock } = deps;
  const pending = new Map<string, { timer: unknown; dirty: boolean }>();
  let stopped = false;

  async function sendCounters(campaignId: string): Promise<void> {
    try {
      const snapshot = await deps.readCampaign(campaignId);
      if (snapshot !== undefined && !stopped) {
        hub.publish({ type: 'campaign', campaignId, data: snapshot });
      }
    } catch (error) {
      deps.log.warn(
        { err: error, campaignId },
        'could not read campaign counters for the live feed',
      );
    }
  }

  function arm(campaignId: string): void {
    const timer = clock.setTimeout(() => {
      const entry = pending.get(campaignId);
      pending.delete(campaignId);
      if (entry?.dirty && !stopped) {
        void sendCounters(campaignId);
        // Changes during this window get one more event after the next interval.
        pending.set(campaignId, { timer: null, dirty: false });
        arm(campaignId);
      }
    }, COUNTERS_INTERVAL_MS);
    const entry = pending.get(campaignId);
    if (entry) entry.timer = timer;
    else pending.set(campaignId, { timer, dirty: false });
  }

  return {
    attemptTransition(t) {
      hub.publish({
        type: 'attempt',
        campaignId: t.campaignId,
        data: {
          attemptId: t.attemptId,
          leadId: t.leadId,
          campaignId: t.campaignId,
          seq: t.seq,
          event: t.event.type,
          at: t.event.at,
          state: t.state,
          done: t.done,
          outcome: t.outcome,
        },
      });
      this.campaignChanged(t.campaignId);
    },
    campaignChanged(campaignId) {
      if (stopped) return;
      const entry = pending.get(campaignId);
      if (entry) {
        entry.dirty = true;
        return;
      }
      // Quiet until now: send at once, then hold further ones for the interval.
      void sendCounters(campaignId);
      arm(campaignId);
    },
    leadsChanged(campaignId, leadIds) {
      if (stopped) return;
      hub.publish({
        type: 'leads',
        campaignId,
        data: { campaignId, leadIds: leadIds === null ? null : [...leadIds] },
      });
      this.campaignChanged(campaignId);
    },
    stop() {
      stopped = true;
      for (const entry of pending.values()) clock.clearTimeout(entry.timer);
      pending.clear();
    },
  };
}
