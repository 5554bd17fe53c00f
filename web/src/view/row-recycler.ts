import { type Accessor, createSignal } from 'solid-js';

/** A rendered row of a virtualised list: which item it shows, and that item's index. */
export interface RowSlot<T> {
  item: Accessor<T>;
  index: Accessor<number>;
}

/**
 * Hands out row slots for the visible window of a long list so that rows are built once
 * and then reused, the way a native list view recycles its cells:
 * - an item that stays in the window keeps its slot (its row's DOM is left alone);
 * - an item coming into view takes the slot of one that left (its row is moved and its
 *   text rewritten, nothing is built), and a new slot is made only when none is free.
 *
 * Rendered with a keyed `<For>` over the returned slots, a small scroll moves the few rows
 * that wrap around, and a jump (a fling, a scrollbar drag) rewrites the rows in place.
 */
export function createRowRecycler<T>(): (
  items: readonly T[],
  start: number,
  end: number,
) => RowSlot<T>[] {
  type Slot = RowSlot<T> & { set(item: T, index: number): void };
  let byIndex = new Map<number, Slot>();

  const create = (item: T, index: number): Slot => {
    const [getItem, setItem] = createSignal(item);
    const [getIndex, setIndex] = createSignal(index);
    return {
      item: getItem,
      index: getIndex,
      set(next, at) {
        setItem(() => next);
        setIndex(at);
      },
    };
  };

  return (items, start, end) => {
    const free: Slot[] = [];
    for (const [index, slot] of byIndex) if (index < start || index >= end) free.push(slot);
    free.reverse();
    const next = new Map<number, Slot>();
    const slots: Slot[] = [];
    for (let index = start; index < end; index++) {
      const item = items[index] as T;
      let slot = byIndex.get(index);
      if (slot === undefined) slot = free.pop() ?? create(item, index);
      slot.set(item, index);
      next.set(index, slot);
      slots.push(slot);
    }
    byIndex = next;
    return slots;
  };
}
