// Rollups kept incrementally by the write path: every round a flush stores is added to its
// 1-minute and 1-hour buckets (per target and route) in memory. A bucket whose minute or hour is
// over is written by the next flush, in that flush's transaction; one still filling at most every
// OPEN_WRITE_MS (each flush rewrote every touched bucket: two upserts a round, the store's largest
// cost). What a crash takes from filling buckets is rebuilt from raw rounds (rollup_recovery.ts).
// Only each target's newest buckets stay cached; an older bucket (a late round) is read back from
// its row first. Raw data is re-read only to re-file the few rounds that started on a new route
// before the route change was recorded (see rebuildFrom), and after a crash.
import type { DatabaseSync } from "node:sqlite";
import { type Clock, log } from "../../engine/ground.ts";
import { decodeHops } from "../codec.ts";
import { inTransaction } from "./schema.ts";
import type { RouteIndex } from "./route_index.ts";
import type { RollupRow } from "./history_read.ts";
import type { StoredRound } from "./rounds.ts";
import { encodeRollup, mergeRollup } from "../rollup_codec.ts";
import { createOpenMarks, NONE_OPEN, type OpenBuckets, rebuildOpen } from "./rollup_recovery.ts";
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
/**
 * A bucket still filling is written at most this often: another process reading the file sees it
 * this late at most (this store's own reads take it from memory, see pending).
 */
export const OPEN_WRITE_MS = 30_000;
export const TIER_TABLE: Record<Tier, string> = { "1m": "rollup_1m", "1h": "rollup_1h" };

/** Whether eviction keeps a bucket: unwritten, or its target's newest of its tier. */
function kept(c: CachedBucket, newestMinute: number, newestHour: number): boolean {
  return c.dirty || c.bucket === (c.tier === "1m" ? newestMinute : newestHour);
}

interface CachedBucket extends BucketAgg {
  tier: Tier;
  targetId: number;
  /** Holds rounds its row does not have yet. */
  dirty: boolean;
  /** Took a round in the current flush (committed() reports its minute). */
  touched: boolean;
  /** When its row was last written, or the bucket was first cached (the store's clock). */
  writtenAt: number;
}

export interface RollupWriter {
  /** Inside the flush transaction: a round that was just stored (not a duplicate). */
  add(entry: StoredRound): void;
  /** Before a flush's transaction: rebuilds what a crash or a rollback left unwritten. */
  recoverIfNeeded(): void;
  /** Inside the flush transaction, after the rounds: writes the buckets that are due. */
  write(): void;
  /** Writes, in a transaction of its own, buckets due without a round (after a quiet flush). */
  writeDue(): void;
  /** Writes every bucket holding rounds its row lacks (the store is closing). */
  writeAll(): void;
  /** After COMMIT: returns the rounds of the batch and the minute buckets they touched. */
  committed(): { rounds: DecodedRound[]; minutes: (BucketAgg & { targetId: number })[] };
  /** A target's buckets in [start, end) whose rows lack rounds, as rows (reads add them). */
  pending(tier: Tier, targetId: number, start: number, end: number): RollupRow[];
  /** After ROLLBACK: what is cached may include the lost batch, so all of it is dropped. */
  rolledBack(): void;
  forget(targetId: number): void;
  /** Re-files stored rounds from `at` on (their buckets are rebuilt from raw rows). */
  rebuildFrom(targetId: number, at: number): void;
}

