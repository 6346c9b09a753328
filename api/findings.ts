// Plain-language findings for /api/targets/{id}/insights, from hop statistics and figures.
import type { HopStats } from "../engine/mod.ts";

export interface Finding {
  kind: "loss" | "rateLimitedReplies" | "routeChanges" | "latency" | "noData";
  severity: "info" | "warning" | "critical";
  hop?: number;
  message: string;
}

const ORDER = { critical: 0, warning: 1, info: 2 };

/** Findings over a window, worst first. */
export function findingsOf(hops: HopStats[], routeChanges: number): Finding[] {
  const final = hops.at(-1);
  if (!final || final.sent === 0) {
    return [{ kind: "noData", severity: "info", message: "no rounds in this range" }];
  }
  const items: Finding[] = [];
  if (final.lossPct !== null && final.lossPct > 0) {
    items.push({
      kind: "loss",
      severity: final.lossPct >= 5 ? "critical" : "warning",
      hop: final.hop,
      message: `${final.lossPct.toFixed(1)} % loss at the destination (hop ${final.hop})`,
    });
  }
  for (const hop of hops) {
    if (!hop.lossNotCarried) continue;
    items.push({
      kind: "rateLimitedReplies",
      severity: "info",
      hop: hop.hop,
      message: `hop ${hop.hop} loses ${hop.lossPct?.toFixed(1)} % of replies but later hops do ` +
        `not: probably ICMP rate limiting at that router, not real loss`,
    });
  }
  const jump = latencyJump(hops);
  if (jump) items.push(jump);
  if (routeChanges > 0) {
    items.push({
      kind: "routeChanges",
      severity: routeChanges > 3 ? "warning" : "info",
      message: `the route changed ${routeChanges} time${routeChanges === 1 ? "" : "s"}`,
    });
  }
  return items.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}

/** The largest rise in average RTT between answering hops that later hops keep. */
function latencyJump(hops: HopStats[]): Finding | null {
  const answering = hops.filter((s) => s.avgMs !== null);
  let best: { hop: number; riseMs: number } | null = null;
  for (let i = 1; i < answering.length; i++) {
    const rise = answering[i].avgMs! - answering[i - 1].avgMs!;
    const kept = answering.slice(i + 1).every((s) => s.avgMs! >= answering[i].avgMs! * 0.8);
    if (rise >= 20 && kept && (!best || rise > best.riseMs)) {
      best = { hop: answering[i].hop, riseMs: rise };
    }
  }
  if (!best) return null;
  return {
    kind: "latency",
    severity: "info",
    hop: best.hop,
    message: `latency rises by ${best.riseMs.toFixed(1)} ms at hop ${best.hop} and stays up`,
  };
}
