// Outages of the selected target over the timeline's range (shaded on the timeline), reloaded
// when the target or the range changes and, while a preset follows now, as rounds arrive.
import { effect, signal } from "@preact/signals";
import type { Outage, OutagesReply } from "../../api/wire.ts";
import { get, query } from "./api.ts";
import { onLive, onReconnect } from "./live.ts";
import { selectedId } from "./targets.ts";
import { throttle } from "./throttle.ts";
import { range } from "./timeline.ts";

export type { Outage };

export const outages = signal<Outage[]>([]);

export async function refreshOutages(): Promise<void> {
  const id = selectedId.value;
  if (id === null) {
    outages.value = [];
    return;
  }
  const r = range.value;
  const end = r.preset ? undefined : Math.ceil(r.end);
  try {
    const q = query({ start: Math.floor(r.start), end, limit: 1000 });
    const body = await get<OutagesReply>(`/api/targets/${id}/outages${q}`);
    if (selectedId.value === id) outages.value = body.outages;
  } catch {
    // The timeline shows its own errors; without outages it is still right, only unshaded.
  }
}

const refreshSoon = throttle(refreshOutages, 5000);

export function initOutages(): void {
  let shownFor: number | null = null;
  effect(() => {
    const id = selectedId.value;
    range.value;
    if (id !== shownFor) outages.value = [];
    shownFor = id;
    refreshSoon();
  });
  onLive((event) => {
    if (event.kind === "round" && event.targetId === selectedId.value && range.value.preset) {
      refreshSoon();
    }
  });
  onReconnect(refreshSoon);
}
