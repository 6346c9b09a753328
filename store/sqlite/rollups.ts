// Rollups kept incrementally by the write path: every round a flush stores is added to its
// 1-minute and 1-hour buckets (per target and route) in memory, and the touched buckets are
// written in the same transaction. Only each target's newest buckets stay cached; an older bucket
// (a late round) is read back from its row first. Raw data is re-read only to re-file the few
// rounds that started on a new route before the route change was recorded (see rebuildFrom).
import type { DatabaseSync } from "node:sqlite";
import { log } from "../../engine/ground.ts";
import { decodeHops } from "../codec.ts";
import { inTransaction } from "./schema.ts";
import type { RouteIndex } from "./route_index.ts";
import type { StoredRound } from "./rounds.ts";
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

// The shared math is re-exported so the backend's files have one place to take rollups from.
export { addRound, alignDown, type BucketAgg, type DecodedRound, emptyBucket, type Tier, TIER_MS };

/** A route change re-files at most this many stored rounds (a few hours of one target). */
const MAX_REBUILD_ROUNDS = 20_000;
export const TIER_TABLE: Record<Tier, string> = { "1m": "rollup_1m", "1h": "rollup_1h" };

interface CachedBucket extends BucketAgg {
  tier: Tier;
  targetId: number;
  dirty: boolean;
}

export interface RollupWriter {
  /** Inside the flush transaction: a round that was just stored (not a duplicate). */
  add(entry: StoredRound): void;
  /** Inside the flush transaction, after the rounds: writes the touched buckets. */
  write(): void;
  /** After COMMIT: returns the rounds of the batch and the minute buckets they touched. */
  committed(): { rounds: DecodedRound[]; minutes: (BucketAgg & { targetId: number })[] };
  /** After ROLLBACK: what is cached may include the lost batch, so all of it is dropped. */
  rolledBack(): void;
  forget(targetId: number): void;
  /** Re-files stored rounds from `at` on (their buckets are rebuilt from raw rows). */
  rebuildFrom(targetId: number, at: number): void;
}

