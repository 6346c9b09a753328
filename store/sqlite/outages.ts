// The outage part of the SQLite Store: outages (written at once, they are rare) and per-target
// thresholds.
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import {
  groupByTarget,
  outageLimit,
  type OutageQuery,
  type OutageRecord,
  type OutagesByTargetQuery,
  type OutageStore,
} from "../outages_types.ts";

type Run = <T>(work: () => T) => Promise<T>;

interface OutageRow {
  id: number;
  target_id: number;
  start_at: number;
  end_at: number | null;
  rounds_lost: number;
  last_lost_at: number;
  agent: string | null;
}

function outageOf(row: OutageRow): OutageRecord {
  return {
    id: row.id,
    targetId: row.target_id,
    agent: row.agent,
    start: row.start_at,
    end: row.end_at,
    roundsLost: row.rounds_lost,
    lastLostAt: row.last_lost_at,
  };
}

function outagesWhere(query: OutageQuery): { sql: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  const add = (clause: string, ...values: SQLInputValue[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (query.targetId !== undefined) add("target_id = ?", query.targetId);
  // Overlap with [start, end): it ends after start (or is open) and starts before end.
  if (query.start !== undefined) add("(end_at IS NULL OR end_at > ?)", query.start);
  if (query.end !== undefined) add("start_at < ?", query.end);
  if (query.open === true) add("end_at IS NULL");
  if (query.open === false) add("end_at IS NOT NULL");
  if (query.before) {
    add(
      "(start_at < ? OR (start_at = ? AND id < ?))",
      query.before.start,
      query.before.start,
      query.before.id,
    );
  }
  const limit = outageLimit(query.limit);
  const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
  return {
    sql: `SELECT * FROM outages ${where} ORDER BY start_at DESC, id DESC LIMIT ${limit}`,
    params,
  };
}

// One pass over the range for every target: each target's newest `limitPerTarget`, grouped.
const BY_TARGET_SQL = `SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY target_id ORDER BY start_at DESC, id DESC) AS n
    FROM outages WHERE (end_at IS NULL OR end_at > ?) AND start_at < ?
    AND (? IS NULL OR target_id IN (SELECT value FROM json_each(?))))
  WHERE n <= ? ORDER BY target_id, start_at DESC, id DESC`;

/** The OutageStore methods over an open database; `run` turns sync work into the async API. */
export function createSqliteOutageStore(db: DatabaseSync, run: Run): OutageStore {
  const sql = {
    insert: db.prepare(
      "INSERT INTO outages (target_id, start_at, end_at, rounds_lost, last_lost_at, agent) " +
        "VALUES (?, ?, NULL, ?, ?, ?)",
    ),
    get: db.prepare("SELECT * FROM outages WHERE id = ?"),
    byTarget: db.prepare(BY_TARGET_SQL),
    update: db.prepare("UPDATE outages SET rounds_lost = ?, last_lost_at = ? WHERE id = ?"),
    close: db.prepare(
      "UPDATE outages SET rounds_lost = ?, last_lost_at = ?, end_at = ? WHERE id = ?",
    ),
    rounds: db.prepare("SELECT rounds FROM outage_settings WHERE target_id = ?"),
    allRounds: db.prepare("SELECT target_id, rounds FROM outage_settings"),
    putRounds: db.prepare(
      "INSERT INTO outage_settings (target_id, rounds) VALUES (?, ?) " +
        "ON CONFLICT (target_id) DO UPDATE SET rounds = excluded.rounds",
    ),
    clearRounds: db.prepare("DELETE FROM outage_settings WHERE target_id = ?"),
    targetExists: db.prepare("SELECT 1 AS one FROM targets WHERE id = ?"),
  };
  return {
    addOutage: (o) =>
      run(() => {
        const result = sql.insert.run(
          o.targetId,
          o.start,
          o.roundsLost,
          o.lastLostAt,
          o.agent ?? null,
        );
        return outageOf(sql.get.get(Number(result.lastInsertRowid)) as unknown as OutageRow);
      }),
    updateOutage: (id, patch) =>
      run(() => {
        const result = patch.end === undefined
          ? sql.update.run(patch.roundsLost, patch.lastLostAt, id)
          : sql.close.run(patch.roundsLost, patch.lastLostAt, patch.end, id);
        return Number(result.changes) > 0;
      }),
    outages: (query = {}) =>
      run(() => {
        const { sql: text, params } = outagesWhere(query);
        return (db.prepare(text).all(...params) as unknown as OutageRow[]).map(outageOf);
      }),
    outagesByTarget: (query: OutagesByTargetQuery) =>
      run(() => {
        const ids = query.targetIds ? JSON.stringify(query.targetIds) : null;
        const rows = sql.byTarget.all(
          query.start,
          query.end,
          ids,
          ids,
          outageLimit(query.limitPerTarget),
        ) as unknown as OutageRow[];
        return groupByTarget(rows.map(outageOf));
      }),
    outageRounds: (targetId) =>
      run(() => (sql.rounds.get(targetId) as { rounds: number } | undefined)?.rounds ?? null),
    allOutageRounds: () =>
      run(() => {
        const rows = sql.allRounds.all() as unknown as { target_id: number; rounds: number }[];
        return new Map(rows.map((row) => [row.target_id, row.rounds]));
      }),
    setOutageRounds: (targetId, rounds) =>
      run(() => {
        if (!sql.targetExists.get(targetId)) return false;
        if (rounds === null) sql.clearRounds.run(targetId);
        else sql.putRounds.run(targetId, rounds);
        return true;
      }),
  };
}
