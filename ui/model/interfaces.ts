// The Interfaces view's data and the timeline's throughput overlay: the discovered interfaces,
// each monitored one's rx/tx history over the view's own time range (zoom and pan like the
// timeline), and the primary interface's history over the timeline's range when the overlay is on.
import { computed, effect, signal } from "@preact/signals";
import type {
  InterfaceHistoryPoint,
  InterfaceHistoryReply,
  InterfacesReply,
} from "../../api/wire.ts";
import { describeError, get, query } from "./api.ts";
import { presetRange, PRESETS, range as timelineRange, type TimeRange } from "./timeline.ts";
import { theme } from "./settings.ts";
import { selectedId, view } from "./targets.ts";
import { throttle } from "./throttle.ts";

export { PRESETS };
export const MAX_POINTS = 720;
const OVERLAY_KEY = "pingwatcher.throughputOverlay";

export const interfaces = signal<InterfacesReply | null>(null);
export const range = signal<TimeRange>(presetRange("10m"));
export const histories = signal<Record<string, InterfaceHistoryPoint[]>>({});
export const interfacesError = signal<string | null>(null);
export const overlayOn = signal(readOverlay());
export const overlay = signal<{ name: string; points: InterfaceHistoryPoint[] } | null>(null);
export const overlayError = signal<string | null>(null);

/** Interfaces with a chart: monitored now, or with stored history. */
export const charted = computed(() =>
  (interfaces.value?.interfaces ?? []).filter((i) => i.monitored || !i.present)
);

function readOverlay(): boolean {
  try {
    return localStorage.getItem(OVERLAY_KEY) === "1";
  } catch {
    return false;
  }
}

async function historyOf(name: string, r: TimeRange): Promise<InterfaceHistoryPoint[]> {
  const q = query({ start: Math.floor(r.start), end: Math.ceil(r.end), maxPoints: MAX_POINTS });
  const reply = await get<InterfaceHistoryReply>(
    `/api/interfaces/${encodeURIComponent(name)}/history${q}`,
  );
  return reply.points;
}

export async function refreshInterfaces(): Promise<void> {
  let r = range.value;
  if (r.preset) {
    range.value = presetRange(r.preset);
    r = range.value;
  }
  try {
    interfaces.value = await get<InterfacesReply>("/api/interfaces");
    const entries = await Promise.all(
      charted.value.map(async (i) => [i.name, await historyOf(i.name, r)] as const),
    );
    histories.value = Object.fromEntries(entries);
    interfacesError.value = null;
  } catch (error) {
    interfacesError.value = describeError(error);
  }
}

export async function refreshOverlay(): Promise<void> {
  if (!overlayOn.value || selectedId.value === null) return;
  try {
    const list = await get<InterfacesReply>("/api/interfaces");
    interfaces.value = list;
    const name = list.primary.name;
    if (!name) {
      overlay.value = null;
      overlayError.value = list.reason ?? "no primary interface yet (waiting for traffic)";
      return;
    }
    overlay.value = { name, points: await historyOf(name, timelineRange.value) };
    overlayError.value = null;
  } catch (error) {
    overlayError.value = describeError(error);
  }
}

const refreshSoon = throttle(refreshInterfaces, 1000);
const overlaySoon = throttle(refreshOverlay, 1000);

export function setPreset(id: string): void {
  range.value = presetRange(id);
  refreshSoon();
}

export function setRange(start: number, end: number): void {
  const now = Date.now();
  if (end > now + 60_000) {
    start -= end - now;
    end = now;
  }
  if (!(end > start)) return;
  range.value = { preset: null, start, end };
  refreshSoon();
}

export function pan(fraction: number): void {
  const r = range.value;
  const end = Math.min(Date.now(), r.end + (r.end - r.start) * fraction);
  setRange(end - (r.end - r.start), end);
}

export function zoom(factor: number): void {
  const r = range.value;
  const mid = (r.start + r.end) / 2;
  const half = Math.max(30_000, ((r.end - r.start) * factor) / 2);
  setRange(mid - half, Math.min(Date.now(), mid + half));
}

export function toggleOverlay(): void {
  overlayOn.value = !overlayOn.value;
  try {
    localStorage.setItem(OVERLAY_KEY, overlayOn.value ? "1" : "0");
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  if (overlayOn.value) overlaySoon();
  else overlay.value = null;
}

/** Polls while the Interfaces view is open (every 5 s) and follows the timeline for the overlay. */
export function initInterfaces(): void {
  let timer: ReturnType<typeof setInterval> | undefined;
  effect(() => {
    clearInterval(timer);
    if (view.value === "interfaces") {
      refreshSoon();
      timer = setInterval(refreshSoon, 5000);
    }
  });
  effect(() => {
    timelineRange.value;
    selectedId.value;
    if (overlayOn.value) overlaySoon();
  });
  setInterval(() => {
    if (overlayOn.value && view.value === "trace" && timelineRange.value.preset) overlaySoon();
  }, 10_000);
}

/** Everything the Interfaces view draws from, as props. */
export function interfacesPageProps() {
  return {
    theme: theme.value,
    reply: interfaces.value,
    range: range.value,
    presets: PRESETS,
    histories: histories.value,
    error: interfacesError.value,
    onPreset: setPreset,
    onRange: setRange,
    onPan: pan,
    onZoom: zoom,
  };
}

/** What the timeline's throughput overlay draws from, as props. */
export function overlayProps(lossPoints: { t: number; lossPct: number }[]) {
  return {
    theme: theme.value,
    on: overlayOn.value,
    overlay: overlay.value,
    error: overlayError.value,
    range: timelineRange.value,
    loss: lossPoints,
    onToggle: toggleOverlay,
  };
}
