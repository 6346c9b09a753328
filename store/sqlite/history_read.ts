// Reading history: raw rounds and rollup rows of a target over a range, and the "cover" of a
// range by tiers so long windows are read from few rows yet counted whole: full hours from the
// hour tier, the leftover minutes at its edges from the minute tier, leftover seconds from raw.
// A part older than a tier's retention comes from the next coarser tier.
import type { DatabaseSync } from "node:sqlite";
import { decodeHops } from "../codec.ts";
import { type HopAggregate, mergeHop, mergeRollup } from "../rollup_codec.ts";
import type { RetentionTier } from "./retention.ts";
import type { RouteIndex } from "./route_index.ts";
import {
  addRound,
  alignDown,
  type BucketAgg,
  type DecodedRound,
  emptyBucket,
  type Tier,
  TIER_MS,
  TIER_TABLE,
} from "./rollups.ts";

export interface Segment {
  tier: RetentionTier;
  start: number;
  end: number;
}

export interface RollupRow {
  bucket: number;
  routeId: number;
  pathId: number;
  data: Uint8Array;
}

const COARSER: Record<RetentionTier, Tier | null> = { raw: "1m", "1m": "1h", "1h": null };
const FINER: Record<Tier, RetentionTier> = { "1m": "raw", "1h": "1m" };

function alignUp(ts: number, sizeMs: number): number {
  return Math.ceil(ts / sizeMs) * sizeMs;
}

/**
 * Splits [start, end) into tier segments, reading `base` where it is retained and whole buckets
 * fit. A piece smaller than a bucket whose finer tier is gone is left out (at most one bucket of
 * the next tier at each edge of a window older than that tier's retention).
 */
export function coverRange(
  start: number,
  end: number,
  base: RetentionTier,
  cutoff: (tier: RetentionTier) => number,
): Segment[] {
  if (start >= end) return [];
  const coarser = COARSER[base];
  if (coarser && start < cutoff(base)) {
    const split = Math.min(end, alignUp(cutoff(base), TIER_MS[coarser]));
    return [...coverRange(start, split, coarser, cutoff), ...coverRange(split, end, base, cutoff)];
  }
  if (base === "raw") return [{ tier: "raw", start, end }];
  const size = TIER_MS[base];
  const inner = { start: alignUp(start, size), end: alignDown(end, size) };
  const finer = FINER[base];
  if (inner.start >= inner.end) {
    return start >= cutoff(finer) ? coverRange(start, end, finer, cutoff) : [];
  }
  const edge = (from: number, to: number) =>
    from < to && from >= cutoff(finer) ? coverRange(from, to, finer, cutoff) : [];
  return [
    ...edge(start, inner.start),
    { tier: base, ...inner },
    ...edge(inner.end, end),
  ];
}

/**
 * `pending`: the writer's buckets whose rows lack rounds (a bucket still filling is written every
 * 30 s, store/sqlite/rollups.ts); a read takes them instead of their rows.
 */
export function createHistoryReader(
  db: DatabaseSync,
  pending: (tier: Tier, targetId: number, start: number, end: number) => RollupRow[] = () => [],
) {
  const rawColumns = "SELECT s.ts, s.seq, s.path_id, s.data, p.hops, p.address FROM samples s " +
    "JOIN paths p ON p.id = s.path_id WHERE s.target_id = ?";
  const sql = {
    range: db.prepare(`${rawColumns} AND s.ts >= ? AND s.ts < ? ORDER BY s.ts, s.seq`),
    last: db.prepare(`${rawColumns} ORDER BY s.ts DESC, s.seq DESC LIMIT ?`),
    count: db.prepare(
      "SELECT count(*) AS n FROM (SELECT 1 FROM samples WHERE target_id = ? AND ts >= ? " +
        "AND ts < ? LIMIT ?)",
    ),
    rollups: Object.fromEntries((["1m", "1h"] as Tier[]).map((tier) => [
      tier,
      db.prepare(
        `SELECT bucket, route_id AS routeId, path_id AS pathId, data FROM ${TIER_TABLE[tier]} ` +
          "WHERE target_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
      ),
    ])) as Record<Tier, ReturnType<DatabaseSync["prepare"]>>,
  };
  const ips = new Map<string, (string | null)[]>();

  type RawRow = {
    ts: number;
    seq: number;
    path_id: number;
    data: Uint8Array;
    hops: string;
    address: string;
  };
  function decode(targetId: number, row: RawRow): DecodedRound & { seq: number; address: string } {
    let path = ips.get(row.hops);
    if (!path) {
      if (ips.size > 10_000) ips.clear();
      ips.set(row.hops, path = JSON.parse(row.hops) as (string | null)[]);
    }
    const { hops, destinationReached } = decodeHops(row.data, path);
    const { ts, seq, path_id: pathId, address } = row;
    return { targetId, ts, seq, pathId, address, hops, destinationReached };
  }

  return {
    *rawRange(targetId: number, start: number, end: number) {
      for (const row of sql.range.iterate(targetId, start, end)) {
        yield decode(targetId, row as RawRow);
      }
    },
    rawLast(targetId: number, last: number) {
      const rows = sql.last.all(targetId, last) as RawRow[];
      return rows.reverse().map((row) => decode(targetId, row));
    },
    /** Raw rounds in the range, counting no further than `limit`. */
    countRaw(targetId: number, start: number, end: number, limit: number): number {
      return (sql.count.get(targetId, start, end, limit) as { n: number }).n;
    },
    rollupRows(tier: Tier, targetId: number, start: number, end: number): RollupRow[] {
      const rows = sql.rollups[tier].all(targetId, start, end) as unknown as RollupRow[];
      const newer = pending(tier, targetId, start, end);
      if (newer.length === 0) return rows;
      const key = (row: RollupRow) => `${row.bucket}/${row.routeId}`;
      const replaced = new Set(newer.map(key));
      return rows.filter((row) => !replaced.has(key(row))).concat(newer)
        .sort((a, b) => a.bucket - b.bucket || a.routeId - b.routeId);
    },
  };
}

