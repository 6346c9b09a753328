// Turning aggregates into the figures the queries return: hop stats (from raw rounds through
// engine/stats.ts, or from rollup aggregates), percentiles, and the insights' MOS estimate.
import { hopStats, markLossNotCarried, type Round, type RoutePath } from "../engine/ground.ts";
import { BUCKET_LOWER_US, exactPercentile, percentileUs } from "./histogram.ts";
import type { HistogramBucket, HistoryHopStats, Insights, Resolution } from "./history_types.ts";
import { type HopAggregate, received } from "./rollup_codec.ts";

const US_PER_MS = 1000;

/** Engine hop stats of raw rounds plus exact nearest-rank percentiles. */
export function rawHopStats(rounds: Round[]): HistoryHopStats[] {
  const rtts = new Map<number, number[]>();
  for (const round of rounds) {
    for (const hop of round.hops) {
      if (hop.kind === "error" || hop.rttUs === null) continue;
      let list = rtts.get(hop.ttl);
      if (!list) rtts.set(hop.ttl, list = []);
      list.push(hop.rttUs);
    }
  }
  return hopStats(rounds).map((stats) => {
    const sorted = (rtts.get(stats.hop) ?? []).sort((a, b) => a - b);
    const p = (q: number) => {
      const us = exactPercentile(sorted, q);
      return us === null ? null : us / US_PER_MS;
    };
    return { ...stats, p50Ms: p(50), p95Ms: p(95), p99Ms: p(99) };
  });
}

/** The destination's TTL in an aggregate: the nearest TTL it answered at (null: never). */
export function destinationTtl(hops: Map<number, HopAggregate>): number | null {
  let ttl: number | null = null;
  for (const hop of hops.values()) {
    if (hop.reached > 0 && (ttl === null || hop.ttl < ttl)) ttl = hop.ttl;
  }
  return ttl;
}

export function percentileOf(hop: HopAggregate, p: number): number | null {
  if (received(hop) === 0) return null;
  return percentileUs(hop.histogram, p, {
    minUs: hop.minUs,
    maxUs: hop.maxUs,
    total: received(hop),
  });
}

/** Hop stats of one route's aggregates, hops beyond the destination left out (as the engine). */
export function rollupHopStats(
  hops: Map<number, HopAggregate>,
  addresses: { route: RoutePath | null; path: (string | null)[] | null },
): HistoryHopStats[] {
  const distance = destinationTtl(hops) ?? Infinity;
  const stats = [...hops.values()].filter((hop) => hop.ttl <= distance)
    .sort((a, b) => a.ttl - b.ttl).map((hop) => hopFigures(hop, addresses));
  markLossNotCarried(stats);
  return stats;
}

function hopFigures(
  hop: HopAggregate,
  addresses: { route: RoutePath | null; path: (string | null)[] | null },
): HistoryHopStats {
  const n = received(hop);
  const ms = (us: number | null) => us === null ? null : us / US_PER_MS;
  const mean = n ? hop.sumUs / n : 0;
  const variance = n > 1 ? Math.max(0, (hop.sumSqUs - n * mean * mean) / (n - 1)) : 0;
  const ips = addresses.route?.[hop.ttl - 1] ?? [];
  const ip = addresses.path?.[hop.ttl - 1] ?? ips[0] ?? null;
  return {
    hop: hop.ttl,
    ip,
    ips: ips.length ? ips : ip ? [ip] : [],
    sent: hop.sent,
    received: n,
    errors: hop.errors,
    lossPct: hop.sent ? (100 * hop.lost) / hop.sent : null,
    avgMs: n ? ms(mean) : null,
    minMs: n ? ms(hop.minUs) : null,
    maxMs: n ? ms(hop.maxUs) : null,
    // The newest single sample is not kept in rollups.
    curMs: null,
    stdevMs: n ? ms(Math.sqrt(variance)) : null,
    jitterMs: hop.jitterCount ? ms(hop.jitterSumUs / hop.jitterCount) : n ? 0 : null,
    approximate: hop.approximate,
    lossNotCarried: false,
    p50Ms: ms(percentileOf(hop, 50)),
    p95Ms: ms(percentileOf(hop, 95)),
    p99Ms: ms(percentileOf(hop, 99)),
  };
}

/**
 * MOS by the simplified ITU-T G.107 E-model (as PingPlotter shows it): effective latency =
 * avg + 2 x jitter + 10 ms; R = 93.2 - latency/40 below 160 ms, else 93.2 - (latency - 120)/10;
 * R -= 2.5 x loss%; MOS = 1 + 0.035 R + 7e-6 R (R - 60)(100 - R), R clamped to [0, 100].
 */
export function mosEstimate(avgMs: number, jitterMs: number, lossPct: number): number {
  const latencyMs = avgMs + 2 * jitterMs + 10;
  let r = latencyMs < 160 ? 93.2 - latencyMs / 40 : 93.2 - (latencyMs - 120) / 10;
  r -= 2.5 * lossPct;
  r = Math.min(100, Math.max(0, r));
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.min(4.5, Math.max(1, mos));
}

export function insightFigures(
  final: HopAggregate,
  context: {
    targetId: number;
    start: number;
    end: number;
    resolution: Resolution;
    hop: number | null;
    changes: number;
  },
): Insights {
  const n = received(final);
  const avgUs = n ? final.sumUs / n : null;
  const jitterUs = final.jitterCount ? final.jitterSumUs / final.jitterCount : n ? 0 : null;
  const lossPct = final.sent ? (100 * final.lost) / final.sent : null;
  const p = (q: number) => percentileOf(final, q);
  return {
    targetId: context.targetId,
    start: context.start,
    end: context.end,
    resolution: context.resolution,
    hop: context.hop,
    sent: final.sent,
    received: n,
    uptimePct: final.minutes ? (100 * final.upMinutes) / final.minutes : null,
    lossPct,
    avgUs,
    minUs: n ? final.minUs : null,
    maxUs: n ? final.maxUs : null,
    p50Us: p(50),
    p95Us: p(95),
    p99Us: p(99),
    jitterUs,
    hopCount: context.hop,
    routeChanges: context.changes,
    mos: avgUs === null ? null : mosEstimate(avgUs / 1000, (jitterUs ?? 0) / 1000, lossPct ?? 0),
    histogram: histogramBuckets(final.histogram),
  };
}

function histogramBuckets(counts: Uint32Array): HistogramBucket[] {
  const out: HistogramBucket[] = [];
  counts.forEach((count, i) => {
    if (count === 0) return;
    const upper = BUCKET_LOWER_US[i + 1];
    out.push({
      lowerUs: BUCKET_LOWER_US[i],
      upperUs: Number.isFinite(upper) ? upper : null,
      count,
    });
  });
  return out;
}

export function checkLast(last: number): { last: number } {
  if (!Number.isSafeInteger(last) || last < 0) {
    throw new RangeError(`last must be a non-negative integer, got ${last}`);
  }
  return { last };
}

export function checkRange(range: { start: number; end: number }): { start: number; end: number } {
  const { start, end } = range;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start > end) {
    throw new RangeError("start and end must be finite epoch milliseconds with start <= end");
  }
  return { start, end };
}

export function checkBounded(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
}
