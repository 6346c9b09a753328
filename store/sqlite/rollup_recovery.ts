// What a crash takes from the rollups, and how it is given back. The writer keeps a bucket that is
// still filling in memory between its writes (store/sqlite/rollups.ts), so every flush records in
// `rollup_open`, in the flush's transaction, where the oldest minute and hour with rounds their
// rows lack begin. A clean close writes them all and leaves no mark; a mark found by the next writer
// means those buckets were lost: minutes from the mark on are rebuilt from raw rounds, hours from
// the mark on from their minutes (sums, counts and histograms merge exactly).
import type { DatabaseSync } from "node:sqlite";
import { decodeHops } from "../codec.ts";
import { jitterBaseUs, type Tier } from "../rollup_math.ts";

/** Per tier, the start of the oldest bucket holding rounds its row lacks (Infinity: none). */
export type OpenBuckets = Record<Tier, number>;
export const NONE_OPEN: OpenBuckets = { "1m": Infinity, "1h": Infinity };

export function createOpenMarks(db: DatabaseSync) {
  const sql = {
    all: db.prepare("SELECT tier, bucket FROM rollup_open"),
    put: db.prepare(
      "INSERT INTO rollup_open (tier, bucket) VALUES (?, ?) " +
        "ON CONFLICT (tier) DO UPDATE SET bucket = excluded.bucket",
    ),
    clear: db.prepare("DELETE FROM rollup_open WHERE tier = ?"),
  };
  /** What the file holds, as far as this writer knows (null: read it again). */
  let saved: OpenBuckets | null = null;
  return {
    load(): OpenBuckets {
      const open = { ...NONE_OPEN };
      for (const row of sql.all.all() as { tier: Tier; bucket: number }[]) {
        if (row.tier in open) open[row.tier] = row.bucket;
      }
      return saved = open;
    },
    /**
     * Inside a write's transaction. A mark is written by every flush that leaves buckets unwritten
     * (two one-row upserts; a writer beside the server, `seed`, rebuilds and clears them when it
     * starts), and cleared once, when nothing is left.
     */
    save(open: OpenBuckets): void {
      const known = saved ?? this.load();
      for (const tier of ["1m", "1h"] as Tier[]) {
        if (open[tier] !== Infinity) sql.put.run(tier, open[tier]);
        else if (known[tier] !== Infinity) sql.clear.run(tier);
      }
      saved = { ...open };
    },
    /** After a rollback the file may hold other marks than the ones last saved. */
    unknown(): void {
      saved = null;
    },
  };
}

/** The writer's own steps that a rebuild runs (rollups.ts), inside one transaction. */
export interface RebuildSteps {
  deleteFrom(tier: Tier, targetId: number, from: number): void;
  /** Adds a target's stored rounds from `from` on to their minute buckets only. */
  addMinutesSince(targetId: number, from: number): void;
  /** Jitter goes on from the round before the rebuilt ones, as it did when they came. */
  jitterFrom(targetId: number, ttl: number, rttUs: number): void;
  mergeHourRow(
    targetId: number,
    row: { bucket: number; routeId: number; pathId: number; data: Uint8Array },
  ): void;
  writeAll(): void;
}

/** Rebuilds, target by target (each read stays on the primary keys), the buckets `open` marks. */
export function rebuildOpen(db: DatabaseSync, open: OpenBuckets, steps: RebuildSteps): void {
  const sql = {
    targets: db.prepare("SELECT id FROM targets ORDER BY id"),
    before: db.prepare(
      "SELECT s.ts, s.seq, s.data, p.hops FROM samples s JOIN paths p ON p.id = s.path_id " +
        "WHERE s.target_id = ? AND s.ts < ? ORDER BY s.ts DESC, s.seq DESC LIMIT 1",
    ),
    minutes: db.prepare(
      "SELECT bucket, route_id AS routeId, path_id AS pathId, data FROM rollup_1m " +
        "WHERE target_id = ? AND bucket >= ? ORDER BY bucket",
    ),
  };
  const targetIds = (sql.targets.all() as { id: number }[]).map((row) => row.id);
  const minuteFrom = open["1m"];
  if (minuteFrom !== Infinity) {
    for (const targetId of targetIds) {
      steps.deleteFrom("1m", targetId, minuteFrom);
      const last = sql.before.get(targetId, minuteFrom) as
        | { data: Uint8Array; hops: string }
        | undefined;
      for (const hop of last ? decodeHops(last.data, JSON.parse(last.hops)).hops : []) {
        const base = jitterBaseUs(hop);
        if (base !== null) steps.jitterFrom(targetId, hop.ttl, base);
      }
      steps.addMinutesSince(targetId, minuteFrom);
    }
    steps.writeAll();
  }
  const hourFrom = open["1h"];
  if (hourFrom === Infinity) return;
  for (const targetId of targetIds) {
    steps.deleteFrom("1h", targetId, hourFrom);
    for (const row of sql.minutes.iterate(targetId, hourFrom)) {
      steps.mergeHourRow(
        targetId,
        row as { bucket: number; routeId: number; pathId: number; data: Uint8Array },
      );
    }
  }
  steps.writeAll();
}
