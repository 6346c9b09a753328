// What `status` says about each target, from its summary row, its newest route change and the
// alerts firing on it: pure, so the rules are tested without a server.
import type { OutageJson, UptimeFigures } from "../outage_figures.ts";
import type { SummaryRow } from "../routes/mod.ts";
import type { FiringAlert } from "./backend.ts";
import { type Style, table } from "./style.ts";

export type TargetState = "up" | "degraded" | "down" | "paused" | "unknown";

export interface TargetStatus {
  id: number;
  /** The agent whose measurements these are (several agents: a row per agent; null: none yet). */
  agent: string | null;
  host: string;
  label: string | null;
  state: TargetState;
  /** The final hop's newest RTT (null: the newest round got no answer). */
  lastRttMs: number | null;
  avgMs: number | null;
  lossPct: number | null;
  lastAt: number | null;
  lastRouteChange: number | null;
  firingAlerts: { ruleId: number; ruleName: string; since: number | null }[];
  outage: OutageJson | null;
  uptime: UptimeFigures | null;
}

/**
 * down: in an outage, or nothing answered over the focus window; degraded: some loss, or the
 * newest round unanswered; up otherwise. Paused and never-measured targets say so.
 */
export function stateOf(row: SummaryRow): TargetState {
  if (row.paused || row.replay) return "paused";
  if (!row.sent) return "unknown";
  if (row.outage || row.lossPct === 100) return "down";
  if ((row.lossPct ?? 0) > 0 || row.curMs === null || row.curMs === undefined) return "degraded";
  return "up";
}

export function statusOf(
  row: SummaryRow,
  extra: { lastRouteChange: number | null; alerts: FiringAlert[] },
): TargetStatus {
  return {
    id: row.id,
    agent: row.agent,
    host: row.host,
    label: row.label,
    state: stateOf(row),
    lastRttMs: row.curMs ?? null,
    avgMs: row.avgMs ?? null,
    lossPct: row.lossPct ?? null,
    lastAt: row.lastAt,
    lastRouteChange: extra.lastRouteChange,
    firingAlerts: extra.alerts.filter((a) => a.targetId === row.id).map((a) => ({
      ruleId: a.ruleId,
      ruleName: a.ruleName,
      since: a.since,
    })),
    outage: row.outage ?? null,
    uptime: row.uptime ?? null,
  };
}

const iso = (ms: number | null) =>
  ms === null ? "-" : new Date(ms).toISOString().slice(0, 19) + "Z";
const num = (v: number | null, digits = 1) => v === null ? "-" : v.toFixed(digits);

export function statusTable(targets: TargetStatus[], style: Style): string {
  const paint: Record<TargetState, (s: string) => string> = {
    up: style.green,
    degraded: style.yellow,
    down: style.red,
    paused: style.dim,
    unknown: style.dim,
  };
  // Rows of several agents (vantage points on one database) say whose each is.
  const byAgent = new Set(targets.flatMap((t) => t.agent === null ? [] : [t.agent])).size > 1;
  const agentColumn = (cells: string[], agent: string) =>
    byAgent ? [...cells.slice(0, 2), agent, ...cells.slice(2)] : cells;
  const rows = [agentColumn([
    "ID",
    "TARGET",
    "STATE",
    "RTT ms",
    "LOSS %",
    "UPTIME 24h",
    "LAST ROUTE CHANGE",
    "OUTAGE",
    "ALERTS",
  ], "AGENT")];
  for (const t of targets) {
    rows.push(agentColumn([
      String(t.id),
      t.label ? `${t.label} (${t.host})` : t.host,
      paint[t.state](t.state),
      num(t.lastRttMs, t.lastRttMs !== null && t.lastRttMs < 10 ? 3 : 1),
      num(t.lossPct),
      t.uptime?.day === null || t.uptime === null ? "-" : `${t.uptime.day}%`,
      iso(t.lastRouteChange),
      t.outage ? `since ${iso(t.outage.start)} (${t.outage.roundsLost} rounds)` : "-",
      t.firingAlerts.map((a) => a.ruleName).join(", ") || "-",
    ], t.agent ?? "-"));
  }
  return table(rows);
}
