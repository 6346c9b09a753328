// Timelines: per-hop points over a range at the finest resolution that gives at most maxPoints
// points per hop: raw rounds where they fit (and are retained), else 1-minute buckets, else
// 1-hour buckets, grouped k hours to a point when even those are too many.
import { destinationDistance, type Round } from "../../engine/ground.ts";
import type {
  Resolution,
  TimelinePoint,
  TimelineQuery,
  TimelineResult,
  TimelineSeries,
} from "../history_types.ts";
import type { HistoryReader } from "./history_read.ts";
import { destinationTtl, percentileOf } from "../history_stats.ts";
import { type HopAggregate, mergeRollup, received } from "../rollup_codec.ts";
import type { RouteIndex } from "./route_index.ts";
import { alignDown, TIER_MS } from "./rollups.ts";

export interface TimelineDeps {
  reader: HistoryReader;
  routes: RouteIndex;
  /** Raw rounds of a range, queued ones included. */
  readRounds(targetId: number, range: { start: number; end: number }): Round[];
  /** Whether a tier still holds data starting at `ts` (retention). */
  retained(tier: Resolution, ts: number): boolean;
}

export function checkTimelineQuery(query: TimelineQuery): void {
  const { start, end, maxPoints, hop } = query;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start >= end) {
    throw new RangeError("timeline start and end must be finite with start < end");
  }
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(`maxPoints must be a positive integer, got ${maxPoints}`);
  }
  if (hop !== "all" && hop !== "last" && (!Number.isSafeInteger(hop) || hop < 0)) {
    throw new RangeError(`hop must be a TTL, "last" or "all", got ${hop}`);
  }
}

/** Buckets of `sizeMs` that [start, end) touches. */
function bucketsTouched(start: number, end: number, sizeMs: number): number {
  return alignDown(end - 1, sizeMs) / sizeMs - alignDown(start, sizeMs) / sizeMs + 1;
}

export function timeline(deps: TimelineDeps, targetId: number, q: TimelineQuery): TimelineResult {
  checkTimelineQuery(q);
  const base = { targetId, start: q.start, end: q.end };
  if (
    deps.retained("raw", q.start) &&
    deps.reader.countRaw(targetId, q.start, q.end, q.maxPoints + 1) <= q.maxPoints
  ) {
    // Queued rounds come too, so the count is checked again.
    const rounds = deps.readRounds(targetId, q);
    if (rounds.length <= q.maxPoints) {
      return { ...base, resolution: "raw", bucketMs: null, series: rawSeries(deps, rounds, q.hop) };
    }
  }
  const minuteMs = TIER_MS["1m"], hourMs = TIER_MS["1h"];
  if (deps.retained("1m", q.start) && bucketsTouched(q.start, q.end, minuteMs) <= q.maxPoints) {
    const series = rollupSeries(deps, targetId, q, { tier: "1m", pointMs: minuteMs });
    return { ...base, resolution: "1m", bucketMs: minuteMs, series };
  }
  let pointMs = hourMs;
  const hours = bucketsTouched(q.start, q.end, hourMs);
  for (let k = Math.ceil(hours / q.maxPoints);; k++) {
    pointMs = k * hourMs;
    if (bucketsTouched(q.start, q.end, pointMs) <= q.maxPoints) break;
  }
  const series = rollupSeries(deps, targetId, q, { tier: "1h", pointMs });
  return { ...base, resolution: "1h", bucketMs: pointMs, series };
}

function rawSeries(deps: TimelineDeps, rounds: Round[], hop: TimelineQuery["hop"]) {
  const distance = destinationDistance(rounds);
  const ttls = new Set<number>();
  for (const round of rounds) for (const h of round.hops) ttls.add(h.ttl);
  const wanted = selectTtls([...ttls], hop, distance);
  const series = new Map<number, TimelinePoint[]>(wanted.map((ttl) => [ttl, []]));
  for (const round of rounds) {
    const routeId = deps.routes.routeAt(round.targetId, round.startedAt);
    for (const h of round.hops) {
      const points = series.get(h.ttl);
      if (!points) continue;
      const sent = h.kind === "error" ? 0 : 1;
      const lost = sent && h.rttUs === null ? 1 : 0;
      const rttUs = h.kind === "error" ? null : h.rttUs;
      points.push({
        t: round.startedAt,
        routeId,
        sent,
        lost,
        lossPct: sent ? 100 * lost : null,
        avgUs: rttUs,
        minUs: rttUs,
        maxUs: rttUs,
      });
    }
  }
  return toSeries(series);
}

