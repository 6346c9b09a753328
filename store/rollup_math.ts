// Rollup math shared by every backend: 1-minute and 1-hour buckets per target and route, and
// how a round is added to them. Backends decide where buckets are kept; the figures are the same.
import type { HopSample } from "../engine/ground.ts";
import { addSample, emptyHop, type HopAggregate, received } from "./rollup_codec.ts";

export type Tier = "1m" | "1h";
export const TIER_MS: Record<Tier, number> = { "1m": 60_000, "1h": 3_600_000 };

export interface BucketAgg {
  bucket: number;
  routeId: number;
  /** Path of the newest round added (hop addresses). */
  pathId: number;
  newestTs: number;
  hops: Map<number, HopAggregate>;
}

export interface DecodedRound {
  targetId: number;
  ts: number;
  pathId: number;
  hops: HopSample[];
  destinationReached: boolean;
}

export function emptyBucket(bucket: number, routeId: number): BucketAgg {
  return { bucket, routeId, pathId: 0, newestTs: -Infinity, hops: new Map() };
}

/**
 * Adds a round to its minute bucket and (when given) hour bucket. `previous` holds each TTL's
 * last answered RTT for jitter. Minute flags (probed / answered this minute) are decided from the
 * minute bucket before the sample is added, so the hour bucket counts each minute once.
 */
export function addRound(
  round: DecodedRound,
  buckets: { minute: BucketAgg; hour: BucketAgg | null },
  previous: Map<number, number>,
): void {
  const { minute, hour } = buckets;
  for (const agg of hour ? [minute, hour] : [minute]) {
    if (round.ts >= agg.newestTs) {
      agg.newestTs = round.ts;
      agg.pathId = round.pathId;
    }
  }
  const last = round.hops.length - 1;
  round.hops.forEach((sample, i) => {
    const context = {
      previousUs: previous.get(sample.ttl) ?? null,
      reached: round.destinationReached && i === last,
    };
    const m = hopOf(minute, sample.ttl);
    const probedFirst = sample.kind !== "error" && m.sent === 0;
    const jitterBase = jitterBaseUs(sample);
    const answeredFirst = jitterBase !== null && received(m) === 0;
    addSample(m, sample, context);
    if (probedFirst) m.minutes = 1;
    if (answeredFirst) m.upMinutes = 1;
    if (hour) {
      const h = hopOf(hour, sample.ttl);
      addSample(h, sample, context);
      if (probedFirst) h.minutes++;
      if (answeredFirst) h.upMinutes++;
    }
    if (jitterBase !== null) previous.set(sample.ttl, jitterBase);
  });
}

/** An answered sample's RTT as the next sample of its TTL measures jitter from; else null. */
export function jitterBaseUs(sample: HopSample): number | null {
  if (sample.kind === "error" || sample.rttUs === null || !Number.isFinite(sample.rttUs)) {
    return null;
  }
  return Math.max(0, Math.round(sample.rttUs));
}

function hopOf(agg: BucketAgg, ttl: number): HopAggregate {
  let hop = agg.hops.get(ttl);
  if (!hop) {
    hop = emptyHop(ttl);
    agg.hops.set(ttl, hop);
  }
  return hop;
}

export function alignDown(ts: number, sizeMs: number): number {
  return Math.floor(ts / sizeMs) * sizeMs;
}
