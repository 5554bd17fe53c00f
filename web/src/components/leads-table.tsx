import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createMemo, createSignal, For, Show } from 'solid-js';
import type { Campaign, Lead } from '../api/api.js';
import { wallClock } from '../state/clock.js';
import type { LeadList } from '../state/lead-list.js';
import { formatDuration } from '../view/format.js';
import { leadRowCells } from '../view/lead-row-cells.js';
import { createRowRecycler } from '../view/row-recycler.js';
import { LEAD_MENU_ID, LeadActionsMenu, type LeadMenuTarget } from './lead-actions-menu.js';
import { Link } from './link.js';

/** Every row is this tall (px; styles.css agrees), which is what makes the window math exact. */
export const LEAD_ROW_HEIGHT = 36;
/** Pages are asked for when fewer rows than this are left below the screen. */
const PREFETCH_ROWS = 150;

/**
 * The leads, virtualised: only the rows on screen (and a few either side) are in the
 * DOM, and more pages load as the end nears.
 *
 * Rows are recycled (row-recycler.ts): a row that stays on screen while the table scrolls
 * keeps its DOM untouched at the same offset, so a frame rewrites and repaints only the
 * few rows that come into view, and builds none. (Reusing rows by position, as `<Index>`
 * does, rewrote every visible row on every frame, and the browser repainted the whole
 * table; keying rows by lead built every row that came into view, which a fling makes
 * every row of every frame.)
 */
export function LeadsTable(props: { campaign: Campaign; list: LeadList; total: number | null }) {
  let scroller: HTMLElement | undefined;
  // Which rows are on screen, from the scroll position and the table's height (both
  // followed by the virtualizer), plus 8 either side.
  const virtualizer = createVirtualizer({
    get count() {
      return props.list.rows().length;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => LEAD_ROW_HEIGHT,
    overscan: 8,
  });
  const range = createMemo<{ start: number; end: number; padTop: number; padBottom: number }>(
    (last) => {
      const items = virtualizer.getVirtualItems();
      const count = props.list.rows().length;
      // No row on screen while there are rows: the table was measured with no height (the
      // window mid-resize, the page laid out at another size for a full-page capture). The
      // rows shown stay, with whatever has focus in them, rather than all being dropped and
      // built again a moment later.
      const kept = items.length === 0 && count > 0 && last !== undefined ? last : null;
      const start = Math.min(kept?.start ?? items[0]?.index ?? 0, count);
      const end = Math.min(Math.max(start, kept?.end ?? (items.at(-1)?.index ?? -1) + 1), count);
      return {
        start,
        end,
        padTop: start * LEAD_ROW_HEIGHT,
        padBottom: (count - end) * LEAD_ROW_HEIGHT,
      };
    },
  );
  const recycle = createRowRecycler<Lead>();
  const visible = createMemo(() => recycle(props.list.rows(), range().start, range().end));
  const [menuTarget, setMenuTarget] = createSignal<LeadMenuTarget | null>(null);
  /** The button of the open menu, when a pointer pressed it: its click then only closes. */
  let pressedWhileOpen: HTMLButtonElement | null = null;

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
      // Focusable so that the keyboard can scroll it.
      tabindex="0"
      aria-label={`Leads of ${props.campaign.name}`}
    >
      <table class="leads" aria-rowcount={(props.total ?? props.list.rows().length) + 1}>
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
          <For each={visible()}>
            {(slot) => (
              <LeadRow
                lead={slot.item()}
                rowIndex={slot.index() + 2}
                campaign={props.campaign}
                pressMenu={(button) => {
                  // The press closes the open menu (light dismiss) before the click; the
                  // `toggle` that tells it comes later, so the target still says which.
                  pressedWhileOpen = menuTarget()?.button === button ? button : null;
                }}
                openMenu={(button) => {
                  const toggledOff = pressedWhileOpen === button;
                  pressedWhileOpen = null;
                  if (!toggledOff) setMenuTarget({ lead: slot.item(), button });
                }}
              />
            )}
          </For>
          <tr class="pad" style={{ height: `${range().padBottom}px` }} />
        </tbody>
      </table>
      <LeadActionsMenu
        target={menuTarget()}
        onClose={() => setMenuTarget(null)}
        onChanged={(changed) => props.list.replace(changed)}
        onDeleted={(id) => props.list.remove(id)}
      />
      <Show when={props.list.loading()}>
        <p class="muted table-note">Loading leads…</p>
      </Show>
    </section>
  );
}

/** One row: a recycled row shows another lead as the table scrolls, so it tracks `lead`. */
function LeadRow(props: {
  lead: Lead;
  rowIndex: number;
  campaign: Campaign;
  openMenu(button: HTMLButtonElement): void;
  /** A pointer pressed the row's Actions button (before its click). */
  pressMenu(button: HTMLButtonElement): void;
}) {
  const cells = createMemo(() => leadRowCells(props.lead, props.campaign.timezone));
  const last = () => props.lead.lastAttempt;
  const who = () => props.lead.name ?? props.lead.phone;
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
      <td data-outcome={props.lead.lastOutcome ?? ''}>{cells().outcome}</td>
      <td title={last()?.amdCause ?? undefined}>{cells().amd}</td>
      <td class="mono">{cells().digits}</td>
      <td class="error-cell" title={props.lead.lastError ?? undefined}>
        {props.lead.lastError ?? ''}
      </td>
      <td title={cells().timeTitle}>{cells().time}</td>
      <td class="num">
        <Show
          when={last()?.live && last()?.startedAt}
          fallback={formatDuration(last()?.durationMs ?? null)}
        >
          {(since) => <LiveDuration since={since()} />}
        </Show>
      </td>
      <td>
        <button
          type="button"
          class="small"
          aria-haspopup="menu"
          aria-expanded="false"
          aria-controls={LEAD_MENU_ID}
          aria-label={`Actions for ${who()}`}
          onPointerDown={(event) => props.pressMenu(event.currentTarget)}
          onClick={(event) => props.openMenu(event.currentTarget)}
        >
          Actions <span aria-hidden="true">▾</span>
        </button>
      </td>
    </tr>
  );
}

/** A live call's running time: the one cell that follows the clock. */
function LiveDuration(props: { since: number }) {
  const now = wallClock();
  return <>{formatDuration(now() - props.since)}</>;
}
