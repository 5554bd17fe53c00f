import { useNavigate } from '@solidjs/router';
import { createResource, For, onCleanup, Show } from 'solid-js';
import { request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { subscribeLive } from '../api/live-events.js';
import { AttemptTimeline } from '../components/attempt-timeline.js';
import { LeadActions } from '../components/lead-actions.js';
import { Link } from '../components/link.js';
import { describeCallingZones, leadDisplayZone } from '../view/calling-zones.js';
import { formatDateTime } from '../view/format.js';
import { outcomeLabel } from '../view/labels.js';

/** A lead's call history: every attempt, newest first, each with its timeline. */
export function LeadPage(props: { campaignId: string; leadId: string }) {
  const navigate = useNavigate();
  const [campaign] = createResource(
    () => props.campaignId,
    (id) => request('$get', '/campaigns/:id', { param: { id } }),
  );
  const [lead, { mutate: setLead, refetch: refetchLead }] = createResource(
    () => props.leadId,
    (id) => request('$get', '/leads/:id', { param: { id } }),
  );
  const [attempts, { refetch: refetchAttempts }] = createResource(
    () => props.leadId,
    async (id) => (await request('$get', '/leads/:id/attempts', { param: { id } })).attempts,
  );
  const unsubscribe = subscribeLive({
    attempt(event) {
      if (event.leadId !== props.leadId) return;
      // A new attempt appears in the list; the lead's state and counters change at the end.
      if (!attempts.latest?.some((a) => a.id === event.attemptId)) void refetchAttempts();
      if (event.done || event.seq <= 1) void refetchLead();
    },
    reload: () => {
      void refetchLead();
      void refetchAttempts();
    },
  });
  onCleanup(unsubscribe);
  const campaignZone = () => campaign.latest?.timezone ?? 'UTC';
  const timezone = () => {
    const current = lead.latest;
    return current ? leadDisplayZone(current, campaignZone()) : campaignZone();
  };
  const campaignHref = () => `/campaigns/${encodeURIComponent(props.campaignId)}`;

  return (
    <section aria-labelledby="page-title">
      <p class="breadcrumbs">
        <Link href="/">Campaigns</Link> ›{' '}
        <Link href={campaignHref()}>{campaign.latest?.name ?? 'Campaign'}</Link> ›
      </p>
      <Show when={lead.error}>
        <p class="error-box" role="alert">
          {describeFailure(lead.error)}
        </p>
      </Show>
      <Show when={lead.latest}>
        {(l) => (
          <>
            <div class="page-head">
              <h1 id="page-title" tabindex="-1">
                {l().name ?? l().phone}
              </h1>
              <span class={`state state-${l().state}`}>{l().state}</span>
              <LeadActions
                lead={l()}
                onChanged={(next) => setLead(next)}
                onDeleted={() => navigate(campaignHref())}
              />
            </div>
            <dl class="facts">
              <div>
                <dt>Number</dt>
                <dd class="mono">{l().phone}</dd>
              </div>
              <div>
                <dt>Attempts</dt>
                <dd>{l().attempts}</dd>
              </div>
              <div>
                <dt>Last outcome</dt>
                <dd>{outcomeLabel(l().lastOutcome)}</dd>
              </div>
              <div>
                <dt>Next attempt</dt>
                <dd>
                  {l().state === 'pending'
                    ? formatDateTime(l().nextAttemptAt || null, timezone())
                    : '—'}
                </dd>
              </div>
              <div>
                <dt>Called in</dt>
                <dd>{describeCallingZones(l(), campaignZone())}</dd>
              </div>
            </dl>
            <Show when={l().state === 'pending' && l().waitReason}>
              {(reason) => <p>Waits: {reason()}</p>}
            </Show>
            <Show when={l().lastError}>
              {(error) => <p class="error-cell">Last error: {error()}</p>}
            </Show>
          </>
        )}
      </Show>
      <h2>Call history</h2>
      <Show when={attempts.latest?.length === 0}>
        <p class="empty">No call yet: this lead has not been dialed.</p>
      </Show>
      <For each={attempts.latest ?? []}>
        {(attempt) => <AttemptTimeline attempt={attempt} timezone={timezone()} />}
      </For>
    </section>
  );
}
