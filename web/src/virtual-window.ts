/** The rows to render for a scroll position: `[start, end)` of the row indexes. */
export interface VisibleRange {
  start: number;
  end: number;
  /** Height of the space above the first rendered row and below the last (px). */
  padTop: number;
  padBottom: number;
}

/**
 * Which rows of a fixed-height list are on screen, plus `overscan` rows either side, so
 * that only a screenful of rows is ever in the DOM however long the list is.
 */
export function visibleRange(options: {
  count: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  overscan: number;
}): VisibleRange {
  const { count, rowHeight, scrollTop, viewportHeight, overscan } = options;
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.min(count, first + Math.ceil(viewportHeight / rowHeight) + overscan);
  return {
    start,
    end: Math.max(start, end),
    padTop: start * rowHeight,
    padBottom: Math.max(0, count - Math.max(start, end)) * rowHeight,
  };
}
