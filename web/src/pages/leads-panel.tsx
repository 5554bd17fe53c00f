import { createResource, createSignal, For, Show } from 'solid-js';
import { apiUrl, type Campaign, type CampaignStats, type LeadState } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { downloadFile } from '../api/download.js';
import { loadServerMeta } from '../api/server-meta.js';
import { ImportDialog } from '../components/import-dialog.js';
import { LeadsTable } from '../components/leads-table.js';
import { SearchInput } from '../components/search-input.js';
import { createLeadList, type LeadFilters } from '../state/lead-list.js';
import { notify } from '../state/notices.js';
import { formatCount } from '../view/format.js';
import { outcomeLabel } from '../view/labels.js';

const STATES: LeadState[] = ['pending', 'dialing', 'completed', 'failed', 'canceled', 'dnc'];

/** The campaign's leads: filters, search, the table, export and import. */
export function LeadsPanel(props: { campaign: Campaign; stats: CampaignStats | null }) {
  const [filters, setFilters] = createSignal<LeadFilters>({});
  const list = createLeadList(props.campaign.id, filters);
  void list.loadMore();
  const [importing, setImporting] = createSignal(false);
  // The outcomes the server reports; until they are read the filter offers "any" alone.
  const [meta] = createResource(() => loadServerMeta().catch(() => null));

  const change = (patch: LeadFilters) => {
    setFilters((current) => {
      const next = { ...current, ...patch };
      for (const key of Object.keys(next) as (keyof LeadFilters)[]) {
        if (next[key] === '' || next[key] === undefined) delete next[key];
      }
      return next;
    });
    void list.reset();
  };

  /** How many leads the filters match, when the counters can tell (state or nothing). */
  const total = () => {
    const f = filters();
    if (props.stats === null || f.q !== undefined || f.outcome !== undefined) return null;
    if (f.state !== undefined) return props.stats.leads[f.state] ?? 0;
    return Object.values(props.stats.leads).reduce((a, b) => a + b, 0);
  };
  const filtered = () => Object.keys(filters()).length > 0;

  const exportCsv = async () => {
    try {
      await downloadFile(
        apiUrl('/campaigns/:id/leads/export.csv', { id: props.campaign.id }, filters()),
        `${props.campaign.name}-leads.csv`,
      );
    } catch (error) {
      notify(`Export failed: ${describeFailure(error)}`, 'error');
    }
  };

  return (
    <section class="leads-panel" aria-labelledby="leads-title">
      <div class="toolbar">
        <h2 id="leads-title">Leads</h2>
        <SearchInput
          label="Search leads by number or name"
          placeholder="Search number or name"
          onSearch={(q) => change({ q })}
        />
        <label>
          State{' '}
          <select onChange={(e) => change({ state: e.currentTarget.value as LeadState })}>
            <option value="">any</option>
            <For each={STATES}>{(state) => <option value={state}>{state}</option>}</For>
          </select>
        </label>
        <label>
          Outcome{' '}
          <select
            onChange={(e) =>
              change({ outcome: e.currentTarget.value as NonNullable<LeadFilters['outcome']> })
            }
          >
            <option value="">any</option>
            <For each={meta()?.outcomes ?? []}>
              {(outcome) => <option value={outcome}>{outcomeLabel(outcome)}</option>}
            </For>
          </select>
        </label>
        <button type="button" class="primary" onClick={() => setImporting(true)}>
          Import leads
        </button>
        <button type="button" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <p class="muted table-count" aria-live="polite">
        {formatCount(list.rows().length)} loaded
        <Show when={total() !== null}> of {formatCount(total() ?? 0)}</Show>
        <Show when={total() === null && list.hasMore()}> (more below)</Show>
      </p>
      <Show when={list.error()}>
        {(message) => (
          <p class="error-box" role="alert">
            Could not load leads: {message()}{' '}
            <button type="button" onClick={() => void list.reset()}>
              Try again
            </button>
          </p>
        )}
      </Show>
      <Show
        when={list.rows().length > 0 || list.loading() || list.hasMore()}
        fallback={
          <div class="empty">
            <Show when={filtered()} fallback={<p>No leads yet — import a CSV file to add some.</p>}>
              <p>No lead matches these filters.</p>
            </Show>
          </div>
        }
      >
        <LeadsTable campaign={props.campaign} list={list} total={total()} />
      </Show>
      <Show when={importing()}>
        <ImportDialog
          campaign={props.campaign}
          onClose={(imported) => {
            setImporting(false);
            if (imported) void list.reset();
          }}
        />
      </Show>
    </section>
  );
}
