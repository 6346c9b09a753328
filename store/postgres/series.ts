// Agents and their series on PostgreSQL: a series is one agent's measurements of one target, and
// the measurement tables (samples, rollups, route and address changes) are keyed by series id.
// The store writes as one agent: its series are made on first need (when rounds of a target
// are first written) and kept in memory. Reads pick a series: the agent asked for, else this
// process's own, else the one seen most recently. The agent row itself is made on the first
// write, so a process that only reads (the UI of a fleet, a CLI export) never shows as an agent.
import type { Clock } from "../../engine/ground.ts";
import type { AgentRecord } from "../types.ts";
import type { Sql } from "./connect.ts";

export function createPgSeries(sql: Sql, clock: Clock, agent: string) {
  const own = new Map<number, number>();
  const ownIds = new Set<number>();
  let agentId: number | null = null;
  let registering: Promise<number> | null = null;

  /** This agent's row: claims the measurements from before agents, or makes a new one. */
  function register(): Promise<number> {
    if (agentId !== null) return Promise.resolve(agentId);
    registering ??= sql.begin(async (tx) => {
      const now = clock.now();
      await tx`UPDATE agents SET name = ${agent}, last_seen = ${now} WHERE name IS NULL
        AND NOT EXISTS (SELECT 1 FROM agents WHERE name = ${agent})`;
      const [row] = await tx<{ id: number }[]>`INSERT INTO agents (name, first_seen, last_seen)
        VALUES (${agent}, ${now}, ${now})
        ON CONFLICT (name) DO UPDATE SET last_seen = excluded.last_seen RETURNING id`;
      return agentId = row.id;
    }).finally(() => registering = null);
    return registering;
  }

  /** Makes this agent's series of `targetIds` (targets gone meanwhile get none). */
  async function ensureOwn(targetIds: number[]): Promise<void> {
    const missing = [...new Set(targetIds)].filter((id) => !own.has(id));
    if (missing.length === 0) return;
    const id = await register();
    await sql`INSERT INTO series (target_id, agent_id)
      SELECT t.id, ${id} FROM targets t WHERE t.id = ANY(${missing}::bigint[])
      ON CONFLICT (target_id, agent_id) DO NOTHING`;
    const rows = await sql<{ id: number; target_id: number }[]>`SELECT id, target_id FROM series
      WHERE agent_id = ${id} AND target_id = ANY(${missing}::bigint[])`;
    for (const row of rows) {
      own.set(row.target_id, row.id);
      ownIds.add(row.id);
    }
  }

  /**
   * The series a read of `targetId` uses: `name`'s, or (without a name) this agent's, else the
   * most recently seen agent's. null: none measured it.
   */
  async function readSeries(targetId: number, name?: string): Promise<number | null> {
    if (name === undefined || name === agent) {
      const mine = own.get(targetId);
      if (mine !== undefined) return mine;
    }
    const [row] = await sql<{ id: number }[]>`SELECT s.id FROM series s
      JOIN agents a ON a.id = s.agent_id WHERE s.target_id = ${targetId}
      ${name === undefined ? sql`` : sql`AND a.name = ${name}`}
      ORDER BY (a.name IS NOT DISTINCT FROM ${agent}) DESC, a.last_seen DESC, s.id LIMIT 1`;
    return row?.id ?? null;
  }

  /** Every series of a target (to forget what is cached about them when it goes). */
  async function seriesOf(targetId: number): Promise<number[]> {
    const rows = await sql<{ id: number }[]>`SELECT id FROM series WHERE target_id = ${targetId}`;
    return rows.map((row) => row.id);
  }

  /** After rounds were written: this agent was seen now. */
  async function touch(): Promise<void> {
    if (agentId === null) return;
    await sql`UPDATE agents SET last_seen = ${clock.now()} WHERE id = ${agentId}`;
  }

  async function knows(name: string): Promise<boolean> {
    return (await sql`SELECT 1 FROM agents WHERE name = ${name}`).length > 0;
  }

  async function list(): Promise<AgentRecord[]> {
    const rows = await sql<
      { name: string; first_seen: number; last_seen: number; n: number }[]
    >`SELECT a.name, a.first_seen, a.last_seen, count(s.id)::float8 AS n
      FROM agents a LEFT JOIN series s ON s.agent_id = a.id
      WHERE a.name IS NOT NULL GROUP BY a.id ORDER BY a.name`;
    return rows.map((row) => ({
      name: row.name,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      targetCount: row.n,
    }));
  }

  return {
    agent,
    ownCached: (targetId: number) => own.get(targetId),
    ensureOwn,
    readSeries,
    seriesOf,
    /** Series this store writes: what it caches of them follows its own writes. */
    isOwn: (seriesId: number) => ownIds.has(seriesId),
    forget(targetId: number) {
      const id = own.get(targetId);
      if (id !== undefined) ownIds.delete(id);
      own.delete(targetId);
    },
    touch,
    knows,
    list,
  };
}

export type PgSeries = ReturnType<typeof createPgSeries>;
