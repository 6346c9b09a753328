// The summary of all targets: each target's final hop over its last `focus` rounds, sortable.
import { z } from "zod";
import { ApiError } from "../errors.ts";
import { summaryBody } from "./summary_body.ts";
import type { OutageStore, Sparkline, TargetSummary } from "../../store/mod.ts";
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

/** Rows made between two turns of the event loop. */
const SLICE_ROWS = 1000;

/** A summary row before it is made: who, the figures of its agent (none yet: undefined). */
interface SummaryEntry {
  target: SummaryTarget;
  figures: TargetSummary | undefined;
  agent: string | null;
  uptime: UptimeFigures;
  outage: OutageJson | null;
}

/** History summary rows joined with what the API knows of each target, in ms. */
export async function summaryRows(
  targets: SummaryTarget[] | Promise<SummaryTarget[]>,
  options: SummaryOptions,
): Promise<SummaryRow[]> {
  const entries = await summaryEntries(targets, options);
  const out: SummaryRow[] = [];
  for (const [i, entry] of entries.entries()) {
    // 5,000 rows take tens of ms: let due probes run between slices of them.
    if (i % SLICE_ROWS === SLICE_ROWS - 1) await yieldToEventLoop();
    const row: SummaryRow = rowHead(entry);
    if (entry.figures) row.sparkline = sparklineInMs(entry.figures.sparkline);
    out.push(row);
  }
  return out;
}

interface SummaryOptions {
  history: HistoryQueries;
  focus: number;
  outages: Pick<OutageStore, "outagesByTarget">;
  now: number;
  /** Only this agent's measurements (else a row per target and agent). */
  agent?: string;
  /** `targets` are every target: their figures are asked at once, while the list is read. */
  every?: boolean;
}

async function summaryEntries(
  targets: SummaryTarget[] | Promise<SummaryTarget[]>,
  options: SummaryOptions,
): Promise<SummaryEntry[]> {
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
  for (const row of summaries) {
    const list = rows.get(row.targetId);
    if (list) list.push(row);
    else rows.set(row.targetId, [row]);
  }
  const out: SummaryEntry[] = [];
  for (const target of targets) {
    for (const figures of rows.get(target.id) ?? [undefined]) {
      const rowAgent = figures?.agent ?? agent ?? null;
      // Each row's figures are its agent's: one agent's outage is not the others' downtime.
      const { uptime, outage } = uptimeFrom(
        outagesOfAgent(outages.get(target.id) ?? [], rowAgent),
        target,
        options.now,
      );
      // Without a single stored round there is nothing to call up or down yet.
      const shown = figures ? uptime : { day: null, week: null, month: null };
      out.push({ target, figures, agent: rowAgent, uptime: shown, outage });
    }
  }
  return out;
}

const inMsOrNull = (us: number | null) => us === null ? null : us / 1000;

/** A row without its sparkline (which, when the row has figures, follows it). */
function rowHead(entry: SummaryEntry): SummaryRow {
  const { target: t, figures: f } = entry;
  const head: SummaryRow = {
    id: t.id,
    agent: entry.agent,
    host: t.host,
    label: t.label,
    paused: t.paused,
    replay: t.replay,
    address: t.status.address,
    lastAt: f?.lastAt ?? null,
  };
  // Field by field, not `inMs`: its generic walk over 5,000 rows took longer than all the rest.
  if (f) {
    head.sent = f.sent;
    head.lost = f.lost;
    head.lossPct = f.lossPct;
    head.avgMs = inMsOrNull(f.avgUs);
    head.minMs = inMsOrNull(f.minUs);
    head.curMs = inMsOrNull(f.curUs);
    head.jitterMs = inMsOrNull(f.jitterUs);
  }
  head.uptime = entry.uptime;
  head.outage = entry.outage;
  return head;
}

/** The store's NaN-for-none values as JSON's numbers and nulls, divided by `divisor`. */
function orNull(values: Float64Array, divisor: number): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out[i] = value !== value ? null : value / divisor; // NaN is the one value unequal to itself
  }
  return out;
}

function sparklineInMs(sparkline: Sparkline): SparklineJson {
  return {
    start: sparkline.start,
    stepMs: sparkline.stepMs,
    avgMs: orNull(sparkline.avgUs, 1000),
    lossPct: orNull(sparkline.lossPct, 1),
  };
}

type SortValue = string | number | null;

/** What a row shows under `key` (the figures in ms), for sorting rows before they are made. */
function sortValue(entry: SummaryEntry, key: SortKey): SortValue {
  const { target: t, figures: f } = entry;
  switch (key) {
    case "id":
      return t.id;
    case "agent":
      return entry.agent;
    case "host":
      return t.host;
    case "label":
      return t.label;
    case "lastAt":
      return f?.lastAt ?? null;
    case "lossPct":
      return f?.lossPct ?? null;
    case "avgMs":
      return inMsOrNull(f?.avgUs ?? null);
    case "minMs":
      return inMsOrNull(f?.minUs ?? null);
    case "curMs":
      return inMsOrNull(f?.curUs ?? null);
    case "jitterMs":
      return inMsOrNull(f?.jitterUs ?? null);
  }
}

/** By `key`, nulls last in either order; ties by id, then agent. */
function sortEntries(
  entries: SummaryEntry[],
  key: SortKey,
  order: "asc" | "desc",
): SummaryEntry[] {
  const sign = order === "asc" ? 1 : -1;
  const keyed = entries.map((entry) => ({ entry, value: sortValue(entry, key) }));
  keyed.sort((a, b) => {
    const x = a.value, y = b.value;
    const tie = a.entry.target.id - b.entry.target.id ||
      (a.entry.agent ?? "").localeCompare(b.entry.agent ?? "");
    if (x === y) return tie;
    if (x === null) return 1;
    if (y === null) return -1;
    const cmp = typeof x === "string" ? x.localeCompare(String(y)) : Number(x) - Number(y);
    return sign * cmp || tie;
  });
  return keyed.map((k) => k.entry);
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
      const entries = await summaryEntries(ctx.deps.service.summaryTargets(), {
        history: ctx.deps.history,
        focus,
        outages: ctx.deps.store,
        now: (ctx.deps.now ?? Date.now)(),
        agent,
        every: true,
      });
      const sorted = sortEntries(entries, ctx.query.sort ?? "id", ctx.query.order ?? "asc");
      // A SummaryReply, written as bytes a slice of rows at a time (5,000 rows are 5 MB of
      // JSON): see summary_body.ts.
      return summaryBody(
        { focus } satisfies Omit<SummaryReply, "targets">,
        sorted,
        (entry) => ({ head: rowHead(entry), sparkline: entry.figures?.sparkline ?? null }),
        SLICE_ROWS,
      );
    },
  },
];
