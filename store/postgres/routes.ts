// Which route a round took (see store/sqlite/route_index.ts, whose RouteIndex this implements):
// a target's route changes are loaded once, then answered from memory. Reading a target not
// loaded yet throws Missing (replay.ts), or the caller loads it first with `load`.
import type { RoutePath } from "../../engine/ground.ts";
import type { RouteIndex } from "../sqlite/mod.ts";
import type { Db } from "./connect.ts";
import { Missing } from "./replay.ts";

interface RouteEntry {
  id: number;
  at: number;
}

export interface PgRouteIndex extends RouteIndex {
  /** Loads the targets not loaded yet (one query). */
  load(targetIds: Iterable<number>): Promise<void>;
  /** Reads one target's route changes again (another process writes them). */
  reload(targetId: number): Promise<void>;
}

export function createPgRoutes(sql: Db): PgRouteIndex {
  const byTarget = new Map<number, RouteEntry[]>();
  const paths = new Map<number, RoutePath | null>();

  async function load(targetIds: Iterable<number>, again = false): Promise<void> {
    const ids = [...new Set(targetIds)].filter((id) => again || !byTarget.has(id));
    if (ids.length === 0) return;
    const rows = await sql<{ id: number; target_id: number; at: number; after: string }[]>`
      SELECT id, target_id, at, after FROM route_changes WHERE target_id = ANY(${ids}::bigint[])
      ORDER BY at, id`;
    const lists = new Map<number, RouteEntry[]>(ids.map((id) => [id, []]));
    for (const row of rows) {
      lists.get(row.target_id)!.push({ id: row.id, at: row.at });
      paths.set(row.id, JSON.parse(row.after));
    }
    for (const [id, list] of lists) if (again || !byTarget.has(id)) byTarget.set(id, list);
  }

  function entries(targetId: number): RouteEntry[] {
    const list = byTarget.get(targetId);
    if (!list) throw new Missing(() => load([targetId]));
    return list;
  }

  /** Index of the last entry with at <= ts, or -1. */
  function indexAt(list: RouteEntry[], ts: number): number {
    let low = 0, high = list.length - 1, found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (list[mid].at <= ts) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }

  return {
    load,
    routeAt(targetId, ts) {
      const list = entries(targetId);
      const index = indexAt(list, ts);
      return index < 0 ? 0 : list[index].id;
    },
    order(targetId, routeId) {
      if (routeId === 0) return 0;
      return entries(targetId).findIndex((entry) => entry.id === routeId) + 1;
    },
    path(routeId) {
      if (routeId === 0) return null;
      if (!paths.has(routeId)) {
        throw new Missing(async () => {
          const [row] = await sql<{ after: string }[]>`
            SELECT after FROM route_changes WHERE id = ${routeId}`;
          paths.set(routeId, row ? JSON.parse(row.after) : null);
        });
      }
      return paths.get(routeId) ?? null;
    },
    added(targetId, entry) {
      const list = byTarget.get(targetId);
      if (!list) return;
      list.splice(indexAt(list, entry.at) + 1, 0, { id: entry.id, at: entry.at });
    },
    forget(targetId) {
      byTarget.delete(targetId);
    },
    /** Reads a series' route changes again, replacing what is kept (readers never miss it). */
    reload: (targetId: number) => load([targetId], true),
  };
}
