// The summary of all targets: each target's final hop over its last `focus` rounds, sortable.
import { z } from "zod";
import { ApiError, slicedJsonResponse } from "../errors.ts";
import type { OutageStore, TargetSummary } from "../../store/mod.ts";
import {
  type OutageJson,
  outagesOfAgent,
  recentOutages,
  type UptimeFigures,
  uptimeFrom,
} from "../outage_figures.ts";
import type { HistoryQueries, InMs } from "../history.ts";
import type { Route, RouteContext } from "../router.ts";
import type { SummaryTarget, TargetView } from "../core/mod.ts";
import { agentName, positiveInt } from "../schemas.ts";
import { flushMicrotasks as yieldToEventLoop } from "../../engine/mod.ts";

const SORT_KEYS = [
  "id",
  "agent",
  "host",
  "label",
  "lossPct",
  "avgMs",
  "minMs",
  "curMs",
  "jitterMs",
  "lastAt",
] as const;
type SortKey = typeof SORT_KEYS[number];

const summaryQuery = z.object({
  focus: positiveInt(100).optional().describe("rounds per target (default 10, at most 100)"),
  sort: z.enum(SORT_KEYS).optional().describe("default id"),
  order: z.enum(["asc", "desc"]).optional().describe("default asc; nulls always last"),
  agent: agentName.optional().describe(
    "one agent's measurements, a row per target (default: a row per target and agent)",
  ),
}).strict();

/**
 * A row's last hour, a value per minute (the store's Sparkline, averages in ms): minute i starts
 * at `start + i * stepMs`; null where nothing was measured (avgMs also where nothing answered).
 */
export interface SparklineJson {
  start: number;
  stepMs: number;
  avgMs: (number | null)[];
  lossPct: (number | null)[];
}

/** A target's figures in ms (absent while it has no stored round yet). */
type SummaryFigures =
  & Omit<InMs<TargetSummary>, "targetId" | "agent" | "host" | "label" | "paused" | "sparkline">
  & { sparkline: SparklineJson };

/** One row of GET /api/summary and of the WebSocket's summary events. */
export type SummaryRow =
  & Pick<TargetView, "id" | "host" | "label" | "paused" | "replay">
  & { address: TargetView["status"]["address"]; lastAt: TargetSummary["lastAt"] }
  & {
    /** The agent (vantage point) whose measurements the row shows; null: none measured yet. */
    agent: string | null;
  }
  & Partial<SummaryFigures>
  & {
    /**
     * Uptime from the row's agent's outages (and those from before agents) over 24 h, 7 d and
     * 30 d (see api/outage_figures.ts); always sent.
     */
    uptime?: UptimeFigures;
    /** The outage the target is in now as the row's agent sees it, or null; always sent. */
    outage?: OutageJson | null;
  };

/** GET /api/summary */
export interface SummaryReply {
  focus: number;
  targets: SummaryRow[];
}

/** Rows joined between two turns of the event loop. */
const SLICE_ROWS = 500;

/** History summary rows joined with what the API knows of each target, in ms. */
export async function summaryRows(
  targets: SummaryTarget[] | Promise<SummaryTarget[]>,
  options: {
    history: HistoryQueries;
    focus: number;
    outages: Pick<OutageStore, "outagesByTarget">;
    now: number;
    /** Only this agent's measurements (else a row per target and agent). */
    agent?: string;
    /** `targets` are every target: their figures are asked at once, while the list is read. */
    every?: boolean;
  },
): Promise<SummaryRow[]> {
  const { history, focus, agent } = options;
  const rows = new Map<number, TargetSummary[]>();
  const everyFigures = options.every ? history.summary({ focusRounds: focus, agent }) : null;
  everyFigures?.catch(() => {}); // awaited below
  targets = await targets;
  const targetIds = targets.map((t) => t.id);
  // Else only the asked targets' figures: a live update of a few rows need not fold all 5,000.
  // One read of outages for every target (a query per target cost more than the rest).
  const [summaries, outages] = await Promise.all([
    everyFigures ?? history.summary({ focusRounds: focus, agent, targetIds }),
    recentOutages(options.outages, targetIds, options.now),
  ]);
  for (const row of summaries) rows.set(row.targetId, [...rows.get(row.targetId) ?? [], row]);
  const out: SummaryRow[] = [];
  for (const [i, t] of targets.entries()) {
    // 5,000 rows take tens of ms: let due probes run between slices of them.
    if (i % SLICE_ROWS === SLICE_ROWS - 1) await yieldToEventLoop();
    const list: (TargetSummary | undefined)[] = rows.get(t.id) ?? [undefined];
    for (const row of list) {
      const figures: Partial<SummaryFigures> = row ? figuresInMs(row) : {};
      const rowAgent = row?.agent ?? agent ?? null;
      // Each row's figures are its agent's: one agent's outage is not the others' downtime.
      const { uptime, outage } = uptimeFrom(
        outagesOfAgent(outages.get(t.id) ?? [], rowAgent),
        t,
        options.now,
      );
      out.push(
        {
          id: t.id,
          agent: rowAgent,
          host: t.host,
          label: t.label,
          paused: t.paused,
          replay: t.replay,
          address: t.status.address,
          ...figures,
          lastAt: row?.lastAt ?? null,
          // Without a single stored round there is nothing to call up or down yet.
          uptime: row ? uptime : { day: null, week: null, month: null },
          outage,
        } satisfies SummaryRow,
      );
    }
  }
  return out;
}

