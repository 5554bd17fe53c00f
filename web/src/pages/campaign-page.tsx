import { useNavigate } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { AbandonRates } from '../components/abandon-rates.js';
import { CampaignActions } from '../components/campaign-actions.js';
import { CampaignClocks } from '../components/campaign-clocks.js';
import { ErrorBox } from '../components/error-box.js';
import { Link } from '../components/link.js';
import { LiveCounters } from '../components/live-counters.js';
import { StatusBadge } from '../components/status-badge.js';
import { createCampaignRows } from '../state/campaign-rows.js';
import { formatCount } from '../view/format.js';
import { LeadsPanel } from './leads-panel.js';

/** One campaign: clocks, why it is (not) dialing, counters, actions and its leads. */
export function CampaignPage(props: { id: string }) {
  const navigate = useNavigate();
  const one = createCampaignRows(props.id);
  const row = () => one.rows[props.id];

  return (
    <section aria-labelledby="page-title">
      <p class="breadcrumbs">
        <Link href="/">Campaigns</Link> ›
      </p>
      <ErrorBox message={one.error()} />
      <Show when={row()} fallback={<Show when={!one.error()}>Loading…</Show>}>
        {(r) => (
          <>
            <div class="page-head">
              <h1 id="page-title" tabindex="-1">
                {r().campaign.name}
              </h1>
              <StatusBadge status={r().campaign.status} />
              <Link href={`/campaigns/${encodeURIComponent(props.id)}/edit`} class="button">
                Edit settings
              </Link>
            </div>
            <CampaignActions
              campaign={r().campaign}
              onChanged={(c) => (c.id === props.id ? one.put(c) : undefined)}
              onDeleted={() => navigate('/')}
            />
            <CampaignClocks
              campaign={r().campaign}
              status={r().status}
              clockSkewMs={r().clockSkewMs}
            />
            <p class="why why-large" data-why-not-dialing aria-live="polite">
              <Show when={r().status} fallback="…">
                {(status) => (
                  <>
                    <span
                      class={status().dialing ? 'dot dot-on' : 'dot dot-off'}
                      aria-hidden="true"
                    />
                    {status().dialing ? 'Dialing: ' : 'Not dialing: '}
                    {status().message}
                  </>
                )}
              </Show>
            </p>
            <LiveCounters stats={r().stats} label={r().campaign.name} />
            <AbandonRates abandonment={r().stats?.abandonment} />
            <Show when={r().stats}>
              {(stats) => (
                <dl class="lead-states">
                  <For each={Object.entries(stats().leads)}>
                    {([state, n]) => (
                      <div>
                        <dt>{state}</dt>
                        <dd data-lead-state={state}>{formatCount(n)}</dd>
                      </div>
                    )}
                  </For>
                </dl>
              )}
            </Show>
            <LeadsPanel campaign={r().campaign} stats={r().stats} />
          </>
        )}
      </Show>
    </section>
  );
}
