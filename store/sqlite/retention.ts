// Retention: raw rounds, 1-minute and 1-hour rollups each expire after their own number of days.
// Deletion runs in bounded steps (a row budget per step, one short transaction each), target by
// target along the primary keys, so a step costs milliseconds whatever the backlog. A raw row is
// kept while ts >= cutoff; a bucket while any part of it is (bucket + size > cutoff). Route
// changes live as long as the longest tier, except that the route in force at that cutoff stays;
// closed outages as long as route changes.
// SQLite reuses the freed pages for new rows; `cleanup --vacuum` also shrinks the file.
import type { DatabaseSync } from "node:sqlite";
import { cutoffOf, type ResolvedRetention } from "../retention_policy.ts";
import { TIER_MS } from "../rollup_math.ts";
import { inTransaction } from "./schema.ts";

export {
  cutoffOf,
  DEFAULT_RETENTION_DAYS,
  type ResolvedRetention,
  resolveRetention,
  type RetentionTier,
} from "../retention_policy.ts";

/** Targets looked at per step: even with nothing to delete, a step stays a few milliseconds. */
const MAX_TARGETS_PER_STEP = 200;

export interface RetentionStepResult {
  deletedRows: number;
  /** True when every target was swept within the budget: nothing old is left. */
  done: boolean;
}

export function createRetention(db: DatabaseSync, retention: ResolvedRetention) {
  // The n-th oldest expired key bounds the DELETE (SQLite is built without DELETE ... LIMIT).
  const batchDelete = (table: string, column: string) =>
    db.prepare(
      `DELETE FROM ${table} WHERE target_id = ? AND ${column} < ? AND ${column} <= coalesce(` +
        `(SELECT ${column} FROM ${table} WHERE target_id = ? AND ${column} < ? ` +
        `ORDER BY ${column} LIMIT 1 OFFSET ?), ?)`,
    );
  const sql = {
    targets: db.prepare("SELECT id FROM targets WHERE id >= ? ORDER BY id"),
    // The two tables behind the view `samples` (recent.ts); a view cannot be deleted from.
    samples: batchDelete("samples_main", "ts"),
    recent: batchDelete("samples_recent", "ts"),
    rollup_1m: batchDelete("rollup_1m", "bucket"),
    rollup_1h: batchDelete("rollup_1h", "bucket"),
    routes: db.prepare(
      "DELETE FROM route_changes WHERE target_id = ? AND at < ? AND id <> coalesce((SELECT id " +
        "FROM route_changes WHERE target_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1), -1)",
    ),
    outages: db.prepare(
      "DELETE FROM outages WHERE target_id = ? AND end_at IS NOT NULL AND end_at < ?",
    ),
  };
  let cursor = 0;

  /** Deletes up to `limit` rows older than `before` from one table of one target. */
  function trim(
    statement: ReturnType<DatabaseSync["prepare"]>,
    targetId: number,
    before: number,
    limit: number,
  ): number {
    return Number(statement.run(targetId, before, targetId, before, limit - 1, before).changes);
  }

  function sweepTarget(targetId: number, now: number, budget: number): number {
    const plan: [ReturnType<DatabaseSync["prepare"]>, number][] = [
      [sql.samples, cutoffOf("raw", retention, now)],
      [sql.recent, cutoffOf("raw", retention, now)],
      [sql.rollup_1m, cutoffOf("1m", retention, now) - TIER_MS["1m"] + 1],
      [sql.rollup_1h, cutoffOf("1h", retention, now) - TIER_MS["1h"] + 1],
    ];
    let deleted = 0;
    for (const [statement, before] of plan) {
      if (deleted >= budget) break;
      deleted += trim(statement, targetId, before, budget - deleted);
    }
    if (deleted < budget) {
      // Route history lives as long as the longest tier, whichever that is.
      const routeCutoff = Math.min(...plan.map(([, before]) => before));
      deleted += Number(sql.routes.run(targetId, routeCutoff, targetId, routeCutoff).changes);
      // Closed outages go with the route history; an open one stays whatever its age.
      deleted += Number(sql.outages.run(targetId, routeCutoff).changes);
    }
    return deleted;
  }

  /** One bounded step: at most about `maxRows` rows, resuming where the last step stopped. */
  function step(now: number, maxRows: number): RetentionStepResult {
    if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, got ${maxRows}`);
    return inTransaction(db, () => {
      const ids = (sql.targets.all(cursor) as { id: number }[]).map((row) => row.id);
      let deleted = 0;
      for (const [index, id] of ids.entries()) {
        if (index === MAX_TARGETS_PER_STEP) {
          cursor = id;
          return { deletedRows: deleted, done: false };
        }
        deleted += sweepTarget(id, now, maxRows - deleted);
        if (deleted >= maxRows) {
          cursor = id; // this target may hold more: the next step starts with it
          return { deletedRows: deleted, done: false };
        }
      }
      cursor = 0;
      return { deletedRows: deleted, done: true };
    });
  }

  return { step };
}

export type Retention = ReturnType<typeof createRetention>;
