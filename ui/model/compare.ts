// Several targets on one timeline: the final hop of each target picked in the summary, over the
// timeline's range (same presets, zoom and pan as the single-target timeline).
import { computed, effect, signal } from "@preact/signals";
import type { TimelineReply } from "../../api/wire.ts";
import { describeError, get, query } from "./api.ts";
import { onLive, onReconnect } from "./live.ts";
import { anyRowOf, rowIds } from "./summary.ts";
import { targetName, targets, view } from "./targets.ts";
import { throttle } from "./throttle.ts";
import { MAX_POINTS, presetRange, range } from "./timeline.ts";
import { type TimelinePoint, toTimelinePoint } from "./types.ts";

/** At most this many targets in one chart: beyond it the lines cannot be told apart. */
export const MAX_COMPARED = 8;

export const compareIds = signal<number[]>([]);
export const compareSeries = signal<Record<number, TimelinePoint[]>>({});
export const compareError = signal<string | null>(null);

/**
 * The compared targets and their names: from the target list, or from the summary row of a target
 * the list has not caught up with yet (added through the API or another browser a moment ago, and
 * already ticked in the summary), so a ticked target is never silently left out of the chart.
 */
export const comparedTargets = computed(() => {
  rowIds.value;
  return compareIds.value.flatMap((id) => {
    const known = targets.value.find((t) => t.id === id) ?? anyRowOf(id);
    return known ? [{ id, name: targetName(known) }] : [];
  });
});

export function toggleCompare(id: number): void {
  const has = compareIds.value.includes(id);
  if (!has && compareIds.value.length >= MAX_COMPARED) {
    compareError.value = `at most ${MAX_COMPARED} targets can be compared in one chart`;
    return;
  }
  compareError.value = null;
  compareIds.value = has ? compareIds.value.filter((x) => x !== id) : [...compareIds.value, id];
}

export async function refreshCompare(): Promise<void> {
  const ids = comparedTargets.value.map((t) => t.id);
  let r = range.value;
  if (r.preset) {
    const next = presetRange(r.preset);
    if (next.end !== r.end) range.value = next;
    r = range.value;
  }
  try {
    const entries = await Promise.all(ids.map(async (id) => {
      const q = query({
        hop: "last",
        start: Math.floor(r.start),
        end: Math.ceil(r.end),
        maxPoints: MAX_POINTS,
      });
      const body = await get<TimelineReply>(`/api/targets/${id}/timeline${q}`);
      const points = (body.series[0]?.points ?? []).map(toTimelinePoint);
      return [id, points.sort((a, b) => a.t - b.t)] as const;
    }));
    compareSeries.value = Object.fromEntries(entries);
    compareError.value = null;
  } catch (error) {
    compareError.value = describeError(error);
  }
}

export function initCompare(): void {
  const soon = throttle(refreshCompare, 1000);
  effect(() => {
    comparedTargets.value;
    range.value;
    if (view.value === "compare") soon();
  });
  onLive((event) => {
    if (view.value !== "compare" || !range.value.preset) return;
    if (event.kind !== "round" || event.targetId === null) return;
    if (compareIds.value.includes(event.targetId)) soon();
  });
  onReconnect(() => {
    if (view.value === "compare") soon();
  });
}
