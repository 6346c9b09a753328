// Rollups kept by the write path, as in store/sqlite/rollups.ts: each stored round is added to its
// 1-minute and 1-hour buckets (per target and route) and the touched buckets are upserted in the
// flush's transaction. The buckets a batch needs and the cache lacks are fetched in one query per
// tier first; only each target's newest buckets stay cached.
import { log } from "../../engine/ground.ts";
import { decodeHops } from "../codec.ts";
import { encodeRollup, mergeRollup } from "../rollup_codec.ts";
import {
  addRound,
  alignDown,
  type BucketAgg,
  type DecodedRound,
  emptyBucket,
  type Tier,
  TIER_MS,
} from "../rollup_math.ts";
import type { Db, Sql } from "./connect.ts";
import type { PgRouteIndex } from "./routes.ts";
import type { StoredRound } from "./rounds.ts";

const MAX_REBUILD_ROUNDS = 20_000;
const TIERS: Tier[] = ["1m", "1h"];
const TABLE: Record<Tier, string> = { "1m": "rollup_1m", "1h": "rollup_1h" };

interface CachedBucket extends BucketAgg {
  tier: Tier;
  targetId: number;
  dirty: boolean;
}

const keyOf = (tier: Tier, targetId: number, bucket: number, routeId: number) =>
  `${tier}/${targetId}/${bucket}/${routeId}`;

