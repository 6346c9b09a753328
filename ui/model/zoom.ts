// The window a drag on a timeline chart opens: a selection narrower than a minute (a tiny drag, or
// one a live redraw cut short, which ApexCharts reports as a sliver) opens a minute around its
// middle, as the zoom buttons never go below a minute either.

/** The narrowest window a drag on the chart opens. */
export const MIN_ZOOM_MS = 60_000;

export function zoomWindow(start: number, end: number): { start: number; end: number } {
  if (end - start >= MIN_ZOOM_MS) return { start, end };
  const mid = (start + end) / 2;
  return { start: mid - MIN_ZOOM_MS / 2, end: mid + MIN_ZOOM_MS / 2 };
}
