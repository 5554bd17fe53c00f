import { createEffect, createMemo, createSignal, Index, onCleanup, onMount, Show } from 'solid-js';
import type { Campaign, Lead } from '../api.js';
import { wallClock } from '../clock.js';
import { formatDateTime, formatDuration, formatShortDateTime } from '../format.js';
import { outcomeLabel } from '../labels.js';
import type { LeadList } from '../lead-list.js';
import { visibleRange } from '../virtual-window.js';
import { LeadActions } from './lead-actions.js';
import { Link } from './link.js';

/** Every row is this tall (px; styles.css agrees), which is what makes the window math exact. */
export const LEAD_ROW_HEIGHT = 36;
/** Pages are asked for when fewer rows than this are left below the screen. */
const PREFETCH_ROWS = 150;

/**
 * The leads, virtualised: only the rows on screen (and a few either side) are in the
 * DOM, so scrolling stays smooth at 100,000 leads; more pages load as the end nears.
 */
export function LeadsTable(props: { campaign: Campaign; list: LeadList; total: number | null }) {
  let scroller: HTMLElement | undefined;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(600);
  const range = createMemo(() =>
    visibleRange({
      count: props.list.rows().length,
      rowHeight: LEAD_ROW_HEIGHT,
      scrollTop: scrollTop(),
      viewportHeight: viewport(),
      overscan: 8,
    }),
  );
  const visible = createMemo(() => props.list.rows().slice(range().start, range().end));

  let frame = 0;
  const onScroll = () => {
    if (frame !== 0) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (scroller) setScrollTop(scroller.scrollTop);
    });
  };
  onMount(() => {
    if (scroller === undefined) return;
    const observer = new ResizeObserver(() => setViewport(scroller?.clientHeight ?? 600));
    observer.observe(scroller);
    onCleanup(() => observer.disconnect());
  });
  onCleanup(() => cancelAnimationFrame(frame));

  createEffect(() => {
    const { end } = range();
    if (
      props.list.hasMore() &&
      !props.list.loading() &&
      end > props.list.rows().length - PREFETCH_ROWS
    ) {
      void props.list.loadMore();
    }
  });

  return (
    <section
      class="table-scroll"
      ref={scroller}
      onScroll={onScroll}
      // Focusable so that the keyboard can scroll it.
      tabindex="0"
      aria-label={`Leads of ${props.campaign.name}`}
    >
      <table class="leads" aria-rowcount={(props.total ?? props.list.rows().length) + 1}>
        <colgroup>
          <col class="w-name" />
          <col class="w-phone" />
          <col class="w-state" />
          <col class="w-num" />
          <col class="w-outcome" />
          <col class="w-amd" />
          <col class="w-num" />
          <col class="w-error" />
          <col class="w-time" />
          <col class="w-duration" />
          <col class="w-actions" />
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Name</th>
            <th scope="col">Number</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Outcome</th>
            <th scope="col">AMD</th>
            <th scope="col">DTMF</th>
            <th scope="col">Last error</th>
            <th scope="col">Time ({props.campaign.timezone})</th>
            <th scope="col">Duration</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          <tr class="pad" style={{ height: `${range().padTop}px` }} />
          <Index each={visible()}>
            {(lead, i) => (
              <LeadRow
                lead={lead()}
                rowIndex={range().start + i + 2}
                campaign={props.campaign}
                list={props.list}
              />
            )}
          </Index>
          <tr class="pad" style={{ height: `${range().padBottom}px` }} />
        </tbody>
      </table>
      <Show when={props.list.loading()}>
        <p class="muted table-note">Loading leads…</p>
      </Show>
    </section>
  );
}

function LeadRow(props: { lead: Lead; rowIndex: number; campaign: Campaign; list: LeadList }) {
  const now = wallClock();
  const last = () => props.lead.lastAttempt;
  const duration = () => {
    const attempt = last();
    if (attempt === null) return null;
    if (attempt.live && attempt.startedAt !== null) return now() - attempt.startedAt;
    return attempt.durationMs;
  };
  const href = () =>
    `/campaigns/${encodeURIComponent(props.campaign.id)}/leads/${encodeURIComponent(props.lead.id)}`;
  return (
    <tr
      class={`lead-row lead-${props.lead.state}`}
      aria-rowindex={props.rowIndex}
      data-lead-id={props.lead.id}
    >
      <td>
        <Link href={href()}>{props.lead.name ?? '(no name)'}</Link>
      </td>
      <td class="mono">{props.lead.phone}</td>
      <td>
        <span class={`state state-${props.lead.state}`}>{props.lead.state}</span>
        <Show when={last()?.live}>
          <span class="muted"> · {last()?.state}</span>
        </Show>
      </td>
      <td class="num">{props.lead.attempts}</td>
      <td data-outcome={props.lead.lastOutcome ?? ''}>{outcomeLabel(props.lead.lastOutcome)}</td>
      <td title={last()?.amdCause ?? undefined}>{last()?.amdStatus ?? '—'}</td>
      <td class="mono">{last()?.digits || '—'}</td>
      <td class="error-cell" title={props.lead.lastError ?? undefined}>
        {props.lead.lastError ?? ''}
      </td>
      <td title={formatDateTime(last()?.startedAt ?? null, props.campaign.timezone)}>
        {formatShortDateTime(last()?.startedAt ?? null, props.campaign.timezone)}
      </td>
      <td class="num">{formatDuration(duration())}</td>
      <td>
        <LeadActions
          lead={props.lead}
          onChanged={(lead) => props.list.replace(lead)}
          onDeleted={(id) => props.list.remove(id)}
        />
      </td>
    </tr>
  );
}
