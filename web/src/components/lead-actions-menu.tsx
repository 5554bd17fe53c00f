import { createEffect, For, onCleanup, onMount } from 'solid-js';
import type { Lead } from '../api/api.js';
import { type LeadOperationHandlers, leadOperations } from '../view/lead-operations.js';

/** Room the menu needs below its button before it opens upwards instead (px). */
const MENU_ROOM = 170;
/** The menu's element id, which every row's button names in `aria-controls`. */
export const LEAD_MENU_ID = 'lead-actions-menu';

/** The lead a row's "Actions" button opened the menu for, and that button. */
export interface LeadMenuTarget {
  lead: Lead;
  button: HTMLButtonElement;
}

/**
 * The row's button for the target's lead now. The table may have read its rows again
 * while the menu was open (after missed live events, or a lead added elsewhere), and a
 * recycled row element can show another lead by then: the lead's id finds its row.
 */
function buttonOf(target: LeadMenuTarget): HTMLButtonElement | null {
  return rowButtonOf(target) ?? (target.button.isConnected ? target.button : null);
}

/** The lead's button in the rows on screen now, if its row is one of them. */
function rowButtonOf(target: LeadMenuTarget): HTMLButtonElement | null {
  const row = document.querySelector(`tr[data-lead-id="${CSS.escape(target.lead.id)}"]`);
  return row?.querySelector<HTMLButtonElement>(`button[aria-controls="${LEAD_MENU_ID}"]`) ?? null;
}

/** The leads table of `button` (its row's, or the one it was in) shows no rows: no height. */
function tableCollapsed(button: HTMLElement): boolean {
  const table =
    button.closest('section.table-scroll') ?? document.querySelector('section.table-scroll');
  return table !== null && table.clientHeight === 0;
}

/**
 * The leads table's one actions menu, opened by any row's "Actions" button: a row has
 * room for one button at a laptop's width, not four, and one shared menu keeps building a
 * row (which scrolling does all the time) cheap. It is a popover, so it sits in the top
 * layer where the table's clipping and containment cannot cut it, follows its button as
 * the page or the table scrolls (closing once the button is out of sight), and closes on
 * Escape or a click elsewhere; arrow keys move between its items, and focus goes back to
 * the row's button when it closes.
 */
export function LeadActionsMenu(
  props: LeadOperationHandlers & {
    target: LeadMenuTarget | null;
    onClose(): void;
  },
) {
  let menu: HTMLDivElement | undefined;
  /** The target the open menu belongs to, kept for closing after the table let go of it. */
  let shown: LeadMenuTarget | null = null;
  const items = () => [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const who = () => {
    const lead = props.target?.lead;
    return lead === undefined ? '' : (lead.name ?? lead.phone);
  };
  // Rendered before the effect below runs (render effects first), so it can focus them.
  const operations = () => {
    const target = props.target;
    return target === null ? [] : leadOperations(target.lead, props).map((op) => ({ op, target }));
  };
  const hide = () => {
    if (menu?.matches(':popover-open')) menu.hidePopover();
  };

  /**
   * Puts the menu by its button (below it, or above when there is no room), or hides it
   * when the button is out of sight. Read when it opens and as anything scrolls: the
   * page's own scroll anchoring moves the table when something above it changes size
   * (a counter, a status line), and the menu follows instead of closing under the keys.
   */
  const place = (button: HTMLElement | null) => {
    if (menu === undefined) return;
    // A table squeezed to no height for a moment (the window being resized, the page laid
    // out at another size for a full-page capture) has its rows dropped and the page
    // scrolled elsewhere: that is no button scrolled out of sight, and hiding the menu
    // then would drop the focus in it to the page. It stays, and the next scroll, once
    // the table has its height back, places it again.
    if (shown !== null && tableCollapsed(shown.button)) return;
    const at = button?.getBoundingClientRect();
    const scroller = button?.closest('section.table-scroll')?.getBoundingClientRect();
    const inSight =
      at !== undefined &&
      at.bottom > Math.max(0, scroller?.top ?? 0) &&
      at.top < Math.min(window.innerHeight, scroller?.bottom ?? window.innerHeight);
    if (!inSight) return hide();
    menu.style.right = `${Math.max(4, window.innerWidth - at.right)}px`;
    const below = window.innerHeight - at.bottom > MENU_ROOM;
    menu.style.top = below ? `${at.bottom + 2}px` : 'auto';
    menu.style.bottom = below ? 'auto' : `${window.innerHeight - at.top + 2}px`;
  };
  // The lead's own row: a recycled row that scrolled out now shows another lead.
  const follow = () => {
    if (shown !== null) place(rowButtonOf(shown));
  };

  createEffect(() => {
    const target = props.target;
    if (target === null || menu === undefined) return;
    shown = target;
    target.button.setAttribute('aria-expanded', 'true');
    if (!menu.matches(':popover-open')) menu.showPopover();
    place(target.button);
    items()[0]?.focus();
  });

  onMount(() => {
    // The button says the menu is closed on `beforetoggle`, which the browser fires as it
    // hides the menu: `toggle` comes in a later task, and until then the button still
    // said aria-expanded="true" of a menu already gone, long enough on a busy machine for
    // anything that looked (an assistive technology, a test) to read it.
    const closing = (event: Event) => {
      if ((event as ToggleEvent).newState === 'closed') {
        // Every button that says so: its row may show another lead by now.
        for (const button of document.querySelectorAll(
          `[aria-controls="${LEAD_MENU_ID}"][aria-expanded="true"]`,
        )) {
          button.setAttribute('aria-expanded', 'false');
        }
      }
    };
    // The rest waits for `toggle`, once the browser has finished hiding the menu and put
    // focus where it puts it.
    const toggled = (event: Event) => {
      if ((event as ToggleEvent).newState === 'open') {
        window.addEventListener('scroll', follow, { capture: true, passive: true });
        return;
      }
      window.removeEventListener('scroll', follow, { capture: true });
      const target = shown;
      shown = null;
      if (target !== null) {
        // Escape or a chosen item: focus goes back to the lead's button (if it is still
        // there). The browser put it back on the button that opened the menu, whose row
        // may show another lead by now, or on nothing if that row was removed.
        const active = document.activeElement;
        if (menu?.contains(active) || active === document.body || active === target.button) {
          buttonOf(target)?.focus();
        }
      }
      props.onClose();
    };
    menu?.addEventListener('beforetoggle', closing);
    menu?.addEventListener('toggle', toggled);
    onCleanup(() => window.removeEventListener('scroll', follow, { capture: true }));
  });

  const move = (event: KeyboardEvent) => {
    if (event.key === 'Tab') return hide();
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const to = {
      ArrowDown: (at + 1) % all.length,
      ArrowUp: (at - 1 + all.length) % all.length,
      Home: 0,
      End: all.length - 1,
    }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    all[to]?.focus();
  };

  return (
    <div
      ref={menu}
      id={LEAD_MENU_ID}
      popover="auto"
      role="menu"
      aria-label={`Actions for ${who()}`}
      class="menu-popover"
      onKeyDown={move}
    >
      <For each={operations()}>
        {({ op, target }) => (
          <button
            type="button"
            role="menuitem"
            class={op.danger ? 'danger-text' : undefined}
            aria-label={op.name}
            onClick={() => {
              // Closed first, so that focus is back on the row's button when a
              // confirmation opens (and returns it there).
              buttonOf(target)?.focus();
              hide();
              void op.run();
            }}
          >
            {op.label}
          </button>
        )}
      </For>
    </div>
  );
}
