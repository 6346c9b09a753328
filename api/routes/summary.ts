// The summary of all targets: each target's final hop over its last `focus` rounds, sortable.
import { z } from "zod";
import { jsonResponse } from "../errors.ts";
import type { OutageStore, TargetSummary } from "../../store/mod.ts";
import { type OutageJson, type UptimeFigures, uptimeOf } from "../outage_figures.ts";
import { type HistoryQueries, type InMs, inMs } from "../history.ts";
import type { Route, RouteContext } from "../router.ts";
import type { TargetView } from "../core/mod.ts";
import { positiveInt } from "../schemas.ts";

const SORT_KEYS = [
  "id",
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
}).strict();

/** A target's figures in ms (absent while it has no stored round yet). */
type SummaryFigures = Omit<InMs<TargetSummary>, "targetId">;

/** One row of GET /api/summary and of the WebSocket's summary events. */
export type SummaryRow =
  & Pick<TargetView, "id" | "host" | "label" | "paused" | "replay">
  & { address: TargetView["status"]["address"]; lastAt: TargetSummary["lastAt"] }
  & Partial<SummaryFigures>
  & {
    /** Uptime from outages over 24 h, 7 d and 30 d (see api/outage_figures.ts); always sent. */
    uptime?: UptimeFigures;
    /** The outage the target is in now, or null; always sent. */
    outage?: OutageJson | null;
  };

/** GET /api/summary */
export interface SummaryReply {
  focus: number;
  targets: SummaryRow[];
}

/** History summary rows joined with what the API knows of each target, in ms. */
export async function summaryRows(
  targets: TargetView[],
  options: {
    history: HistoryQueries;
    focus: number;
    outages: Pick<OutageStore, "outages">;
    now: number;
  },
): Promise<SummaryRow[]> {
  const { history, focus } = options;
  const rows = new Map((await history.summary({ focusRounds: focus })).map((r) => [r.targetId, r]));
  const uptimes = await Promise.all(targets.map((t) => uptimeOf(options.outages, t, options.now)));
  return targets.map((t, i) => {
    const row = rows.get(t.id);
    const figures: Partial<SummaryFigures> = row ? withoutTargetId(inMs(row)) : {};
    return {
      id: t.id,
      host: t.host,
      label: t.label,
      paused: t.paused,
      replay: t.replay,
      address: t.status.address,
      ...figures,
      lastAt: row?.lastAt ?? null,
      // Without a single stored round there is nothing to call up or down yet.
      uptime: row ? uptimes[i].uptime : { day: null, week: null, month: null },
      outage: uptimes[i].outage,
    } satisfies SummaryRow;
  });
}

function withoutTargetId(row: InMs<TargetSummary>): SummaryFigures {
  const { targetId: _targetId, ...figures } = row;
  return figures;
}

export function sortRows(rows: SummaryRow[], key: SortKey, order: "asc" | "desc"): SummaryRow[] {
  const sign = order === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[key] ?? null, y = b[key] ?? null;
    if (x === y) return a.id - b.id;
    if (x === null) return 1;
    if (y === null) return -1;
    const cmp = typeof x === "string" ? x.localeCompare(String(y)) : Number(x) - Number(y);
    return sign * cmp || a.id - b.id;
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
    handler: async (ctx: RouteContext<z.infer<typeof summaryQuery>>) => {
      const focus = ctx.query.focus ?? 10;
      const rows = await summaryRows(await ctx.deps.service.list(), {
        history: ctx.deps.history,
        focus,
        outages: ctx.deps.store,
        now: (ctx.deps.now ?? Date.now)(),
      });
      const sorted = sortRows(rows, ctx.query.sort ?? "id", ctx.query.order ?? "asc");
      return jsonResponse({ focus, targets: sorted } satisfies SummaryReply);
    },
  },
];
