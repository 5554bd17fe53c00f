import type { Store } from './db.js';

const taken = new WeakMap<Store, Set<number>>();

/**
 * A number for naming the temp (connection-private) staging tables of one import, free
 * on this connection until released. Imports running at the same time get different
 * numbers; imports one after another reuse the same ones, so their statements keep
 * the same SQL text and stay in the statement cache.
 */
export function claimTempSlot(store: Store): number {
  let slots = taken.get(store);
  if (slots === undefined) {
    slots = new Set();
    taken.set(store, slots);
  }
  let slot = 1;
  while (slots.has(slot)) slot += 1;
  slots.add(slot);
  return slot;
}

/** Gives a slot back once its tables are dropped. */
export function releaseTempSlot(store: Store, slot: number): void {
  taken.get(store)?.delete(slot);
}
