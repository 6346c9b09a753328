// The alert records on PostgreSQL (store/alerts_types.ts), as store/sqlite/alerts.ts keeps them.
import type { Clock } from "../../engine/ground.ts";
import type {
  ActionRunRecord,
  AlertEventRecord,
  AlertStore,
  StoredAlertRule,
  TimelineComment,
} from "../alerts_types.ts";
import type { Sql } from "./connect.ts";

type Row = Record<string, unknown>;
type Guard = <A extends unknown[], T>(
  work: (...args: A) => Promise<T>,
) => (...args: A) => Promise<T>;

function ruleOf(row: Row): StoredAlertRule {
  return {
    id: row.id as number,
    spec: JSON.parse(row.spec as string),
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

function runOf(row: Row): ActionRunRecord {
  return {
    eventId: row.event_id as number,
    index: row.idx as number,
    type: row.type as string,
    ok: row.ok as boolean,
    attempts: row.attempts as number,
    at: row.at as number,
    error: row.error as string | null,
    output: row.output as string | null,
  };
}

function commentOf(row: Row): TimelineComment {
  return {
    id: row.id as number,
    targetId: row.target_id as number,
    at: row.at as number,
    text: row.text as string,
    eventId: row.event_id as number | null,
    source: row.source === "user" ? "user" : "alert",
    createdAt: row.created_at as number,
  };
}

export function createPgAlertStore(sql: Sql, clock: Clock, guard: Guard): AlertStore {
  const getRule = async (id: number) => {
    const [row] = await sql`SELECT * FROM alert_rules WHERE id = ${id}`;
    return row ? ruleOf(row) : null;
  };
  return {
    addAlertRule: guard(async (spec) => {
      const now = clock.now();
      const [row] = await sql`INSERT INTO alert_rules (spec, created_at, updated_at)
        VALUES (${JSON.stringify(spec)}, ${now}, ${now}) RETURNING *`;
      return ruleOf(row);
    }),
    getAlertRule: guard(getRule),
    listAlertRules: guard(async () =>
      (await sql`SELECT * FROM alert_rules ORDER BY id`).map(ruleOf)
    ),
    updateAlertRule: guard(async (id, spec) => {
      const [row] = await sql`UPDATE alert_rules SET spec = ${JSON.stringify(spec)},
        updated_at = ${clock.now()} WHERE id = ${id} RETURNING *`;
      return row ? ruleOf(row) : null;
    }),
    removeAlertRule: guard(async (id) =>
      (await sql`DELETE FROM alert_rules WHERE id = ${id}`).count > 0
    ),
    alertStates: guard(async (agent) => {
      // States from before agents become the asking agent's, where it has none of its own (one
      // statement: two agents starting together do not both claim a state).
      await sql`UPDATE alert_states SET agent = ${agent} WHERE agent IS NULL AND NOT EXISTS (
        SELECT 1 FROM alert_states own WHERE own.rule_id = alert_states.rule_id
          AND own.target_id = alert_states.target_id AND own.agent = ${agent})`;
      return (await sql`SELECT * FROM alert_states WHERE agent = ${agent}
        ORDER BY rule_id, target_id`).map((row) => ({
        ruleId: row.rule_id as number,
        targetId: row.target_id as number,
        agent: row.agent as string,
        state: JSON.parse(row.state as string),
        updatedAt: row.updated_at as number,
      }));
    }),
    putAlertState: guard(async (s) => {
      await sql`INSERT INTO alert_states (rule_id, target_id, agent, state, updated_at)
        VALUES (${s.ruleId}, ${s.targetId}, ${s.agent}, ${JSON.stringify(s.state)},
          ${s.updatedAt})
        ON CONFLICT (rule_id, target_id, agent) DO UPDATE SET state = excluded.state,
          updated_at = excluded.updated_at`;
    }),
    deleteAlertState: guard(async (ruleId, targetId, agent) => {
      await sql`DELETE FROM alert_states WHERE rule_id = ${ruleId} AND target_id = ${targetId}
        AND agent = ${agent}`;
    }),
    addAlertEvent: guard(async (e) => {
      const agent = e.agent ?? null;
      const [row] = await sql`INSERT INTO alert_events (rule_id, target_id, agent, kind, at, detail)
        VALUES (${e.ruleId}, ${e.targetId}, ${agent}, ${e.kind}, ${e.at},
          ${JSON.stringify(e.detail)})
        RETURNING id`;
      return { ...e, agent, id: row.id as number, actions: [] };
    }),
    updateAlertEventDetail: guard(async (id, detail) => {
      await sql`UPDATE alert_events SET detail = ${JSON.stringify(detail)} WHERE id = ${id}`;
    }),
    addActionRun: guard(async (r) => {
      await sql`INSERT INTO alert_action_runs (event_id, idx, type, ok, attempts, at, error, output)
        VALUES (${r.eventId}, ${r.index}, ${r.type}, ${r.ok}, ${r.attempts}, ${r.at},
          ${r.error}, ${r.output})`;
    }),
    alertEvents: guard(async (query = {}): Promise<AlertEventRecord[]> => {
      const clauses = [sql`true`];
      if (query.ruleId !== undefined) clauses.push(sql`rule_id = ${query.ruleId}`);
      if (query.targetId !== undefined) clauses.push(sql`target_id = ${query.targetId}`);
      if (query.agent !== undefined) clauses.push(sql`agent = ${query.agent}`);
      if (query.kinds?.length) clauses.push(sql`kind = ANY(${query.kinds}::text[])`);
      if (query.start !== undefined) clauses.push(sql`at >= ${query.start}`);
      if (query.end !== undefined) clauses.push(sql`at < ${query.end}`);
      if (query.beforeId !== undefined) clauses.push(sql`id < ${query.beforeId}`);
      const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 100)), 1000);
      const where = clauses.reduce((all, clause) => sql`${all} AND ${clause}`);
      const rows = await sql`SELECT * FROM alert_events WHERE ${where}
        ORDER BY id DESC LIMIT ${limit}`;
      if (!rows.length) return [];
      const ids = rows.map((row) => row.id as number);
      const runs = await sql`SELECT * FROM alert_action_runs
        WHERE event_id = ANY(${ids}::bigint[]) ORDER BY idx, id`;
      return rows.map((row) => ({
        id: row.id as number,
        ruleId: row.rule_id as number,
        targetId: row.target_id as number,
        agent: (row.agent as string | null) ?? null,
        kind: row.kind as string,
        at: row.at as number,
        detail: JSON.parse(row.detail as string),
        actions: runs.filter((run) => run.event_id === row.id).map(runOf),
      }));
    }),
    addTimelineComment: guard(async (c) => {
      const createdAt = clock.now();
      const eventId = c.eventId ?? null;
      const source = c.source ?? "alert";
      const [row] = await sql`INSERT INTO timeline_comments
        (target_id, at, text, event_id, source, created_at)
        VALUES (${c.targetId}, ${c.at}, ${c.text}, ${eventId}, ${source}, ${createdAt})
        RETURNING id`;
      return { ...c, id: row.id as number, eventId, source, createdAt };
    }),
    timelineComments: guard(async (targetId, query = {}) => {
      const start = query.start ?? Number.MIN_SAFE_INTEGER;
      const end = query.end ?? Number.MAX_SAFE_INTEGER;
      return (await sql`SELECT * FROM timeline_comments WHERE target_id = ${targetId}
        AND at >= ${start} AND at < ${end} ORDER BY at, id`).map(commentOf);
    }),
    removeTimelineComment: guard(async (targetId, id) =>
      (await sql`DELETE FROM timeline_comments WHERE id = ${id} AND target_id = ${targetId}`)
        .count > 0
    ),
  };
}
