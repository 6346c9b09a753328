// The timeline's data: latency and loss over a time range for the hops the user picked.
import { effect, signal } from "@preact/signals";
import type { TimelineReply } from "../../api/wire.ts";
import { agentParam } from "./agent_choice.ts";
import { describeError, get, query } from "./api.ts";
import { onLive, onReconnect } from "./live.ts";
import { selectedId } from "./targets.ts";
import { throttle } from "./throttle.ts";
import { zoomWindow } from "./zoom.ts";
import { type TimelinePoint, toTimelinePoint } from "./types.ts";

export const PRESETS = [
  { id: "10m", label: "10 min", ms: 10 * 60_000 },
  { id: "1h", label: "1 h", ms: 3_600_000 },
  { id: "6h", label: "6 h", ms: 6 * 3_600_000 },
  { id: "24h", label: "24 h", ms: 24 * 3_600_000 },
  { id: "7d", label: "7 d", ms: 7 * 86_400_000 },
  { id: "30d", label: "30 d", ms: 30 * 86_400_000 },
] as const;

/** A preset follows now (live); a zoomed or panned range stays put. */
export interface TimeRange {
  preset: string | null;
  start: number;
  end: number;
}

export type HopKey = number | "last";

export const range = signal<TimeRange>(presetRange("10m"));
export const shownHops = signal<HopKey[]>(["last"]);
export const series = signal<Record<string, TimelinePoint[]>>({});
export const timelineError = signal<string | null>(null);
export const timelineLoadedMs = signal(0);
/** Points asked for per hop: about one per 2 px of a wide chart. */
export const MAX_POINTS = 720;

/**
 * A preset's window ends a little after now, on a step of 1/60 of its width (at most a minute):
 * the chart's axis then moves every few seconds (10 s for 10 min) rather than on every refresh.
 */
export function presetRange(id: string, now = Date.now()): TimeRange {
  const preset = PRESETS.find((p) => p.id === id) ?? PRESETS[0];
  const step = Math.min(preset.ms / 60, 60_000);
  const end = Math.ceil(now / step) * step;
  return { preset: preset.id, start: end - preset.ms, end };
}

function pointsOf(body: TimelineReply): TimelinePoint[] {
  // {series: [{hop, points}]}: one series, the hop that was asked for.
  const list = body.series[0]?.points ?? [];
  return list.map(toTimelinePoint).sort((a, b) => a.t - b.t);
}

export async function refreshTimeline(): Promise<void> {
  const id = selectedId.value;
  if (id === null) return;
  let r = range.value;
  if (r.preset) {
    const next = presetRange(r.preset);
    if (next.end !== r.end) range.value = next;
    r = range.value;
  }
  const t0 = performance.now();
  try {
    const entries = await Promise.all(shownHops.value.map(async (hop) => {
      const q = query({
        hop,
        start: Math.floor(r.start),
        end: Math.ceil(r.end),
        maxPoints: MAX_POINTS,
        agent: agentParam(),
      });
      return [
        String(hop),
        pointsOf(await get<TimelineReply>(`/api/targets/${id}/timeline${q}`)),
      ] as const;
    }));
    if (selectedId.value !== id) return;
    series.value = Object.fromEntries(entries);
    timelineError.value = null;
    timelineLoadedMs.value = performance.now() - t0;
  } catch (error) {
    timelineError.value = describeError(error);
  }
}

const refreshSoon = throttle(refreshTimeline, 1000);

export function setPreset(id: string): void {
  range.value = presetRange(id);
  refreshSoon();
}

export function setRange(start: number, end: number): void {
  // Nothing is ever measured in the future: a window past now is pulled back to end at now.
  const now = Date.now();
  if (end > now + 60_000) {
    start -= end - now;
    end = now;
  }
  if (!(end > start)) return;
  range.value = { preset: null, start, end };
  refreshSoon();
}

/** A window dragged on the chart (at least a minute wide: see zoom.ts). */
export function zoomTo(start: number, end: number): void {
  const w = zoomWindow(start, end);
  setRange(w.start, w.end);
}

/** Moves the window by `fraction` of its width (negative = back in time). */
export function pan(fraction: number): void {
  const r = range.value;
  const shift = (r.end - r.start) * fraction;
  const end = Math.min(Date.now(), r.end + shift);
  setRange(end - (r.end - r.start), end);
}

export function zoom(factor: number): void {
  const r = range.value;
  const mid = (r.start + r.end) / 2;
  const half = Math.max(30_000, ((r.end - r.start) * factor) / 2);
  setRange(mid - half, Math.min(Date.now(), mid + half));
}

export function toggleHop(hop: HopKey): void {
  const has = shownHops.value.includes(hop);
  shownHops.value = has ? shownHops.value.filter((h) => h !== hop) : [...shownHops.value, hop];
  if (!shownHops.value.length) shownHops.value = ["last"];
  refreshSoon();
}

export function initTimeline(): void {
  effect(() => {
    selectedId.value;
    series.value = {};
    shownHops.value = ["last"];
    refreshSoon();
  });
  onLive((event) => {
    if (event.kind !== "round" && event.kind !== "route") return;
    if (event.targetId === selectedId.value && range.value.preset) refreshSoon();
  });
  onReconnect(refreshSoon);
}
