import { useNavigate } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { describeFailure } from '../api/api-failure.js';
import { CampaignActions } from '../components/campaign-actions.js';
import { Link } from '../components/link.js';
import { LiveCounters } from '../components/live-counters.js';
import { StatusBadge } from '../components/status-badge.js';
import { createCampaignRows } from '../state/campaign-rows.js';
import { notify } from '../state/notices.js';
import { systemHealth } from '../state/system-health.js';
import { startDemoCampaign } from '../view/demo-campaign.js';
import { formatCount } from '../view/format.js';

/** Every campaign with its status, live counters and why it is (not) dialing. */
export function CampaignsPage() {
  const navigate = useNavigate();
  const list = createCampaignRows();
  const [showArchived, setShowArchived] = createSignal(false);
  const visible = () =>
    list.order().filter((id) => showArchived() || list.rows[id]?.campaign.status !== 'archived');
  const [demoStarting, setDemoStarting] = createSignal(false);
  async function startDemo() {
    setDemoStarting(true);
    try {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
      navigate(`/campaigns/${encodeURIComponent(await startDemoCampaign(zone))}`);
    } catch (failure) {
      notify(`Could not start the demo: ${describeFailure(failure)}`, 'error');
    } finally {
      setDemoStarting(false);
    }
  }
  const archivedCount = () =>
    list.order().filter((id) => list.rows[id]?.campaign.status === 'archived').length;

  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title" tabindex="-1">
          Campaigns
        </h1>
        <Link href="/campaigns/new" class="button primary">
          New campaign
        </Link>
      </div>
      <Show when={list.error()}>
        {(message) => (
          <p class="error-box" role="alert">
            Could not load the campaigns: {message()}{' '}
            <button type="button" onClick={() => void list.reload()}>
              Try again
            </button>
          </p>
        )}
      </Show>
      <Show when={list.loaded()} fallback={<p class="muted">Loading campaigns…</p>}>
        <Show
          when={list.order().length > 0}
          fallback={
            <div class="empty">
              <p>No campaigns yet.</p>
              <Link href="/campaigns/new" class="button primary">
                Create one
              </Link>
              <Show when={systemHealth()?.simulated}>
                <p>
                  Or watch one run against the simulated PBX: eight leads, each a different kind of
                  call (accepted, declined, silent, voicemail, busy, no answer…).
                </p>
                <button type="button" disabled={demoStarting()} onClick={() => void startDemo()}>
                  {demoStarting() ? 'Starting the demo…' : 'Start a demo campaign'}
                </button>
              </Show>
            </div>
          }
        >
          <Show when={archivedCount() > 0}>
            <label class="checkbox">
              <input
                type="checkbox"
                checked={showArchived()}
                onChange={(e) => setShowArchived(e.currentTarget.checked)}
              />
              Show archived campaigns ({archivedCount()})
            </label>
          </Show>
          <ul class="campaign-list">
            <For each={visible()}>
              {(id) => {
                const row = () => list.rows[id];
                return (
                  <Show when={row()}>
                    {(r) => (
                      <li class="campaign-card" data-campaign-id={id}>
                        <div class="card-head">
                          <h2>
                            <Link href={`/campaigns/${encodeURIComponent(id)}`}>
                              {r().campaign.name}
                            </Link>
                          </h2>
                          <StatusBadge status={r().campaign.status} />
                          <Show when={r().stats}>
                            {(stats) => (
                              <span class="muted">
                                {formatCount(stats().leads.pending ?? 0)} pending of{' '}
                                {formatCount(
                                  Object.values(stats().leads).reduce((a, b) => a + b, 0),
                                )}{' '}
                                leads
                              </span>
                            )}
                          </Show>
                        </div>
                        <p class="why" data-why-not-dialing>
                          {r().status?.message ?? ' '}
                        </p>
                        <LiveCounters stats={r().stats} label={r().campaign.name} />
                        <CampaignActions
                          campaign={r().campaign}
                          onChanged={(c) => list.put(c)}
                          onDeleted={(deleted) => list.remove(deleted)}
                        />
                      </li>
                    )}
                  </Show>
                );
              }}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
