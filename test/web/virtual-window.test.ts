import { describe, expect, it } from 'vitest';
import { visibleRange } from '../../web/src/virtual-window.js';

describe('visibleRange', () => {
  it('renders only the rows on screen and the overscan, padding the rest', () => {
    const range = visibleRange({
      count: 100_000,
      rowHeight: 36,
      scrollTop: 36 * 50_000,
      viewportHeight: 360,
      overscan: 5,
    });
    expect(range).toEqual({
      start: 49_995,
      end: 50_015,
      padTop: 49_995 * 36,
      padBottom: (100_000 - 50_015) * 36,
    });
  });

  it('stays within the list at both ends and for an empty one', () => {
    expect(
      visibleRange({ count: 10, rowHeight: 36, scrollTop: 0, viewportHeight: 720, overscan: 5 }),
    ).toEqual({ start: 0, end: 10, padTop: 0, padBottom: 0 });
    expect(
      visibleRange({
        count: 10,
        rowHeight: 36,
        scrollTop: 9_999,
        viewportHeight: 360,
        overscan: 5,
      }),
    ).toMatchObject({ start: 10, end: 10, padBottom: 0 });
    expect(
      visibleRange({ count: 0, rowHeight: 36, scrollTop: 0, viewportHeight: 360, overscan: 5 }),
    ).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});
