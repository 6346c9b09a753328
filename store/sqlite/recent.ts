// Raw rounds are written in two steps (schema migration 3). A flush inserts its rounds into
// samples_recent, whose rows lie in arrival order, so it changes a few pages whatever the number
// of targets; every RECENT_MOVE_MS they move into samples_main, kept in (target, time) order for
// reads, in one sorted pass that changes each target's page once. Inserted straight into the
// ordered table, a flush changed one page per target it had rounds of (1,000 targets at 2.5 s:
// 400 pages a second, each written to the WAL and checkpointed back, and once the table outgrew
// the cache, read back first). Reads see both tables through the view `samples`; a move is one
// transaction, so a crash leaves each row in one of them. A bulk load, many rounds per target in
// a flush, goes straight to samples_main (DIRECT_ROUNDS_PER_TARGET). A read of the view that
// orders its rows selects every column it orders by (s.ts and s.seq): SQLite then merges the two
// tables along their keys, where otherwise it sorts all of the target's rows in a temporary B-tree
// (a cold summary of 5,000 targets with an hour of rounds each took 7 s; the plans are tested).
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../../engine/ground.ts";
import { inTransaction } from "./schema.ts";

/** How long rounds stay in samples_recent before they move. */
export const RECENT_MOVE_MS = 30_000;
/** Rows it holds at most before they move sooner (5,000 targets every 2.5 s put 60,000 in 30 s). */
export const RECENT_MAX_ROWS = 100_000;

/**
 * A flush with at least this many rounds per target (a bulk load, as `seed` writes) writes them
 * straight into samples_main: each target's rows there lie together already, and a second copy
 * would only cost.
 */
export const DIRECT_ROUNDS_PER_TARGET = 8;

/** Inserts a round unless its (target, ts, seq) is stored already, in either table; true if so. */
export type InsertRound = (
  targetId: number,
  ts: number,
  seq: number,
  pathId: number,
  data: Uint8Array,
) => boolean;

export interface RecentRounds {
  /**
   * The insert for one flush, inside its transaction (which holds the write lock): into
   * samples_recent, or for a `bulk` flush into samples_main.
   */
  inserter(bulk: boolean): InsertRound;
  /**
   * Moves every row when RECENT_MOVE_MS have passed since the last move or RECENT_MAX_ROWS were
   * inserted since (the first call always moves).
   */
  moveIfDue(): void;
  /** Moves every row now; returns how many. */
  moveAll(): number;
}

const COLUMNS = "(target_id, ts, seq, path_id, data)";
/** INSERT of one round into `table`, unless `other` holds its key. */
const insertUnlessIn = (table: string, other: string) =>
  `INSERT OR IGNORE INTO ${table} ${COLUMNS} SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS ` +
  `(SELECT 1 FROM ${other} WHERE target_id = ?1 AND ts = ?2 AND seq = ?3)`;

export function createRecentRounds(db: DatabaseSync, clock: Clock): RecentRounds {
  const sql = {
    intoRecent: db.prepare(
      `INSERT OR IGNORE INTO samples_recent ${COLUMNS} VALUES (?, ?, ?, ?, ?)`,
    ),
    intoRecentChecked: db.prepare(insertUnlessIn("samples_recent", "samples_main")),
    intoMain: db.prepare(`INSERT OR IGNORE INTO samples_main ${COLUMNS} VALUES (?, ?, ?, ?, ?)`),
    intoMainChecked: db.prepare(insertUnlessIn("samples_main", "samples_recent")),
    anyRecent: db.prepare("SELECT 1 AS one FROM samples_recent LIMIT 1"),
    newestMain: db.prepare(
      "SELECT ts FROM samples_main WHERE target_id = ? ORDER BY ts DESC, seq DESC LIMIT 1",
    ),
    newestRecent: db.prepare(
      "SELECT target_id AS targetId, max(ts) AS ts FROM samples_recent GROUP BY target_id",
    ),
    move: db.prepare(
      `INSERT OR IGNORE INTO samples_main ${COLUMNS} ` +
        "SELECT target_id, ts, seq, path_id, data FROM samples_recent ORDER BY target_id, ts, seq",
    ),
    clear: db.prepare("DELETE FROM samples_recent"),
  };
  /**
   * Per target, the newest ts in samples_main (-Infinity: none), read once and then kept up to
   * date by the moves and bulk writes: a round after it cannot be a duplicate of a row there, so
   * only a late or repeated round pays the lookup (at 1,000 targets with hours of history, a page
   * read each). Another writer's move is not seen until this one's next, which can only let
   * through the duplicate of a round that writer stored: the move then drops it.
   */
  const newestMain = new Map<number, number>();
  let movedAt = -Infinity;
  /** Rows this writer inserted into samples_recent since its last move. */
  let held = 0;

  function newestOf(targetId: number): number {
    let newest = newestMain.get(targetId);
    if (newest === undefined) {
      const row = sql.newestMain.get(targetId) as { ts: number } | undefined;
      newestMain.set(targetId, newest = row?.ts ?? -Infinity);
    }
    return newest;
  }

  /** A row with `ts` is now in samples_main (an unknown target stays unknown: read when needed). */
  function sawInMain(targetId: number, ts: number): void {
    const known = newestMain.get(targetId);
    if (known !== undefined && ts > known) newestMain.set(targetId, ts);
  }

  const intoRecent: InsertRound = (targetId, ts, seq, pathId, data) => {
    const statement = ts > newestOf(targetId) ? sql.intoRecent : sql.intoRecentChecked;
    if (statement.run(targetId, ts, seq, pathId, data).changes === 0) return false;
    held++;
    return true;
  };

  function moveAll(): number {
    return inTransaction(db, () => {
      const newest = sql.newestRecent.all() as { targetId: number; ts: number }[];
      const moved = Number(sql.move.run().changes);
      sql.clear.run();
      held = 0;
      for (const { targetId, ts } of newest) sawInMain(targetId, ts);
      return moved;
    });
  }

  return {
    inserter(bulk) {
      if (!bulk) return intoRecent;
      // An empty samples_recent (the usual case for a bulk load) holds no duplicate to look for.
      const statement = sql.anyRecent.get() ? sql.intoMainChecked : sql.intoMain;
      return (targetId, ts, seq, pathId, data) => {
        if (statement.run(targetId, ts, seq, pathId, data).changes === 0) return false;
        sawInMain(targetId, ts);
        return true;
      };
    },
    moveIfDue() {
      const now = clock.now();
      if (now < movedAt + RECENT_MOVE_MS && held < RECENT_MAX_ROWS) return;
      moveAll();
      movedAt = now;
    },
    moveAll,
  };
}