export type HistoryReader = ReturnType<typeof createHistoryReader>;

/** Everything one route contributed to a window. */
export interface RouteAgg {
  routeId: number;
  from: number;
  to: number;
  pathId: number;
  newestTs: number;
  hops: Map<number, HopAggregate>;
}

/** Sums a window's segments per route (rollup rows as stored, raw rounds as the writer would). */
export function gatherRoutes(
  reader: HistoryReader,
  routes: RouteIndex,
  targetId: number,
  segments: Segment[],
): Map<number, RouteAgg> {
  const byRoute = new Map<number, RouteAgg>();
  const routeAgg = (routeId: number) => {
    let agg = byRoute.get(routeId);
    if (!agg) {
      agg = {
        routeId,
        from: Infinity,
        to: -Infinity,
        pathId: 0,
        newestTs: -Infinity,
        hops: new Map(),
      };
      byRoute.set(routeId, agg);
    }
    return agg;
  };
  for (const segment of segments) {
    if (segment.tier === "raw") {
      for (const bucket of rawBuckets(reader, routes, targetId, segment)) {
        const from = Math.max(bucket.bucket, segment.start);
        addBucket(routeAgg(bucket.routeId), bucket, from, bucket.newestTs + 1);
      }
      continue;
    }
    const size = TIER_MS[segment.tier];
    for (const row of reader.rollupRows(segment.tier, targetId, segment.start, segment.end)) {
      const agg = routeAgg(row.routeId);
      mergeRollup(agg.hops, row.data); // straight into the route's sums: no per-row objects
      agg.from = Math.min(agg.from, row.bucket);
      agg.to = Math.max(agg.to, row.bucket + size);
      if (row.bucket >= agg.newestTs) {
        agg.newestTs = row.bucket;
        agg.pathId = row.pathId;
      }
    }
  }
  return byRoute;
}

function addBucket(agg: RouteAgg, bucket: BucketAgg, from: number, to: number): void {
  agg.from = Math.min(agg.from, from);
  agg.to = Math.max(agg.to, to);
  if (bucket.newestTs >= agg.newestTs) {
    agg.newestTs = bucket.newestTs;
    agg.pathId = bucket.pathId;
  }
  for (const [ttl, hop] of bucket.hops) {
    const into = agg.hops.get(ttl);
    if (into) mergeHop(into, hop);
    else agg.hops.set(ttl, hop);
  }
}

/** Raw rounds of a segment as per-route minute buckets (minute flags as the writer counts them). */
export function rawBuckets(
  reader: HistoryReader,
  routes: RouteIndex,
  targetId: number,
  segment: { start: number; end: number },
): BucketAgg[] {
  const buckets = new Map<string, BucketAgg>();
  const previous = new Map<number, Map<number, number>>();
  for (const round of reader.rawRange(targetId, segment.start, segment.end)) {
    const routeId = routes.routeAt(targetId, round.ts);
    const minute = alignDown(round.ts, TIER_MS["1m"]);
    const key = `${minute}/${routeId}`;
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, bucket = emptyBucket(minute, routeId));
    let last = previous.get(routeId);
    if (!last) previous.set(routeId, last = new Map());
    addRound(round, { minute: bucket, hour: null }, last);
  }
  return [...buckets.values()];
}
