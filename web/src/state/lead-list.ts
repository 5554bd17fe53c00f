import { batch, createSignal, onCleanup } from 'solid-js';
import { type Lead, type LeadListQuery, request } from '../api/api.js';
import { ApiFailure, describeFailure } from '../api/api-failure.js';
import { subscribeLive } from '../api/live-events.js';

/** Rows asked per page: the API's largest. */
const PAGE = 200;
/** Live changes to loaded leads are read back in batches at most this often (ms). */
const REFRESH_MS = 300;

export type LeadFilters = Pick<LeadListQuery, 'state' | 'outcome' | 'q'>;

/**
 * A campaign's leads as the table shows them: pages loaded as the table scrolls (the
 * API pages with a cursor), and the loaded leads kept current from the live feed: each
 * `attempt` event of a loaded lead has it read again, batched.
 */
export function createLeadList(campaignId: string, filters: () => LeadFilters) {
  const [rows, setRows] = createSignal<Lead[]>([]);
  const [hasMore, setHasMore] = createSignal(true);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let cursor: string | null = null;
  let generation = 0;
  /** The page being read: one at a time, whoever asks (the table as it scrolls, a reset). */
  let inFlight: Promise<void> | null = null;
  const indexById = new Map<string, number>();
  const stale = new Set<string>();
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;

  function reindex(list: readonly Lead[], from = 0) {
    for (let i = from; i < list.length; i++) indexById.set((list[i] as Lead).id, i);
  }

  /**
   * Starts over from the first page (filters changed, or the feed says events were missed).
   * The rows shown stay until the first page arrives and then take its leads in place: the
   * table keeps its row elements (and whatever has focus in them, an open menu's button)
   * instead of emptying and building every row again.
   */
  function reset(): Promise<void> {
    generation++;
    cursor = null;
    inFlight = null;
    batch(() => {
      setHasMore(true);
      setLoading(false);
    });
    return loadMore();
  }

  function loadMore(): Promise<void> {
    if (inFlight !== null) return inFlight;
    if (!hasMore()) return Promise.resolve();
    // Claimed before reading starts: the signals readPage sets re-run the table's effect,
    // which must find this page already in flight.
    let settle = () => {};
    const page = new Promise<void>((resolve) => {
      settle = resolve;
    });
    inFlight = page;
    void readPage(generation).finally(() => {
      if (inFlight === page) inFlight = null;
      settle();
    });
    return page;
  }

  async function readPage(mine: number): Promise<void> {
    setLoading(true);
    try {
      const page = await request('$get', '/campaigns/:id/leads', {
        param: { id: campaignId },
        query: { ...filters(), limit: PAGE, ...(cursor === null ? {} : { cursor }) },
      });
      if (mine !== generation) return;
      // The first page of a reset replaces the rows kept shown until now.
      const first = cursor === null;
      const before = first ? 0 : rows().length;
      const next = first ? page.leads : [...rows(), ...page.leads];
      if (first) indexById.clear();
      reindex(next, before);
      setRows(next);
      cursor = page.nextCursor;
      setHasMore(page.hasMore);
      setError(null);
    } catch (failure) {
      if (mine !== generation) return;
      setError(describeFailure(failure));
      // The rows kept through a reset are not what was asked for: show none.
      if (cursor === null) {
        indexById.clear();
        setRows([]);
      }
      // No more automatic pages after a failure: the table would ask again at once.
      setHasMore(false);
    } finally {
      if (mine === generation) setLoading(false);
    }
  }

  /** Puts leads' new versions in their rows (after an action, or live changes): one copy. */
  function replace(...leads: Lead[]) {
    const next = rows().slice();
    let changed = false;
    for (const lead of leads) {
      const i = indexById.get(lead.id);
      if (i === undefined) continue;
      next[i] = lead;
      changed = true;
    }
    if (changed) setRows(next);
  }

  function remove(id: string) {
    const i = indexById.get(id);
    if (i === undefined) return;
    const next = rows().filter((lead) => lead.id !== id);
    indexById.clear();
    reindex(next);
    setRows(next);
  }

  async function refreshStale() {
    refreshTimer = undefined;
    const ids = [...stale];
    stale.clear();
    // A reset while these were read (a stop that canceled the pending leads, say) has read
    // the rows afresh: versions read before it would put the old states back.
    const mine = generation;
    const fresh = await Promise.all(
      ids.map((id) =>
        request('$get', '/leads/:id', { param: { id } }).catch((error: unknown) => {
          // Deleted meanwhile: its row goes; any other failure keeps the row as it was.
          if (error instanceof ApiFailure && error.status === 404) remove(id);
          return null;
        }),
      ),
    );
    if (mine === generation) replace(...fresh.filter((lead): lead is Lead => lead !== null));
  }

  const unsubscribe = subscribeLive({
    attempt(event) {
      if (event.campaignId !== campaignId || !indexById.has(event.leadId)) return;
      stale.add(event.leadId);
      refreshTimer ??= setTimeout(() => void refreshStale(), REFRESH_MS);
    },
    // An operator (here or elsewhere) changed leads: reread those shown, or all of them.
    leads(event) {
      if (event.campaignId !== campaignId) return;
      if (event.leadIds === null || event.leadIds.some((id) => !indexById.has(id))) {
        void reset();
        return;
      }
      for (const id of event.leadIds) stale.add(id);
      refreshTimer ??= setTimeout(() => void refreshStale(), REFRESH_MS);
    },
    // A background import has added leads, maybe after its dialog was closed.
    import(event) {
      if (event.campaignId === campaignId && event.state === 'completed') void reset();
    },
    reload: () => void reset(),
  });
  onCleanup(() => {
    unsubscribe();
    clearTimeout(refreshTimer);
  });

  return { rows, hasMore, loading, error, loadMore, reset, replace, remove };
}

export type LeadList = ReturnType<typeof createLeadList>;
