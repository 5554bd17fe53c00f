import { createSignal, onCleanup } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { type Campaign, type CampaignStats, type DialingStatus, request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { subscribeLive } from '../api/live-events.js';

/** A campaign with its counters and dialing status, kept current from the live feed. */
export interface CampaignRow {
  campaign: Campaign;
  stats: CampaignStats | null;
  status: DialingStatus | null;
  /** Server time minus browser time when the status was read (ms), for the clocks. */
  clockSkewMs: number;
}

/** Epoch ms at which the dialing status will change by itself (window opens, lead due…). */
function nextStatusChange(status: DialingStatus): number | null {
  const detail = status.detail as { retryAt?: unknown };
  const candidates = [
    status.window.open ? status.window.closesAt : status.window.opensAt,
    status.nextDueAt,
    status.nextWindowOpensAt,
    typeof detail.retryAt === 'number' ? detail.retryAt : null,
  ].filter((t): t is number => typeof t === 'number' && t > status.serverTime);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/** The longest a status refresh waits for a known change (setTimeout's limit is ~24.8 days). */
const MAX_WAIT_MS = 2 ** 31 - 1;
/**
 * How long after a change the counters are read again for the abandoned-call rates,
 * which the feed does not carry (ms): changes within it share one read.
 */
const RATES_REREAD_MS = 3_000;

/**
 * The campaigns (all, or just `onlyId`) with counters and dialing status. Loads them
 * once, then follows `campaign` events; the dialing status is read again after each
 * event and at the instant the status said it would change (the window opening, the
 * next lead falling due), so nothing polls.
 */
export function createCampaignRows(onlyId?: string) {
  const [rows, setRows] = createStore<Record<string, CampaignRow>>({});
  const [order, setOrder] = createSignal<string[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const statusTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const rateTimers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Reads the counters (and so the rates) again shortly, once for a burst of changes. */
  function rereadRates(id: string): void {
    if (rateTimers.has(id) || disposed) return;
    rateTimers.set(
      id,
      setTimeout(() => {
        rateTimers.delete(id);
        void loadStats(id);
      }, RATES_REREAD_MS),
    );
  }
  const statusInFlight = new Map<string, { again: boolean }>();
  let disposed = false;

  async function loadAll(): Promise<void> {
    try {
      const campaigns =
        onlyId === undefined
          ? (await request('$get', '/campaigns', {})).campaigns
          : [await request('$get', '/campaigns/:id', { param: { id: onlyId } })];
      const fresh: Record<string, CampaignRow> = {};
      for (const campaign of campaigns) {
        fresh[campaign.id] = {
          campaign,
          stats: rows[campaign.id]?.stats ?? null,
          status: rows[campaign.id]?.status ?? null,
          clockSkewMs: rows[campaign.id]?.clockSkewMs ?? 0,
        };
      }
      setRows(reconcile(fresh));
      setOrder(campaigns.map((c) => c.id));
      setError(null);
      setLoaded(true);
      await Promise.all(campaigns.map((c) => Promise.all([loadStats(c.id), loadStatus(c.id)])));
    } catch (failure) {
      setError(describeFailure(failure));
      setLoaded(true);
    }
  }

  async function loadStats(id: string): Promise<void> {
    try {
      const stats = await request('$get', '/campaigns/:id/stats', { param: { id } });
      if (rows[id] !== undefined) setRows(id, 'stats', stats);
    } catch {
      // The campaign was deleted meanwhile, or the server is away: the feed will tell.
    }
  }

  /** Reads the status; a request while one is in flight runs once more after it. */
  async function loadStatus(id: string): Promise<void> {
    const inFlight = statusInFlight.get(id);
    if (inFlight !== undefined) {
      inFlight.again = true;
      return;
    }
    const marker = { again: false };
    statusInFlight.set(id, marker);
    try {
      const asked = Date.now();
      const status = await request('$get', '/campaigns/:id/status', { param: { id } });
      const answered = Date.now();
      if (rows[id] === undefined || disposed) return;
      setRows(id, 'status', status);
      setRows(id, 'clockSkewMs', status.serverTime - (asked + answered) / 2);
      scheduleStatus(id, status);
    } catch {
      // As above.
    } finally {
      statusInFlight.delete(id);
      if (marker.again && !disposed) void loadStatus(id);
    }
  }

  function scheduleStatus(id: string, status: DialingStatus): void {
    clearTimeout(statusTimers.get(id));
    const at = nextStatusChange(status);
    if (at === null) return;
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, at - status.serverTime) + 250);
    statusTimers.set(
      id,
      setTimeout(() => void loadStatus(id), wait),
    );
  }

  const unsubscribe = subscribeLive({
    campaign({ campaign, stats }) {
      if (onlyId !== undefined && campaign.id !== onlyId) return;
      if (rows[campaign.id] === undefined) {
        setRows(campaign.id, { campaign, stats: null, status: null, clockSkewMs: 0 });
        setOrder((ids) => [...ids, campaign.id]);
      } else {
        setRows(
          campaign.id,
          produce((row) => {
            row.campaign = campaign;
            // The feed's counters, with the rates read last (the feed has none).
            row.stats =
              row.stats === null ? null : { ...stats, abandonment: row.stats.abandonment };
          }),
        );
      }
      if (rows[campaign.id]?.stats === null) void loadStats(campaign.id);
      else rereadRates(campaign.id);
      void loadStatus(campaign.id);
    },
    reload: () => void loadAll(),
  });
  onCleanup(() => {
    disposed = true;
    unsubscribe();
    for (const timer of statusTimers.values()) clearTimeout(timer);
    for (const timer of rateTimers.values()) clearTimeout(timer);
  });

  void loadAll();

  return {
    rows,
    order,
    loaded,
    error,
    reload: loadAll,
    /** Puts a campaign the UI just changed (an action's answer) in place at once. */
    put(campaign: Campaign) {
      if (rows[campaign.id] === undefined) {
        setRows(campaign.id, { campaign, stats: null, status: null, clockSkewMs: 0 });
        setOrder((ids) => [...ids, campaign.id]);
      } else setRows(campaign.id, 'campaign', campaign);
      void loadStats(campaign.id);
      void loadStatus(campaign.id);
    },
    remove(id: string) {
      setOrder((ids) => ids.filter((x) => x !== id));
      setRows(produce((all) => delete all[id]));
    },
  };
}

export type CampaignRows = ReturnType<typeof createCampaignRows>;