const inMsOrNull = (us: number | null) => us === null ? null : us / 1000;

/** The store's NaN-for-none values as JSON's numbers and nulls, divided by `divisor`. */
function orNull(values: Float64Array, divisor: number): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out[i] = value !== value ? null : value / divisor; // NaN is the one value unequal to itself
  }
  return out;
}

/** Field by field, not `inMs`: its generic walk over 5,000 rows took longer than all the rest. */
function figuresInMs(row: TargetSummary): SummaryFigures {
  const { sparkline } = row;
  return {
    lastAt: row.lastAt,
    sent: row.sent,
    lost: row.lost,
    lossPct: row.lossPct,
    avgMs: inMsOrNull(row.avgUs),
    minMs: inMsOrNull(row.minUs),
    curMs: inMsOrNull(row.curUs),
    jitterMs: inMsOrNull(row.jitterUs),
    sparkline: {
      start: sparkline.start,
      stepMs: sparkline.stepMs,
      avgMs: orNull(sparkline.avgUs, 1000),
      lossPct: orNull(sparkline.lossPct, 1),
    },
  };
}

export function sortRows(rows: SummaryRow[], key: SortKey, order: "asc" | "desc"): SummaryRow[] {
  const sign = order === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[key] ?? null, y = b[key] ?? null;
    const tie = a.id - b.id || (a.agent ?? "").localeCompare(b.agent ?? "");
    if (x === y) return tie;
    if (x === null) return 1;
    if (y === null) return -1;
    const cmp = typeof x === "string" ? x.localeCompare(String(y)) : Number(x) - Number(y);
    return sign * cmp || tie;
  });
}

export const summaryRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/summary",
    tag: "data",
    summary: "Every target's final hop over its last `focus` rounds plus a last-hour sparkline, " +
      "uptime from outages over 24 h / 7 d / 30 d and the open outage, sorted",
    query: summaryQuery,
    responses: {
      200: "`{focus, targets}`: a row per target (and agent) with `sent, lost, lossPct, avgMs, " +
        "minMs, curMs, jitterMs, lastAt, uptime, outage` and `sparkline: {start, stepMs, avgMs[], " +
        "lossPct[]}`, a value per minute from `start` (epoch ms) every `stepMs`, null where " +
        "nothing was measured",
    },
    handler: async (ctx: RouteContext<z.infer<typeof summaryQuery>>) => {
      const focus = ctx.query.focus ?? 10;
      const agent = ctx.query.agent;
      if (agent !== undefined && !await ctx.deps.store.agentReads(agent)) {
        throw new ApiError(404, "unknown_agent", `agent "${agent}" has not measured here`);
      }
      const rows = await summaryRows(ctx.deps.service.summaryTargets(), {
        history: ctx.deps.history,
        focus,
        outages: ctx.deps.store,
        now: (ctx.deps.now ?? Date.now)(),
        agent,
        every: true,
      });
      const sorted = sortRows(rows, ctx.query.sort ?? "id", ctx.query.order ?? "asc");
      // A SummaryReply, serialized a slice of rows at a time (5,000 rows are 5 MB of JSON).
      return slicedJsonResponse(
        { focus } satisfies Omit<SummaryReply, "targets">,
        "targets",
        sorted,
      );
    },
  },
];
