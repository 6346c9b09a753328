// The summary of all targets. Each row is its own signal so a live update re-renders one row,
// not the table; the order is recomputed at most once a second.
import { computed, type Signal, signal } from "@preact/signals";
import type { SummaryReply } from "../../api/wire.ts";
import { describeError, get } from "./api.ts";
import { onLive, onReconnect } from "./live.ts";
import { throttle } from "./throttle.ts";
import { type SummaryRow, toSummaryRow } from "./types.ts";

export type SortKey = "host" | "avgMs" | "minMs" | "curMs" | "lossPct" | "jitterMs";

/** A row per target and agent, by SummaryRow.key. */
export const rowSignals = new Map<string, Signal<SummaryRow>>();
export const rowIds = signal<string[]>([]);
export const sortKey = signal<SortKey>("host");
export const sortDescending = signal(false);
export const summaryError = signal<string | null>(null);
/** Bumped when a refresh changed the values the order depends on. */
const orderVersion = signal(0);

export const sortedIds = computed(() => {
  orderVersion.value;
  const key = sortKey.value;
  const sign = sortDescending.value ? -1 : 1;
  const rows = rowIds.value.map((id) => rowSignals.get(id)!.peek());
  const tie = (a: SummaryRow, b: SummaryRow) =>
    a.id - b.id || (a.agent ?? "").localeCompare(b.agent ?? "");
  rows.sort((a, b) => {
    if (key === "host") {
      return sign *
          (a.label ?? a.host).localeCompare(b.label ?? b.host, undefined, { numeric: true }) ||
        tie(a, b);
    }
    const av = a[key] ?? (sign > 0 ? Infinity : -Infinity);
    const bv = b[key] ?? (sign > 0 ? Infinity : -Infinity);
    return sign * (av - bv) || tie(a, b);
  });
  return rows.map((r) => r.key);
});

/** Rows of more than one agent: the table shows whose measurements each row is. */
export const agentColumn = computed(() => {
  rowIds.value;
  const agents = new Set<string>();
  for (const row of rowSignals.values()) {
    const agent = row.peek().agent;
    if (agent !== null) agents.add(agent);
  }
  return agents.size > 1;
});

/** A summary row of target `id` (any agent's), or undefined. */
export function anyRowOf(id: number): SummaryRow | undefined {
  for (const row of rowSignals.values()) if (row.peek().id === id) return row.peek();
  return undefined;
}

function same(a: SummaryRow, b: SummaryRow): boolean {
  return a.avgMs === b.avgMs && a.curMs === b.curMs && a.lossPct === b.lossPct &&
    a.minMs === b.minMs && a.jitterMs === b.jitterMs && a.sent === b.sent &&
    a.paused === b.paused && a.host === b.host && a.label === b.label &&
    a.spark.length === b.spark.length && a.spark.every((v, i) => v === b.spark[i]) &&
    a.sparkLoss.every((v, i) => v === b.sparkLoss[i]) && a.inOutage === b.inOutage &&
    a.uptime?.day === b.uptime?.day && a.uptime?.week === b.uptime?.week &&
    a.uptime?.month === b.uptime?.month;
}

/**
 * Applies fresh rows. `complete` rows are every target: the others are removed; otherwise they
 * are every row of the targets they name (an agent's first rounds replace the empty row).
 */
export function applySummary(rows: SummaryRow[], complete = true): void {
  const seen = new Set<string>();
  const targets = new Set<number>();
  let membershipChanged = false;
  for (const row of rows) {
    seen.add(row.key);
    targets.add(row.id);
    const existing = rowSignals.get(row.key);
    if (!existing) {
      rowSignals.set(row.key, signal(row));
      membershipChanged = true;
    } else if (!same(existing.peek(), row)) existing.value = row;
  }
  for (const [key, row] of [...rowSignals.entries()]) {
    if (seen.has(key) || (!complete && !targets.has(row.peek().id))) continue;
    rowSignals.delete(key);
    membershipChanged = true;
  }
  if (membershipChanged) rowIds.value = [...rowSignals.keys()];
  if (sortKey.peek() !== "host") orderVersion.value++;
}

export async function refreshSummary(): Promise<void> {
  try {
    const body = await get<SummaryReply>("/api/summary");
    applySummary(body.targets.map(toSummaryRow));
    summaryError.value = null;
  } catch (error) {
    summaryError.value = describeError(error);
  }
}

export const refreshSummarySoon = throttle(refreshSummary, 1000);

export function sortBy(key: SortKey): void {
  if (sortKey.value === key) sortDescending.value = !sortDescending.value;
  else {
    sortKey.value = key;
    sortDescending.value = key !== "host";
  }
}

export function initSummary(): void {
  // The server pushes the rows of targets that finished a round; a full refetch only
  // happens on (re)connection and when targets come or go.
  onLive((event) => {
    if (event.kind !== "summary") return;
    applySummary(event.data.targets.map(toSummaryRow), false);
  });
  onReconnect(refreshSummarySoon);
}
