// Which route a round took: the route change in force at its start (route_changes.id, 0 before
// the first). Kept in memory per target, loaded on first use, so the write path never queries it.
import type { DatabaseSync } from "node:sqlite";
import type { RoutePath } from "../../engine/ground.ts";

interface RouteEntry {
  id: number;
  at: number;
}

export interface RouteIndex {
  /** The route id in force at `ts` (0 = before any recorded change). */
  routeAt(targetId: number, ts: number): number;
  /** Position of a route in time order (0 for route 0): orders routes without their times. */
  order(targetId: number, routeId: number): number;
  /** The addresses per TTL of a route (null for route 0 or a route whose change was dropped). */
  path(routeId: number): RoutePath | null;
  added(targetId: number, entry: RouteEntry): void;
  /** Forgets a target's cached routes (after it was removed or its old changes were deleted). */
  forget(targetId: number): void;
}

export function createRouteIndex(db: DatabaseSync): RouteIndex {
  const sql = {
    list: db.prepare("SELECT id, at FROM route_changes WHERE target_id = ? ORDER BY at, id"),
    after: db.prepare("SELECT after FROM route_changes WHERE id = ?"),
  };
  const byTarget = new Map<number, RouteEntry[]>();
  const paths = new Map<number, RoutePath | null>();

  function entries(targetId: number): RouteEntry[] {
    let list = byTarget.get(targetId);
    if (!list) {
      list = (sql.list.all(targetId) as unknown as RouteEntry[]).map(({ id, at }) => ({ id, at }));
      byTarget.set(targetId, list);
    }
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
    routeAt(targetId, ts) {
      const list = entries(targetId);
      const index = indexAt(list, ts);
      return index < 0 ? 0 : list[index].id;
    },
    order(targetId, routeId) {
      if (routeId === 0) return 0;
      const index = entries(targetId).findIndex((entry) => entry.id === routeId);
      return index + 1;
    },
    path(routeId) {
      if (routeId === 0) return null;
      if (!paths.has(routeId)) {
        const row = sql.after.get(routeId) as { after: string } | undefined;
        paths.set(routeId, row ? JSON.parse(row.after) : null);
      }
      return paths.get(routeId) ?? null;
    },
    added(targetId, entry) {
      const list = byTarget.get(targetId);
      if (!list) return; // loaded (with this entry) on first use
      list.splice(indexAt(list, entry.at) + 1, 0, { id: entry.id, at: entry.at });
    },
    forget(targetId) {
      byTarget.delete(targetId);
    },
  };
}
