// On-demand traceroute: a one-shot trace of the selected target with its own settings, or of any
// host, run by the server (POST /api/targets/{id}/traceroute, POST /api/traceroute). Nothing is
// stored; the result stays here until the next run or another target is picked.
import { effect, signal } from "@preact/signals";
import type { TracerouteReply } from "../../api/wire.ts";
import { describeError, post } from "./api.ts";
import { selectedId } from "./targets.ts";

/** The trace as the server answered it, and when it ran. */
export type TracerouteShown = TracerouteReply["traceroute"] & { at: number };

export const ROUND_CHOICES = [1, 3, 5, 10] as const;
export const traceResult = signal<TracerouteShown | null>(null);
export const traceRunning = signal(false);
export const traceError = signal<string | null>(null);

/** Runs a trace of `host` (any host), or of the selected target when host is empty. */
export async function runTraceroute(host: string, rounds: number): Promise<void> {
  const id = selectedId.value;
  traceError.value = null;
  traceRunning.value = true;
  try {
    const body = host.trim()
      ? await post<TracerouteReply>("/api/traceroute", { host: host.trim(), rounds })
      : await post<TracerouteReply>(`/api/targets/${id}/traceroute`, { rounds });
    traceResult.value = { ...body.traceroute, at: Date.now() };
  } catch (error) {
    traceError.value = describeError(error);
  } finally {
    traceRunning.value = false;
  }
}

export function initTraceroute(): void {
  effect(() => {
    selectedId.value;
    traceResult.value = null;
    traceError.value = null;
  });
}
