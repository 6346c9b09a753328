// The alert part of the SQLite Store: rules, saved machine states, event history with action
// outcomes, and timeline comments. Everything here is rare enough to be written at once.
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Clock } from "../../engine/ground.ts";
import type {
  ActionRunRecord,
  AlertEventQuery,
  AlertEventRecord,
  AlertStore,
  StoredAlertRule,
  StoredAlertState,
  TimelineComment,
} from "../alerts_types.ts";

type Run = <T>(work: () => T) => Promise<T>;

interface RuleRow {
  id: number;
  spec: string;
  created_at: number;
  updated_at: number;
}

interface EventRow {
  id: number;
  rule_id: number;
  target_id: number;
  agent: string | null;
  kind: string;
  at: number;
  detail: string;
}

interface RunRow {
  event_id: number;
  idx: number;
  type: string;
  ok: number;
  attempts: number;
  at: number;
  error: string | null;
  output: string | null;
}

interface CommentRow {
  id: number;
  target_id: number;
  at: number;
  text: string;
  event_id: number | null;
  source: string;
  created_at: number;
}

function ruleOf(row: RuleRow): StoredAlertRule {
  return {
    id: row.id,
    spec: JSON.parse(row.spec),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function runOf(row: RunRow): ActionRunRecord {
  return {
    eventId: row.event_id,
    index: row.idx,
    type: row.type,
    ok: row.ok === 1,
    attempts: row.attempts,
    at: row.at,
    error: row.error,
    output: row.output,
  };
}

function commentOf(row: CommentRow): TimelineComment {
  return {
    id: row.id,
    targetId: row.target_id,
    at: row.at,
    text: row.text,
    eventId: row.event_id,
    source: row.source === "user" ? "user" : "alert",
    createdAt: row.created_at,
  };
}

function prepare(db: DatabaseSync) {
  return {
    insertRule: db.prepare(
      "INSERT INTO alert_rules (spec, created_at, updated_at) VALUES (?, ?, ?)",
    ),
    getRule: db.prepare("SELECT * FROM alert_rules WHERE id = ?"),
    listRules: db.prepare("SELECT * FROM alert_rules ORDER BY id"),
    updateRule: db.prepare("UPDATE alert_rules SET spec = ?, updated_at = ? WHERE id = ?"),
    deleteRule: db.prepare("DELETE FROM alert_rules WHERE id = ?"),
    // States from before agents become the asking agent's, where it has none of its own.
    claimStates: db.prepare(
      "UPDATE alert_states SET agent = ? WHERE agent IS NULL AND NOT EXISTS (" +
        "SELECT 1 FROM alert_states own WHERE own.rule_id = alert_states.rule_id " +
        "AND own.target_id = alert_states.target_id AND own.agent = ?)",
    ),
    states: db.prepare("SELECT * FROM alert_states WHERE agent = ? ORDER BY rule_id, target_id"),
    putState: db.prepare(
      "INSERT INTO alert_states (rule_id, target_id, agent, state, updated_at) " +
        "VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (rule_id, target_id, agent) DO UPDATE SET state = excluded.state, " +
        "updated_at = excluded.updated_at",
    ),
    deleteState: db.prepare(
      "DELETE FROM alert_states WHERE rule_id = ? AND target_id = ? AND agent = ?",
    ),
    insertEvent: db.prepare(
      "INSERT INTO alert_events (rule_id, target_id, agent, kind, at, detail) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
    ),
    updateEvent: db.prepare("UPDATE alert_events SET detail = ? WHERE id = ?"),
    insertRun: db.prepare(
      "INSERT INTO alert_action_runs (event_id, idx, type, ok, attempts, at, error, output) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    insertComment: db.prepare(
      "INSERT INTO timeline_comments (target_id, at, text, event_id, source, created_at) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
    ),
    deleteComment: db.prepare("DELETE FROM timeline_comments WHERE id = ? AND target_id = ?"),
    comments: db.prepare(
      "SELECT * FROM timeline_comments WHERE target_id = ? AND at >= ? AND at < ? ORDER BY at, id",
    ),
  };
}

function eventsWhere(query: AlertEventQuery): { sql: string; params: SQLInputValue[] } {
  const clauses: string[] = [];
  const params: SQLInputValue[] = [];
  const add = (clause: string, ...values: SQLInputValue[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (query.ruleId !== undefined) add("rule_id = ?", query.ruleId);
  if (query.targetId !== undefined) add("target_id = ?", query.targetId);
  if (query.agent !== undefined) add("agent = ?", query.agent);
  if (query.kinds?.length) {
    add(`kind IN (${query.kinds.map(() => "?").join(", ")})`, ...query.kinds);
  }
  if (query.start !== undefined) add("at >= ?", query.start);
  if (query.end !== undefined) add("at < ?", query.end);
  if (query.beforeId !== undefined) add("id < ?", query.beforeId);
  const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), 1000);
  const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
  return { sql: `SELECT * FROM alert_events ${where} ORDER BY id DESC LIMIT ${limit}`, params };
}

function readEvents(db: DatabaseSync, query: AlertEventQuery): AlertEventRecord[] {
  const { sql, params } = eventsWhere(query);
  const rows = db.prepare(sql).all(...params) as unknown as EventRow[];
  if (!rows.length) return [];
  const ids = rows.map((row) => row.id);
  const runs = db.prepare(
    `SELECT * FROM alert_action_runs WHERE event_id IN (${ids.map(() => "?").join(", ")}) ` +
      "ORDER BY idx, id",
  ).all(...ids) as unknown as RunRow[];
  return rows.map((row) => ({
    id: row.id,
    ruleId: row.rule_id,
    targetId: row.target_id,
    agent: row.agent,
    kind: row.kind,
    at: row.at,
    detail: JSON.parse(row.detail),
    actions: runs.filter((run) => run.event_id === row.id).map(runOf),
  }));
}

/** The AlertStore methods over an open database; `run` turns sync work into the async API. */
export function createSqliteAlertStore(
  db: DatabaseSync,
  options: { clock: Clock; run: Run },
): AlertStore {
  const { clock, run } = options;
  const sql = prepare(db);
  const getRule = (id: number) => {
    const row = sql.getRule.get(id) as RuleRow | undefined;
    return row ? ruleOf(row) : null;
  };
  return {
    addAlertRule: (spec) =>
      run(() => {
        const now = clock.now();
        const result = sql.insertRule.run(JSON.stringify(spec), now, now);
        return getRule(Number(result.lastInsertRowid))!;
      }),
    getAlertRule: (id) => run(() => getRule(id)),
    listAlertRules: () => run(() => (sql.listRules.all() as unknown as RuleRow[]).map(ruleOf)),
    updateAlertRule: (id, spec) =>
      run(() => {
        const changed = sql.updateRule.run(JSON.stringify(spec), clock.now(), id).changes;
        return changed ? getRule(id) : null;
      }),
    removeAlertRule: (id) => run(() => sql.deleteRule.run(id).changes > 0),
    alertStates: (agent) =>
      run(() => {
        sql.claimStates.run(agent, agent);
        return (sql.states.all(agent) as unknown as {
          rule_id: number;
          target_id: number;
          agent: string;
          state: string;
          updated_at: number;
        }[]).map((row): StoredAlertState => ({
          ruleId: row.rule_id,
          targetId: row.target_id,
          agent: row.agent,
          state: JSON.parse(row.state),
          updatedAt: row.updated_at,
        }));
      }),
    putAlertState: (s) =>
      run(() => {
        sql.putState.run(s.ruleId, s.targetId, s.agent, JSON.stringify(s.state), s.updatedAt);
      }),
    deleteAlertState: (ruleId, targetId, agent) =>
      run(() => {
        sql.deleteState.run(ruleId, targetId, agent);
      }),
    addAlertEvent: (e) =>
      run(() => {
        const detail = JSON.stringify(e.detail);
        const agent = e.agent ?? null;
        const result = sql.insertEvent.run(e.ruleId, e.targetId, agent, e.kind, e.at, detail);
        return { ...e, agent, id: Number(result.lastInsertRowid), actions: [] };
      }),
    updateAlertEventDetail: (id, detail) =>
      run(() => {
        sql.updateEvent.run(JSON.stringify(detail), id);
      }),
    addActionRun: (r) =>
      run(() => {
        const ok = r.ok ? 1 : 0;
        sql.insertRun.run(r.eventId, r.index, r.type, ok, r.attempts, r.at, r.error, r.output);
      }),
    alertEvents: (query = {}) => run(() => readEvents(db, query)),
    addTimelineComment: (c) =>
      run(() => {
        const createdAt = clock.now();
        const eventId = c.eventId ?? null;
        const source = c.source ?? "alert";
        const result = sql.insertComment.run(c.targetId, c.at, c.text, eventId, source, createdAt);
        return { ...c, id: Number(result.lastInsertRowid), eventId, source, createdAt };
      }),
    timelineComments: (targetId, query = {}) =>
      run(() => {
        const start = query.start ?? Number.MIN_SAFE_INTEGER;
        const end = query.end ?? Number.MAX_SAFE_INTEGER;
        return (sql.comments.all(targetId, start, end) as unknown as CommentRow[]).map(commentOf);
      }),
    removeTimelineComment: (targetId, id) =>
      run(() => Number(sql.deleteComment.run(id, targetId).changes) > 0),
  };
}