export function createRollupWriter(db: DatabaseSync, routes: RouteIndex): RollupWriter {
  const sql = Object.fromEntries((["1m", "1h"] as Tier[]).map((tier) => [tier, {
    get: db.prepare(
      `SELECT path_id, data FROM ${
        TIER_TABLE[tier]
      } WHERE target_id = ? AND bucket = ? AND route_id = ?`,
    ),
    put: db.prepare(
      `INSERT INTO ${
        TIER_TABLE[tier]
      } (target_id, bucket, route_id, path_id, data) VALUES (?, ?, ?, ?, ?) ` +
        "ON CONFLICT (target_id, bucket, route_id) DO UPDATE SET path_id = excluded.path_id, data = excluded.data",
    ),
    deleteFrom: db.prepare(`DELETE FROM ${TIER_TABLE[tier]} WHERE target_id = ? AND bucket >= ?`),
  }])) as Record<Tier, Record<"get" | "put" | "deleteFrom", ReturnType<DatabaseSync["prepare"]>>>;
  const rawSince = db.prepare(
    "SELECT s.ts, s.path_id, s.data, p.hops FROM samples s JOIN paths p ON p.id = s.path_id " +
      "WHERE s.target_id = ? AND s.ts >= ? ORDER BY s.ts, s.seq",
  );
  const oldestRaw = db.prepare("SELECT min(ts) AS ts FROM samples WHERE target_id = ?");
  const rollupOnly = db.prepare(
    "SELECT 1 AS one FROM rollup_1m WHERE target_id = ? AND bucket >= ? AND bucket < ? LIMIT 1",
  );
  const rawCount = db.prepare(
    "SELECT count(*) AS n FROM (SELECT 1 FROM samples WHERE target_id = ? AND ts >= ? LIMIT ?)",
  );
  const cache = new Map<string, CachedBucket>();
  const previous = new Map<number, Map<number, number>>();
  let batch: DecodedRound[] = [];

  function bucketFor(tier: Tier, targetId: number, ts: number, routeId: number): CachedBucket {
    const bucket = alignDown(ts, TIER_MS[tier]);
    const key = `${tier}/${targetId}/${bucket}/${routeId}`;
    let cached = cache.get(key);
    if (!cached) {
      cached = { ...emptyBucket(bucket, routeId), tier, targetId, dirty: false };
      const row = sql[tier].get.get(targetId, bucket, routeId) as
        | { path_id: number; data: Uint8Array }
        | undefined;
      if (row) {
        cached.pathId = row.path_id;
        mergeRollup(cached.hops, row.data);
      }
      cache.set(key, cached);
    }
    cached.dirty = true;
    return cached;
  }

  function add(entry: StoredRound): void {
    const { hops, destinationReached } = decodeHops(entry.data, entry.ips);
    const round = {
      targetId: entry.targetId,
      ts: entry.ts,
      pathId: entry.pathId,
      hops,
      destinationReached,
    };
    const routeId = routes.routeAt(entry.targetId, entry.ts);
    const minute = bucketFor("1m", entry.targetId, entry.ts, routeId);
    const hour = bucketFor("1h", entry.targetId, entry.ts, routeId);
    let last = previous.get(entry.targetId);
    if (!last) previous.set(entry.targetId, last = new Map());
    addRound(round, { minute, hour }, last);
    batch.push(round);
  }

  function write(): void {
    for (const cached of cache.values()) {
      if (!cached.dirty) continue;
      const { targetId, bucket, routeId, pathId, hops } = cached;
      sql[cached.tier].put.run(targetId, bucket, routeId, pathId, encodeRollup(hops.values()));
    }
  }

  /** Keeps only each target's newest bucket per tier: the one the next rounds will go to. */
  function evict(): void {
    // Keyed by number per tier: this runs after every flush over every cached bucket.
    const newest: Record<Tier, Map<number, number>> = { "1m": new Map(), "1h": new Map() };
    for (const c of cache.values()) {
      const known = newest[c.tier].get(c.targetId);
      if (known === undefined || c.bucket > known) newest[c.tier].set(c.targetId, c.bucket);
    }
    for (const [key, c] of cache) {
      if (c.bucket < newest[c.tier].get(c.targetId)!) cache.delete(key);
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

  /** Rebuilding from `from` loses nothing: every rollup there still has its raw rounds. */
  function canRebuild(targetId: number, from: number): boolean {
    const oldest = (oldestRaw.get(targetId) as { ts: number | null }).ts;
    if (oldest === null) return false;
    const gone = oldest > from &&
      rollupOnly.get(targetId, from, alignDown(oldest, TIER_MS["1m"])) !== undefined;
    const many = (rawCount.get(targetId, from, MAX_REBUILD_ROUNDS + 1) as { n: number }).n >
      MAX_REBUILD_ROUNDS;
    if (gone || many) log.debug("store: route change too old to re-file its rounds", { targetId });
    return !gone && !many;
  }

  function rebuildFrom(targetId: number, at: number): void {
    const from = alignDown(at, TIER_MS["1h"]);
    if (!canRebuild(targetId, from)) return;
    forget(targetId);
    const ips = new Map<number, (string | null)[]>();
    try {
      inTransaction(db, () => {
        for (const tier of ["1m", "1h"] as Tier[]) sql[tier].deleteFrom.run(targetId, from);
        for (const row of rawSince.iterate(targetId, from)) {
          const r = row as { ts: number; path_id: number; data: Uint8Array; hops: string };
          if (!ips.has(r.path_id)) ips.set(r.path_id, JSON.parse(r.hops));
          add({ targetId, ts: r.ts, pathId: r.path_id, data: r.data, ips: ips.get(r.path_id)! });
        }
        write();
      });
    } catch (error) {
      rolledBack();
      throw error;
    }
    committed(); // these rounds were counted when first written: the batch is not reported
  }

  return { add, write, committed, rolledBack, forget, rebuildFrom };
}
