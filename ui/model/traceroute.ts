// On-demand traceroute: a one-shot trace of the selected target with its own settings, or of any
// host, run by the server (POST /api/targets/{id}/traceroute, POST /api/traceroute). Nothing is
// stored; the result stays here until the next run or another target is picked.
import { effect, signal } from "@preact/signals";
import { describeError, post } from "./api.ts";
import { selectedId } from "./targets.ts";
import type { Hop } from "./types.ts";

export interface TracerouteShown {
  host: string;
  address: string;
  prober: string;
  protocol: string;
  rounds: number;
  hops: Hop[];
  at: number;
}

interface Reply {
  traceroute: Omit<TracerouteShown, "hops" | "at"> & { hops: Omit<Hop, "dns" | "mos">[] };
}

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
      ? await post<Reply>("/api/traceroute", { host: host.trim(), rounds })
      : await post<Reply>(`/api/targets/${id}/traceroute`, { rounds });
    const t = body.traceroute;
    traceResult.value = {
      ...t,
      at: Date.now(),
      hops: t.hops.map((h) => ({ ...h, dns: null, mos: null }) as Hop),
    };
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