function selectTtls(ttls: number[], hop: TimelineQuery["hop"], distance: number | null) {
  const sorted = ttls.sort((a, b) => a - b);
  if (typeof hop === "number") return [hop];
  if (hop === "last") {
    const last = distance ?? sorted.at(-1);
    return last === undefined ? [] : [last];
  }
  return distance === null ? sorted : sorted.filter((ttl) => ttl <= distance);
}

function toSeries(series: Map<number, TimelinePoint[]>): TimelineSeries[] {
  return [...series.entries()].sort((a, b) => a[0] - b[0])
    .map(([hop, points]) => ({ hop, points }));
}

interface PointAgg {
  t: number;
  routeId: number;
  routeOrder: number;
  hops: Map<number, HopAggregate>;
}

function rollupSeries(
  deps: TimelineDeps,
  targetId: number,
  q: TimelineQuery,
  grid: { tier: "1m" | "1h"; pointMs: number },
): TimelineSeries[] {
  const rows = deps.reader.rollupRows(
    grid.tier,
    targetId,
    alignDown(q.start, TIER_MS[grid.tier]),
    q.end,
  );
  const points = new Map<number, PointAgg>();
  const only = typeof q.hop === "number" ? (ttl: number) => ttl === q.hop : undefined;
  let newest: { order: number; hops: Map<number, HopAggregate> } | null = null;
  const routeTotals = new Map<number, Map<number, HopAggregate>>();
  for (const row of rows) {
    const t = alignDown(row.bucket, grid.pointMs);
    const order = deps.routes.order(targetId, row.routeId);
    let point = points.get(t);
    if (!point) {
      points.set(t, point = { t, routeId: row.routeId, routeOrder: order, hops: new Map() });
    }
    if (order > point.routeOrder) Object.assign(point, { routeId: row.routeId, routeOrder: order });
    mergeRollup(point.hops, row.data, only);
    let totals = routeTotals.get(row.routeId);
    if (!totals) routeTotals.set(row.routeId, totals = new Map());
    // One named hop needs no totals (they find the destination): skip decoding the others.
    if (only === undefined) mergeRollup(totals, row.data);
    if (!newest || order >= newest.order) newest = { order, hops: routeTotals.get(row.routeId)! };
  }
  const ttls = new Set<number>();
  let farthestDestination: number | null = null;
  for (const totals of routeTotals.values()) {
    for (const ttl of totals.keys()) ttls.add(ttl);
    const d = destinationTtl(totals);
    if (d !== null) farthestDestination = Math.max(farthestDestination ?? d, d);
  }
  const distance = q.hop === "last"
    ? (newest ? destinationTtl(newest.hops) : null)
    : farthestDestination;
  const wanted = selectTtls([...ttls], q.hop, distance);
  const series = new Map<number, TimelinePoint[]>(wanted.map((ttl) => [ttl, []]));
  for (const point of [...points.values()].sort((a, b) => a.t - b.t)) {
    for (const [ttl, list] of series) {
      const hop = point.hops.get(ttl);
      if (hop) list.push(rollupPoint(point, hop));
    }
  }
  return toSeries(series);
}

function rollupPoint(point: PointAgg, hop: HopAggregate): TimelinePoint {
  const n = received(hop);
  const p = (q: number) => percentileOf(hop, q);
  return {
    t: point.t,
    routeId: point.routeId,
    sent: hop.sent,
    lost: hop.lost,
    lossPct: hop.sent ? (100 * hop.lost) / hop.sent : null,
    avgUs: n ? hop.sumUs / n : null,
    minUs: n ? hop.minUs : null,
    maxUs: n ? hop.maxUs : null,
    p5Us: p(5),
    p25Us: p(25),
    p50Us: p(50),
    p75Us: p(75),
    p95Us: p(95),
  };
}
