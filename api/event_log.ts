// One event log for a target or all targets: outages, route changes and alert firings and
// recoveries, newest first, in pages. Each source is read up to the cursor and the three are
// merged; the cursor names the last event of a page by (time, kind, id), so a page boundary that
// falls among events of the same millisecond loses none of them and repeats none.
import type { Store } from "../store/mod.ts";
import { type OutageJson, outageJson } from "./outage_figures.ts";
import type { RoutePath } from "../engine/mod.ts";

export const EVENT_KINDS = ["outage", "routeChange", "alert"] as const;
export type EventKind = typeof EVENT_KINDS[number];

/** Alert events in the log: when a rule fired and when it recovered. */
const ALERT_KINDS = ["firing", "recovered"];
const SOURCE_LIMIT = 1000;

export type EventLogItem =
  & { at: number; targetId: number }
  & (
    | { kind: "outage"; id: number; outage: OutageJson }
    | { kind: "routeChange"; id: number; routeChange: { before: RoutePath; after: RoutePath } }
    | {
      kind: "alert";
      id: number;
      alert: {
        ruleId: number;
        event: string;
        ruleName: string | null;
        message: string | null;
        /** The agent whose rounds raised it (null: recorded before alerts were per agent). */
        agent: string | null;
      };
    }
  );

export interface EventLogQuery {
  targetId?: number;
  kinds?: EventKind[];
  /** [start, end) epoch ms; an outage is in range when it overlaps it. */
  start?: number;
  end?: number;
  /** Default 100, at most 1000. */
  limit?: number;
  cursor?: string;
}

export interface EventLogPage {
  events: EventLogItem[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface Key {
  at: number;
  rank: number;
  id: number;
}

const rankOf = (kind: EventKind) => EVENT_KINDS.indexOf(kind);

/** Newest first; at one time outages, then route changes, then alerts; higher ids first. */
function compare(a: Key, b: Key): number {
  return b.at - a.at || a.rank - b.rank || b.id - a.id;
}

const keyOf = (item: EventLogItem): Key => ({ at: item.at, rank: rankOf(item.kind), id: item.id });

export function encodeCursor(key: Key): string {
  return `${key.at}_${key.rank}_${key.id}`;
}

/** The cursor's key, or null when it is malformed. */
export function decodeCursor(text: string): Key | null {
  const match = /^(-?\d{1,16})_([0-2])_(\d{1,15})$/.exec(text);
  if (!match) return null;
  return { at: Number(match[1]), rank: Number(match[2]), id: Number(match[3]) };
}

export async function eventLog(
  store: Store,
  query: EventLogQuery & { now: number },
): Promise<EventLogPage> {
  const limit = Math.min(Math.max(1, query.limit ?? 100), 1000);
  const kinds = new Set(query.kinds?.length ? query.kinds : EVENT_KINDS);
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
  // Sources are read up to and including the cursor's millisecond, then filtered exactly.
  const end = cursor ? Math.min(query.end ?? Infinity, cursor.at + 1) : query.end;
  const range = { start: query.start, end: Number.isFinite(end) ? end : undefined };
  const items: EventLogItem[] = [];
  if (kinds.has("outage")) items.push(...await outages(store, query, range));
  if (kinds.has("routeChange")) items.push(...await routeChanges(store, query.targetId, range));
  if (kinds.has("alert")) items.push(...await alerts(store, query.targetId, range));
  const after = cursor ? items.filter((item) => compare(keyOf(item), cursor) > 0) : items;
  after.sort((a, b) => compare(keyOf(a), keyOf(b)));
  const page = after.slice(0, limit);
  const more = after.length > limit;
  return { events: page, nextCursor: more ? encodeCursor(keyOf(page[page.length - 1])) : null };
}

type Range = { start?: number; end?: number };

async function outages(
  store: Store,
  query: EventLogQuery & { now: number },
  range: Range,
): Promise<EventLogItem[]> {
  const list = await store.outages({ targetId: query.targetId, ...range, limit: SOURCE_LIMIT });
  return list.map((o) => ({
    kind: "outage",
    id: o.id,
    at: o.start,
    targetId: o.targetId,
    outage: outageJson(o, query.now),
  }));
}

async function routeChanges(
  store: Store,
  targetId: number | undefined,
  range: Range,
): Promise<EventLogItem[]> {
  const ids = targetId !== undefined ? [targetId] : (await store.listTargets()).map((t) => t.id);
  const items: EventLogItem[] = [];
  for (const id of ids) {
    for (const change of await store.routeChanges(id, range)) {
      items.push({
        kind: "routeChange",
        id: change.id,
        at: change.at,
        targetId: id,
        routeChange: { before: change.before, after: change.after },
      });
    }
  }
  return items;
}

async function alerts(
  store: Store,
  targetId: number | undefined,
  range: Range,
): Promise<EventLogItem[]> {
  const events = await store.alertEvents({
    targetId,
    kinds: ALERT_KINDS,
    ...range,
    limit: SOURCE_LIMIT,
  });
  return events.map((e) => {
    const detail = (e.detail ?? {}) as Record<string, unknown>;
    const text = (key: string) => typeof detail[key] === "string" ? detail[key] as string : null;
    return {
      kind: "alert",
      id: e.id,
      at: e.at,
      targetId: e.targetId,
      alert: {
        ruleId: e.ruleId,
        event: e.kind,
        ruleName: text("ruleName"),
        message: text("message"),
        agent: e.agent,
      },
    };
  });
}
