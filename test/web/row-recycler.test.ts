import { describe, expect, it } from 'vitest';
import { createRowRecycler } from '../../web/src/view/row-recycler.js';

const items = Array.from({ length: 100 }, (_, i) => `lead ${i}`);
const shown = (slots: { item(): string; index(): number }[]) =>
  slots.map((slot) => [slot.index(), slot.item()]);

describe('row recycler', () => {
  it('keeps the slot of every item that stays in the window', () => {
    const place = createRowRecycler<string>();
    const first = place(items, 10, 20);
    const next = place(items, 13, 23);
    expect(next.slice(0, 7)).toEqual(first.slice(3));
    expect(shown(next)).toEqual(items.slice(13, 23).map((item, i) => [13 + i, item]));
  });

  it('gives the items coming into view the slots of those that left, building none', () => {
    const place = createRowRecycler<string>();
    const first = place(items, 10, 20);
    const down = place(items, 13, 23);
    expect(new Set(down)).toEqual(new Set(first));
    // Scrolled down: the three top rows wrap to the bottom, in order.
    expect(down.slice(7)).toEqual(first.slice(0, 3));
    const up = place(items, 11, 21);
    expect(new Set(up)).toEqual(new Set(first));
    expect(up.slice(0, 2)).toEqual(down.slice(8));
  });

  it('rewrites the rows in place, in the same order, on a jump', () => {
    const place = createRowRecycler<string>();
    const first = place(items, 0, 10);
    const jumped = place(items, 60, 70);
    expect(jumped).toEqual(first);
    expect(shown(jumped)).toEqual(items.slice(60, 70).map((item, i) => [60 + i, item]));
  });

  it('makes slots only when the window grows, and shows a replaced item in its slot', () => {
    const place = createRowRecycler<string>();
    const first = place(items, 0, 5);
    const grown = place(items, 0, 8);
    expect(grown.slice(0, 5)).toEqual(first);
    expect(new Set(grown).size).toBe(8);
    const changed = items.slice();
    changed[2] = 'lead 2, redialed';
    const again = place(changed, 0, 8);
    expect(again).toEqual(grown);
    expect(again[2]?.item()).toBe('lead 2, redialed');
  });
});