export function createPgRollups(sql: Sql, routes: PgRouteIndex) {
  const cache = new Map<string, CachedBucket>();
  const previous = new Map<number, Map<number, number>>();
  let batch: DecodedRound[] = [];

  async function prefetch(tx: Db, tier: Tier, wanted: Map<string, [number, number, number]>) {
    const missing = [...wanted].filter(([key]) => !cache.has(key));
    if (missing.length === 0) return;
    const col = (i: number) => missing.map(([, k]) => k[i]);
    const rows = await tx<
      { target_id: number; bucket: number; route_id: number; path_id: number; data: Uint8Array }[]
    >`SELECT r.target_id, r.bucket, r.route_id, r.path_id, r.data FROM ${tx(TABLE[tier])} r
      JOIN unnest(${col(0)}::bigint[], ${col(1)}::bigint[], ${col(2)}::bigint[]) AS k (t, b, ro)
        ON r.target_id = k.t AND r.bucket = k.b AND r.route_id = k.ro`;
    for (const [key, [targetId, bucket, routeId]] of missing) {
      cache.set(key, { ...emptyBucket(bucket, routeId), tier, targetId, dirty: false });
    }
    for (const row of rows) {
      const cached = cache.get(keyOf(tier, row.target_id, row.bucket, row.route_id))!;
      cached.pathId = row.path_id;
      mergeRollup(cached.hops, row.data);
    }
  }

  function bucketOf(tier: Tier, targetId: number, ts: number, routeId: number): CachedBucket {
    const cached = cache.get(keyOf(tier, targetId, alignDown(ts, TIER_MS[tier]), routeId))!;
    cached.dirty = true;
    return cached;
  }

  /** Inside the flush transaction: adds the rounds just stored and upserts their buckets. */
  async function stored(tx: Db, rounds: StoredRound[]): Promise<void> {
    if (rounds.length === 0) return;
    await routes.load(rounds.map((r) => r.targetId));
    const placed = rounds.map((entry) => ({
      entry,
      routeId: routes.routeAt(entry.targetId, entry.ts),
    }));
    for (const tier of TIERS) {
      const wanted = new Map<string, [number, number, number]>();
      for (const { entry, routeId } of placed) {
        const bucket = alignDown(entry.ts, TIER_MS[tier]);
        wanted.set(keyOf(tier, entry.targetId, bucket, routeId), [entry.targetId, bucket, routeId]);
      }
      await prefetch(tx, tier, wanted);
    }
    for (const { entry, routeId } of placed) {
      const { hops, destinationReached } = decodeHops(entry.data, entry.ips);
      const round = { ...entry, hops, destinationReached };
      const minute = bucketOf("1m", entry.targetId, entry.ts, routeId);
      const hour = bucketOf("1h", entry.targetId, entry.ts, routeId);
      let last = previous.get(entry.targetId);
      if (!last) previous.set(entry.targetId, last = new Map());
      addRound(round, { minute, hour }, last);
      batch.push(round);
    }
    for (const tier of TIERS) {
      const rows = [...cache.values()].filter((c) => c.dirty && c.tier === tier).map((c) => ({
        target_id: c.targetId,
        bucket: c.bucket,
        route_id: c.routeId,
        path_id: c.pathId,
        data: encodeRollup(c.hops.values()),
      }));
      for (let i = 0; i < rows.length; i += 4000) {
        await tx`INSERT INTO ${tx(TABLE[tier])} ${
          tx(rows.slice(i, i + 4000), "target_id", "bucket", "route_id", "path_id", "data")
        } ON CONFLICT (target_id, bucket, route_id)
          DO UPDATE SET path_id = excluded.path_id, data = excluded.data`;
      }
    }
  }

  function evict(): void {
    const newest = new Map<string, number>();
    for (const c of cache.values()) {
      const key = `${c.tier}/${c.targetId}`;
      newest.set(key, Math.max(newest.get(key) ?? -Infinity, c.bucket));
    }
    for (const [key, c] of cache) {
      if (c.bucket < newest.get(`${c.tier}/${c.targetId}`)!) cache.delete(key);
    }
  }

  function committed() {
    const minutes = [...cache.values()].filter((c) => c.dirty && c.tier === "1m");
    for (const c of cache.values()) c.dirty = false;
    evict();
    const rounds = batch;
    batch = [];
    return { rounds, minutes };
  }

  function rolledBack(): void {
    cache.clear();
    previous.clear();
    batch = [];
  }

  function forget(targetId: number): void {
    for (const [key, c] of cache) if (c.targetId === targetId) cache.delete(key);
    previous.delete(targetId);
  }

  async function canRebuild(targetId: number, from: number): Promise<boolean> {
    const [{ oldest }] = await sql<{ oldest: number | null }[]>`
      SELECT min(ts) AS oldest FROM samples WHERE target_id = ${targetId}`;
    if (oldest === null) return false;
    let gone = false;
    if (oldest > from) {
      const rows = await sql`SELECT 1 FROM rollup_1m WHERE target_id = ${targetId}
        AND bucket >= ${from} AND bucket < ${alignDown(oldest, TIER_MS["1m"])} LIMIT 1`;
      gone = rows.length > 0;
    }
    const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::float8 AS n FROM (
      SELECT 1 FROM samples WHERE target_id = ${targetId} AND ts >= ${from}
      LIMIT ${MAX_REBUILD_ROUNDS + 1}) s`;
    const many = n > MAX_REBUILD_ROUNDS;
    if (gone || many) log.debug("store: route change too old to re-file its rounds", { targetId });
    return !gone && !many;
  }

  /** Re-files stored rounds from `at` on (their buckets are rebuilt from raw rows). */
  async function rebuildFrom(targetId: number, at: number): Promise<void> {
    const from = alignDown(at, TIER_MS["1h"]);
    if (!(await canRebuild(targetId, from))) return;
    forget(targetId);
    try {
      await sql.begin(async (tx) => {
        for (const tier of TIERS) {
          await tx`DELETE FROM ${tx(TABLE[tier])}
            WHERE target_id = ${targetId} AND bucket >= ${from}`;
        }
        const rows = await tx<{ ts: number; path_id: number; data: Uint8Array; hops: string }[]>`
          SELECT s.ts, s.path_id, s.data, p.hops FROM samples s JOIN paths p ON p.id = s.path_id
          WHERE s.target_id = ${targetId} AND s.ts >= ${from} ORDER BY s.ts, s.seq`;
        const ips = new Map<number, (string | null)[]>();
        const rounds = rows.map((r) => {
          if (!ips.has(r.path_id)) ips.set(r.path_id, JSON.parse(r.hops));
          return { targetId, ts: r.ts, pathId: r.path_id, data: r.data, ips: ips.get(r.path_id)! };
        });
        await stored(tx, rounds);
      });
    } catch (error) {
      rolledBack();
      throw error;
    }
    committed(); // these rounds were counted when first written: the batch is not reported
  }

  return { stored, committed, rolledBack, forget, rebuildFrom };
}

export type PgRollups = ReturnType<typeof createPgRollups>;
