// The trace graph's data: per-hop statistics of the selected target over the focus window.
import { computed, effect, signal } from "@preact/signals";
import type { HopsReply } from "../../api/wire.ts";
import { agentParam } from "./agent_choice.ts";
import { describeError, get, query } from "./api.ts";
import { onLive, onReconnect } from "./live.ts";
import { selected, selectedId } from "./targets.ts";
import { throttle } from "./throttle.ts";
import { type Hop, toHop } from "./types.ts";

export type FocusChoice = { kind: "last"; n: number } | { kind: "all" } | {
  kind: "range";
  start: number;
  end: number;
};

export const FOCUS_CHOICES = [10, 25, 50, 100] as const;

export const focus = signal<FocusChoice>({ kind: "last", n: 10 });
export const hops = signal<Hop[]>([]);
export const hopsError = signal<string | null>(null);
export const hopsTargetId = signal<number | null>(null);
export const hopsUpdatedAt = signal(0);
/** The most hops any window of this target has shown: the timeline offers each of them. */
export const maxHopSeen = signal(0);

/** The shared scale of every glyph: the highest max (or avg) over the hops, in ms. */
export const scaleMaxMs = computed(() => {
  let max = 0;
  for (const h of hops.value) max = Math.max(max, h.maxMs ?? 0, h.avgMs ?? 0, h.curMs ?? 0);
  return max;
});

function focusQuery(f: FocusChoice): string {
  const agent = agentParam();
  if (f.kind === "last") return query({ focus: f.n, agent });
  if (f.kind === "all") {
    // Everything since the target was created: a range, so long histories come from rollups.
    const created = selected.peek()?.createdAt ?? 0;
    return query({ start: Math.max(1, Math.floor(created) - 1), end: Date.now() + 1, agent });
  }
  return query({ start: Math.floor(f.start), end: Math.ceil(f.end), agent });
}

export async function refreshHops(): Promise<void> {
  const id = selectedId.value;
  if (id === null) {
    hops.value = [];
    return;
  }
  try {
    const body = await get<HopsReply>(`/api/targets/${id}/hops${focusQuery(focus.value)}`);
    if (selectedId.value !== id) return;
    hops.value = body.hops.map(toHop);
    const deepest = hops.value.at(-1)?.hop ?? 0;
    if (deepest > maxHopSeen.peek()) maxHopSeen.value = deepest;
    hopsTargetId.value = id;
    hopsError.value = null;
    hopsUpdatedAt.value = Date.now();
  } catch (error) {
    hopsError.value = describeError(error);
  }
}

const refreshSoon = throttle(refreshHops, 250);

export function setFocus(next: FocusChoice): void {
  focus.value = next;
  refreshSoon();
}

/** Focus the trace graph on a moment: the window of `rounds` intervals ending there. */
export function focusAt(atMs: number, rounds = 10): void {
  const intervalMs = (selected.value?.interval ?? 2.5) * 1000;
  const half = (rounds * intervalMs) / 2;
  setFocus({ kind: "range", start: atMs - half, end: atMs + half });
}

export function initTrace(): void {
  effect(() => {
    selectedId.value;
    hops.value = [];
    maxHopSeen.value = 0;
    refreshSoon();
  });
  onLive((event) => {
    if (event.kind !== "round" && event.kind !== "route") return;
    if (event.targetId !== selectedId.value || focus.value.kind === "range") return;
    refreshSoon();
  });
  onReconnect(refreshSoon);
}
