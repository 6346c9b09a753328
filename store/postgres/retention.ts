// Retention on PostgreSQL: each tier's partitions that end at or before its cutoff are dropped
// whole (no row-by-row delete, no bloat); the one partition straddling the cutoff is trimmed with
// bounded DELETEs, so the rows kept are exactly those SQLite keeps (store/sqlite/retention.ts).
// A step holds a transaction-scoped advisory lock: with several processes on one database, one
// of them sweeps at a time (the writer loops try the lock and skip when another holds it), and
// a finished sweep is recorded in retention_runs so the writer loops of the other processes skip
// their turns until the period is over: the fleet sweeps once per period, whichever process it is.
import { cutoffOf, type ResolvedRetention } from "../retention_policy.ts";
import { TIER_MS } from "../rollup_math.ts";
import type { Db, Sql } from "./connect.ts";
import type { PartitionedTable, Partitions } from "./partitions.ts";

const RETENTION_LOCK = 0x70777274;

export interface RetentionStepResult {
  deletedRows: number;
  done: boolean;
}

export interface RetentionRunOptions {
  /** Who sweeps (recorded in retention_runs). */
  agent: string;
  /** How long after any process's finished sweep the writer loops leave retention alone. */
  periodMs: number;
}

export function createPgRetention(
  sql: Sql,
  partitions: Partitions,
  retention: ResolvedRetention,
  run: RetentionRunOptions,
) {
  async function sweep(tx: Db, now: number, maxRows: number): Promise<RetentionStepResult> {
    const plan: [PartitionedTable, string, string, number][] = [
      ["samples", "ts", "seq", cutoffOf("raw", retention, now)],
      ["rollup_1m", "bucket", "route_id", cutoffOf("1m", retention, now) - TIER_MS["1m"] + 1],
      ["rollup_1h", "bucket", "route_id", cutoffOf("1h", retention, now) - TIER_MS["1h"] + 1],
    ];
    let deleted = 0;
    const notDone = () => ({ deletedRows: deleted, done: false });
    for (const [table, column, third, before] of plan) {
      for (const part of await partitions.list(table, tx)) {
        if (part.end > before) break;
        if (deleted >= maxRows) return notDone();
        deleted += await partitions.rowsIn(part.name, tx);
        await partitions.drop(table, part, tx);
      }
      if (deleted >= maxRows) return notDone();
      const budget = maxRows - deleted;
      const result = await tx.unsafe(
        `DELETE FROM ${table} WHERE (target_id, ${column}, ${third}) IN (SELECT target_id, ` +
          `${column}, ${third} FROM ${table} WHERE ${column} < $1 LIMIT $2)`,
        [before, budget],
      );
      deleted += result.count;
      if (result.count >= budget) return notDone();
    }
    // Route history lives as long as the longest tier; the route in force at that cutoff stays.
    const routeCutoff = Math.min(...plan.map(([, , , before]) => before));
    const routes = await tx`DELETE FROM route_changes r WHERE r.at < ${routeCutoff} AND r.id <> (
      SELECT id FROM route_changes k WHERE k.target_id = r.target_id AND k.at < ${routeCutoff}
      ORDER BY k.at DESC, k.id DESC LIMIT 1)`;
    deleted += routes.count;
    // Closed outages go with the route history; an open one stays whatever its age.
    const outages =
      await tx`DELETE FROM outages WHERE end_at IS NOT NULL AND end_at < ${routeCutoff}`;
    deleted += outages.count;
    if (deleted > 0) await tx`SELECT pg_stat_force_next_flush()`;
    return { deletedRows: deleted, done: true };
  }

  /**
   * One bounded step. `wait`: queue behind another process's step (an explicit call) rather than
   * skip it (the writer loop); a skipped step reports done, as the other process does the work.
   */
  function step(now: number, maxRows: number, wait: boolean): Promise<RetentionStepResult> {
    if (!(maxRows >= 1)) throw new RangeError(`maxRows must be at least 1, got ${maxRows}`);
    return sql.begin(async (tx) => {
      if (wait) await tx`SELECT pg_advisory_xact_lock(${RETENTION_LOCK})`;
      else {
        const [{ locked }] = await tx<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS locked`;
        if (!locked) return { deletedRows: 0, done: true };
        // Another process swept within the period: one sweep per period for the whole fleet.
        const [last] = await tx<{ last_done: number }[]>`
          SELECT last_done FROM retention_runs WHERE id = 1`;
        if (last && now >= last.last_done && now < last.last_done + run.periodMs) {
          return { deletedRows: 0, done: true };
        }
      }
      const result = await sweep(tx, now, maxRows);
      if (result.done) {
        await tx`INSERT INTO retention_runs (id, last_done, agent, runs)
          VALUES (1, ${now}, ${run.agent}, 1) ON CONFLICT (id) DO UPDATE SET
          last_done = excluded.last_done, agent = excluded.agent, runs = retention_runs.runs + 1`;
      }
      return result;
    });
  }

  return { step };
}
