// Synthetic rounds for the history tests and a brute-force pass over them: what the rollups must
// agree with, computed the slow obvious way.
import type { HopSample, Round } from "../../engine/types.ts";
import { exactPercentile } from "../../store/histogram.ts";
import { mulberry32 } from "../../engine/random.ts";

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export const random = mulberry32;

export interface RoundPlan {
  start: number;
  count: number;
  intervalMs?: number;
  hops?: number;
  /** Per-probe loss probability (timeouts) and prober-error probability. */
  lossRate?: number;
  errorRate?: number;
  /** Second octet of the hop addresses: a different value is a different route. */
  route?: number;
  firstSeq?: number;
  seed?: number;
}

/** Rounds with spread-out integer RTTs (µs), random timeouts and prober errors. */
export function syntheticRounds(targetId: number, plan: RoundPlan): Round[] {
  const rand = random(plan.seed ?? 1);
  const hops = plan.hops ?? 4, interval = plan.intervalMs ?? 2500, route = plan.route ?? 0;
  const address = `10.${route}.${hops}.1`;
  return Array.from({ length: plan.count }, (_, i): Round => {
    const samples = Array.from({ length: hops }, (_, h): HopSample => {
      const ttl = h + 1;
      const last = ttl === hops;
      const ip = last ? address : `10.${route}.${ttl}.1`;
      const roll = rand();
      if (roll < (plan.errorRate ?? 0)) {
        return { ttl, kind: "error", ip: null, rttUs: null, approximate: false, code: "aborted" };
      }
      if (roll < (plan.errorRate ?? 0) + (plan.lossRate ?? 0)) {
        return { ttl, kind: "timeout", ip: null, rttUs: null, approximate: false };
      }
      // Mostly near the hop's base latency, sometimes a long tail: percentiles differ from avg.
      const base = 2000 * ttl, tail = rand() < 0.05 ? 50_000 * rand() : 0;
      const rttUs = Math.round(base + 3000 * rand() + tail);
      return { ttl, kind: last ? "reply" : "ttlExceeded", ip, rttUs, approximate: false };
    });
    const reached = samples[hops - 1].kind === "reply";
    return {
      targetId,
      seq: (plan.firstSeq ?? 0) + i,
      startedAt: plan.start + i * interval,
      address,
      hops: samples,
      destinationReached: reached,
    };
  });
}

export interface BruteHop {
  sent: number;
  lost: number;
  errors: number;
  minUs: number | null;
  maxUs: number | null;
  avgUs: number | null;
  stdevUs: number | null;
  jitterUs: number | null;
  sorted: number[];
}

/** Per-TTL figures over rounds in time order, as engine/stats.ts defines them. */
export function bruteForce(rounds: Round[]): Map<number, BruteHop> {
  const rtts = new Map<number, number[]>();
  const counts = new Map<number, { sent: number; lost: number; errors: number }>();
  for (const round of rounds) {
    for (const hop of round.hops) {
      const c = counts.get(hop.ttl) ?? { sent: 0, lost: 0, errors: 0 };
      counts.set(hop.ttl, c);
      if (hop.kind === "error") c.errors++;
      else if (hop.rttUs === null) {
        c.sent++;
        c.lost++;
      } else {
        c.sent++;
        const list = rtts.get(hop.ttl) ?? [];
        rtts.set(hop.ttl, list);
        list.push(hop.rttUs);
      }
    }
  }
  const result = new Map<number, BruteHop>();
  for (const [ttl, c] of counts) {
    const list = rtts.get(ttl) ?? [];
    const n = list.length;
    const mean = n ? list.reduce((a, b) => a + b, 0) / n : null;
    const variance = n > 1 ? list.reduce((a, b) => a + (b - mean!) ** 2, 0) / (n - 1) : 0;
    let jitter = 0;
    for (let i = 1; i < n; i++) jitter += Math.abs(list[i] - list[i - 1]);
    result.set(ttl, {
      ...c,
      minUs: n ? list.reduce((a, b) => Math.min(a, b)) : null,
      maxUs: n ? list.reduce((a, b) => Math.max(a, b)) : null,
      avgUs: mean,
      stdevUs: n ? Math.sqrt(variance) : null,
      jitterUs: n > 1 ? jitter / (n - 1) : n ? 0 : null,
      sorted: [...list].sort((a, b) => a - b),
    });
  }
  return result;
}

export function brutePercentile(hop: BruteHop, p: number): number | null {
  return exactPercentile(hop.sorted, p);
}
