// Native declarative partitioning by time: raw rounds by day, 1-minute rollups by week, 1-hour
// rollups by 30 days. Partitions are made before a flush writes into them (a process remembers
// which exist) and retention drops whole partitions past a tier's cutoff (retention.ts).
// A partition is named after its table and its index (key / span, "m" for negative).
import type { Db } from "./connect.ts";

const DAY = 86_400_000;

export const PARTITIONED = {
  samples: { span: DAY },
  rollup_1m: { span: 7 * DAY },
  rollup_1h: { span: 30 * DAY },
} as const;

export type PartitionedTable = keyof typeof PARTITIONED;

export interface Partition {
  name: string;
  /** [start, end) of the partition key. */
  start: number;
  end: number;
}

function nameOf(table: PartitionedTable, index: number): string {
  return `${table}_p${index < 0 ? `m${-index}` : index}`;
}

function indexOf(table: PartitionedTable, name: string): number | null {
  const match = new RegExp(`^${table}_p(m?)(\\d+)$`).exec(name);
  if (!match) return null;
  return (match[1] ? -1 : 1) * Number(match[2]);
}

export function createPartitions(sql: Db) {
  const known = new Map<PartitionedTable, Set<number>>();

  async function list(table: PartitionedTable, db: Db = sql): Promise<Partition[]> {
    const rows = await db<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = ${table}::regclass`;
    const span = PARTITIONED[table].span;
    const parts: Partition[] = [];
    for (const { name } of rows) {
      const index = indexOf(table, name);
      if (index !== null) parts.push({ name, start: index * span, end: (index + 1) * span });
    }
    return parts.sort((a, b) => a.start - b.start);
  }

  async function knownOf(table: PartitionedTable): Promise<Set<number>> {
    let set = known.get(table);
    if (!set) {
      const span = PARTITIONED[table].span;
      set = new Set((await list(table)).map((p) => p.start / span));
      known.set(table, set);
    }
    return set;
  }

  /** Makes sure a partition holds each key (another process may make the same one: fine). */
  async function ensure(table: PartitionedTable, keys: Iterable<number>): Promise<void> {
    const span = PARTITIONED[table].span;
    const set = await knownOf(table);
    const wanted = new Set<number>();
    for (const key of keys) wanted.add(Math.floor(key / span));
    for (const index of wanted) {
      if (set.has(index)) continue;
      const name = nameOf(table, index);
      try {
        await sql.unsafe(
          `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} ` +
            `FOR VALUES FROM (${index * span}) TO (${(index + 1) * span})`,
        );
      } catch (error) {
        // Made at the same moment by another process: 42P07 duplicate table, 23505 its type.
        const code = (error as { code?: string }).code;
        if (code !== "42P07" && code !== "23505") throw error;
      }
      set.add(index);
    }
  }

  /** Rows in a partition: the planner's estimate once it has one, else a count. */
  async function rowsIn(name: string, db: Db = sql): Promise<number> {
    const [row] = await db<{ n: number }[]>`
      SELECT reltuples::float8 AS n FROM pg_class WHERE oid = ${name}::regclass`;
    if (row && row.n > 0) return Math.round(row.n);
    const [counted] = await db.unsafe(`SELECT count(*)::float8 AS n FROM ${name}`);
    return Number(counted.n);
  }

  async function drop(table: PartitionedTable, part: Partition, db: Db = sql): Promise<void> {
    await db.unsafe(`DROP TABLE IF EXISTS ${part.name}`);
    known.get(table)?.delete(part.start / PARTITIONED[table].span);
  }

  return { ensure, list, drop, rowsIn, forgetAll: () => known.clear() };
}

export type Partitions = ReturnType<typeof createPartitions>;
