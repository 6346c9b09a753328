// The agent (vantage point) a SQLite file's rounds were written by. A file has one writer and one
// series per target, so it records one agent: the one writing now (a new name takes over the
// file's measurements, as they are not kept apart). See AgentStore in store/types.ts.
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../../engine/ground.ts";
import type { AgentRecord } from "../types.ts";

interface AgentRow {
  name: string;
  first_seen: number;
  last_seen: number;
}

export function createSqliteAgents(db: DatabaseSync, clock: Clock, agent: string) {
  const sql = {
    others: db.prepare("DELETE FROM agents WHERE name <> ?"),
    touch: db.prepare(
      "INSERT INTO agents (name, first_seen, last_seen) VALUES (?, ?, ?) " +
        "ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen",
    ),
    get: db.prepare("SELECT name, first_seen, last_seen FROM agents LIMIT 1"),
    measured: db.prepare(
      "SELECT count(*) AS n FROM targets t WHERE EXISTS " +
        "(SELECT 1 FROM samples s WHERE s.target_id = t.id)",
    ),
  };
  let touched = false;

  /** After rounds were written: this agent is the file's writer, seen now. */
  function wrote(): void {
    const now = clock.now();
    if (!touched) sql.others.run(agent);
    touched = true;
    sql.touch.run(agent, now, now);
  }

  function recorded(): AgentRow | null {
    return (sql.get.get() as AgentRow | undefined) ?? null;
  }

  function list(): AgentRecord[] {
    const row = recorded();
    if (!row) return [];
    const { n } = sql.measured.get() as { n: number };
    return [{
      name: row.name,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      targetCount: n,
    }];
  }

  /** Whether `name` names this file's measurements (its writer, or this store's own agent). */
  function knows(name: string): boolean {
    return name === agent || recorded()?.name === name;
  }

  return { wrote, recorded, list, knows };
}

export type SqliteAgents = ReturnType<typeof createSqliteAgents>;
