// Upkeep of the PostgreSQL data: the space the tables and indexes take (partitions included),
// the space dead rows hold until VACUUM reuses it, returning space (VACUUM FULL) and a check.
import type { IntegrityReport, StorageSpace } from "../types.ts";
import type { Sql } from "./connect.ts";
import { COMPONENTS } from "./schema.ts";

export function createPgMaintenance(sql: Sql, location: string) {
  /** Our tables: every table of the schema the connection uses (partitions included). */
  async function tables(): Promise<string[]> {
    const rows = await sql<{ name: string }[]>`
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.relname`;
    return rows.map((row) => row.name);
  }

  /** Bytes of every table of the schema with its indexes and TOAST. */
  async function sizeBytes(): Promise<number> {
    const [row] = await sql<{ n: number | null }[]>`
      SELECT sum(pg_total_relation_size(c.oid))::float8 AS n FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'`;
    return row.n ?? 0;
  }

  /** Space held by dead rows (PostgreSQL's statistics), reused by later writes after VACUUM. */
  async function freeBytes(): Promise<number> {
    const [row] = await sql<{ n: number | null }[]>`
      SELECT sum(CASE WHEN s.n_live_tup + s.n_dead_tup > 0
        THEN pg_relation_size(s.relid)::float8 * s.n_dead_tup / (s.n_live_tup + s.n_dead_tup)
        ELSE 0 END)::float8 AS n
      FROM pg_stat_user_tables s WHERE s.schemaname = current_schema()`;
    return Math.round(row.n ?? 0);
  }

  async function storageSpace(): Promise<StorageSpace> {
    return { location, usedBytes: await sizeBytes(), freeBytes: await freeBytes() };
  }

  /** Rewrites every table compactly (blocks writers meanwhile), then refreshes the statistics. */
  async function vacuum(): Promise<StorageSpace> {
    const names = (await tables()).map((name) => `"${name}"`).join(", ");
    if (names) {
      await sql.unsafe(`VACUUM (FULL) ${names}`);
      await sql.unsafe(`VACUUM (ANALYZE) ${names}`);
    }
    return await storageSpace();
  }

  async function checkIntegrity(): Promise<IntegrityReport> {
    const problems: string[] = [];
    const versions = await sql<{ component: string; version: number }[]>`
      SELECT component, version FROM pingwatcher_schema`;
    for (const set of COMPONENTS) {
      const found = versions.find((row) => row.component === set.name)?.version ?? 0;
      if (found !== set.migrations.length) {
        problems.push(`schema ${set.name} is version ${found}, expected ${set.migrations.length}`);
      }
    }
    const [orphans] = await sql<{ n: number }[]>`SELECT count(*)::float8 AS n FROM samples s
      WHERE NOT EXISTS (SELECT 1 FROM paths p WHERE p.id = s.path_id)`;
    if (orphans.n > 0) problems.push(`${orphans.n} samples rows point to a missing paths row`);
    const [unplaced] = await sql<{ n: number }[]>`SELECT count(*)::float8 AS n FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'i' AND NOT c.relispartition
      AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = c.oid AND NOT i.indisvalid)`;
    if (unplaced.n > 0) problems.push(`${unplaced.n} indexes are not valid`);
    return { ok: problems.length === 0, problems };
  }

  return { storageSpace, sizeBytes, vacuum, checkIntegrity };
}