export function createRollupWriter(
  db: DatabaseSync,
  routes: RouteIndex,
  clock: Clock,
): RollupWriter {
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
    "SELECT s.ts, s.seq, s.path_id, s.data, p.hops FROM samples s JOIN paths p ON p.id = s.path_id " +
      "WHERE s.target_id = ? AND s.ts >= ? ORDER BY s.ts, s.seq",
  );
  // Not min(ts): over the view (two tables, recent.ts) that reads every row of the target.
  const oldestRaw = db.prepare(
    "SELECT ts FROM samples WHERE target_id = ? ORDER BY ts LIMIT 1",
  );
  const rollupOnly = db.prepare(
    "SELECT 1 AS one FROM rollup_1m WHERE target_id = ? AND bucket >= ? AND bucket < ? LIMIT 1",
  );
  const rawCount = db.prepare(
    "SELECT count(*) AS n FROM (SELECT 1 FROM samples WHERE target_id = ? AND ts >= ? LIMIT ?)",
  );
  /** Each target's cached buckets: a few (the newest of each tier and route, and unwritten ones). */
  const cache = new Map<number, CachedBucket[]>();
  /**
   * Calls `visit` on every cached bucket until it returns true; says whether it did. A loop, not
   * a generator: every flush walks every cached bucket (a few per target) three times, and the
   * generator's step results were a third of what the store allocated a round.
   */
  function someCached(visit: (c: CachedBucket) => boolean | void): boolean {
    for (const list of cache.values()) {
      for (let i = 0; i < list.length; i++) if (visit(list[i])) return true;
    }
    return false;
  }
  const previous = new Map<number, Map<number, number>>();
  let batch: DecodedRound[] = [];
  const marks = createOpenMarks(db);
  /** The newest round's start seen: buckets ending by then are over, whatever the clock says. */
  let newestTs = -Infinity;
  /** Whether the file's marks were read (at the first flush, and again after a rollback). */
  let marksChecked = false;
  /** Off while a rebuild re-adds raw rounds to their minutes only (rollup_recovery.ts). */
  let withHour = true;

  function bucketFor(tier: Tier, targetId: number, ts: number, routeId: number): CachedBucket {
    const bucket = alignDown(ts, TIER_MS[tier]);
    let list = cache.get(targetId);
    if (!list) cache.set(targetId, list = []);
    let cached: CachedBucket | undefined;
    for (const c of list) {
      if (c.bucket === bucket && c.tier === tier && c.routeId === routeId) cached = c;
    }
    if (!cached) {
      const writtenAt = clock.now();
      cached = {
        ...emptyBucket(bucket, routeId),
        tier,
        targetId,
        dirty: false,
        touched: false,
        writtenAt,
      };
      const row = sql[tier].get.get(targetId, bucket, routeId) as
        | { path_id: number; data: Uint8Array }
        | undefined;
      if (row) {
        cached.pathId = row.path_id;
        mergeRollup(cached.hops, row.data);
      }
      list.push(cached);
    }
    cached.dirty = true;
    cached.touched = true;
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
    if (entry.ts > newestTs) newestTs = entry.ts;
    const routeId = routes.routeAt(entry.targetId, entry.ts);
    const minute = bucketFor("1m", entry.targetId, entry.ts, routeId);
    const hour = withHour ? bucketFor("1h", entry.targetId, entry.ts, routeId) : null;
    addRound(round, { minute, hour }, lastOf(entry.targetId));
    batch.push(round);
  }

  function lastOf(targetId: number): Map<number, number> {
    let last = previous.get(targetId);
    if (!last) previous.set(targetId, last = new Map());
    return last;
  }

  /**
   * Writes the dirty buckets that are over or were last written OPEN_WRITE_MS ago (all of them
   * when `all`), and records in the file where the oldest bucket left unwritten begins.
   */
  function write(all = false): void {
    const due = dueTest();
    const open: OpenBuckets = { ...NONE_OPEN };
    someCached((cached) => {
      if (!cached.dirty) return;
      const { tier, targetId, bucket, routeId, pathId, hops } = cached;
      if (!all && !due(cached)) {
        if (bucket < open[tier]) open[tier] = bucket;
        return;
      }
      sql[tier].put.run(targetId, bucket, routeId, pathId, encodeRollup(hops.values()));
      cached.dirty = false;
      cached.writtenAt = clock.now();
    });
    marks.save(open);
  }

  /** Whether a bucket is due now: over (by the clock or by a newer round), or written long ago. */
  function dueTest(): (c: CachedBucket) => boolean {
    const now = clock.now();
    const overBy = Math.max(newestTs, now);
    return (c) => c.bucket + TIER_MS[c.tier] <= overBy || now - c.writtenAt >= OPEN_WRITE_MS;
  }

  function hasDue(): boolean {
    const due = dueTest();
    return someCached((c) => c.dirty && due(c));
  }

  /** A transaction of the writer's own; a failure drops the cache and asks for a rebuild. */
  function transaction(work: () => void): void {
    try {
      inTransaction(db, work);
    } catch (error) {
      rolledBack();
      throw error;
    }
  }

  function writeAlone(all: boolean): void {
    transaction(() => write(all));
    evict();
  }

  /** Adds a target's stored rounds from `from` on again (their buckets were just deleted). */
  function addStoredSince(targetId: number, from: number): void {
    const ips = new Map<number, (string | null)[]>();
    for (const row of rawSince.iterate(targetId, from)) {
      const r = row as { ts: number; path_id: number; data: Uint8Array; hops: string };
      if (!ips.has(r.path_id)) ips.set(r.path_id, JSON.parse(r.hops));
      add({ targetId, ts: r.ts, pathId: r.path_id, data: r.data, ips: ips.get(r.path_id)! });
    }
  }

  function recoverIfNeeded(): void {
    if (marksChecked) return;
    const open = marks.load();
    if (open["1m"] === Infinity && open["1h"] === Infinity) {
      marksChecked = true;
      return;
    }
    cache.clear();
    previous.clear();
    transaction(() => {
      withHour = false;
      try {
        rebuildOpen(db, open, {
          deleteFrom: (tier, targetId, from) => sql[tier].deleteFrom.run(targetId, from),
          addMinutesSince: addStoredSince,
          jitterFrom: (targetId, ttl, rttUs) => lastOf(targetId).set(ttl, rttUs),
          mergeHourRow: (targetId, row) => {
            const hour = bucketFor("1h", targetId, row.bucket, row.routeId);
            mergeRollup(hour.hops, row.data);
            hour.pathId = row.pathId;
          },
          writeAll: () => write(true),
        });
      } finally {
        withHour = true;
      }
    });
    batch = [];
    someCached((c) => void (c.touched = false));
    evict();
    marksChecked = true;
    log.info("store: rollups of the minutes and hours a crash left unwritten rebuilt", {
      fromMinute: open["1m"] === Infinity ? null : new Date(open["1m"]).toISOString(),
      fromHour: open["1h"] === Infinity ? null : new Date(open["1h"]).toISOString(),
    });
  }

  /** Keeps only each target's newest bucket per tier (the next rounds go there) and unwritten ones. */
  function evict(): void {
    // Runs after every flush over every target: nothing allocated unless a bucket goes.
    cache.forEach((list, targetId) => {
      let minute = -Infinity, hour = -Infinity;
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if (c.tier === "1m") minute = Math.max(minute, c.bucket);
        else hour = Math.max(hour, c.bucket);
      }
      let all = true;
      for (let i = 0; i < list.length && all; i++) all = kept(list[i], minute, hour);
      if (!all) cache.set(targetId, list.filter((c) => kept(c, minute, hour)));
    });
  }

  function committed() {
    const minutes: CachedBucket[] = [];
    someCached((c) => {
      if (c.touched && c.tier === "1m") minutes.push(c);
      c.touched = false;
    });
    evict();
    const rounds = batch;
    batch = [];
    return { rounds, minutes };
  }

  /** Unwritten buckets of a target overlapping [start, end): what a read adds to the rows. */
  function pending(tier: Tier, targetId: number, start: number, end: number): RollupRow[] {
    const rows: RollupRow[] = [];
    for (const c of cache.get(targetId) ?? []) {
      if (!c.dirty || c.tier !== tier || c.bucket < start || c.bucket >= end) continue;
      rows.push({
        bucket: c.bucket,
        routeId: c.routeId,
        pathId: c.pathId,
        data: encodeRollup(c.hops.values()),
      });
    }
    return rows;
  }

  function rolledBack(): void {
    cache.clear();
    previous.clear();
    batch = [];
    marks.unknown();
    marksChecked = false;
  }

  function forget(targetId: number): void {
    cache.delete(targetId);
    previous.delete(targetId);
  }

  /** Rebuilding from `from` loses nothing: every rollup there still has its raw rounds. */
  function canRebuild(targetId: number, from: number): boolean {
    const oldest = (oldestRaw.get(targetId) as { ts: number } | undefined)?.ts;
    if (oldest === undefined) return false;
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
    transaction(() => {
      for (const tier of ["1m", "1h"] as Tier[]) sql[tier].deleteFrom.run(targetId, from);
      addStoredSince(targetId, from);
      write();
    });
    committed(); // these rounds were counted when first written: the batch is not reported
  }

  return {
    add,
    recoverIfNeeded,
    write: () => write(),
    writeDue() {
      if (hasDue()) writeAlone(false);
    },
    writeAll() {
      if (someCached((c) => c.dirty)) return writeAlone(true);
    },
    committed,
    pending,
    rolledBack,
    forget,
    rebuildFrom,
  };
}
