/**
 * Windowing for long lists of fixed-height rows: only what is in view (plus a margin) is in
 * the DOM, so 10,000 tables scroll like 30.
 */

export interface IWindow {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Height of the whole list, so the scrollbar is right. */
  height: number;
}

export function visibleWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 8
): IWindow {
  const height = count * rowHeight;
  if (count === 0 || rowHeight <= 0) {
    return { start: 0, end: 0, height };
  }
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, height - viewport)));
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(viewport, rowHeight)) / rowHeight);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, last + overscan),
    height
  };
}

/**
 * The scrollTop that brings row `index` into view with the least movement (unchanged when it
 * is already visible).
 */
export function scrollToShow(
  index: number,
  scrollTop: number,
  viewport: number,
  rowHeight: number
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) {
    return top;
  }
  if (bottom > scrollTop + viewport) {
    return Math.max(0, bottom - viewport);
  }
  return scrollTop;
}
