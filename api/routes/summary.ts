// The summary of all targets: each target's final hop over its last `focus` rounds, sortable.
import { z } from "zod";
import { jsonResponse } from "../errors.ts";
import type { TargetSummary } from "../../store/mod.ts";
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
  & Partial<SummaryFigures>;

/** GET /api/summary */
export interface SummaryReply {
  focus: number;
  targets: SummaryRow[];
}

/** History summary rows joined with what the API knows of each target, in ms. */
export async function summaryRows(
  targets: TargetView[],
  history: HistoryQueries,
  focus: number,
): Promise<SummaryRow[]> {
  const rows = new Map((await history.summary({ focusRounds: focus })).map((r) => [r.targetId, r]));
  return targets.map((t) => {
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
      "sorted",
    query: summaryQuery,
    handler: async (ctx: RouteContext<z.infer<typeof summaryQuery>>) => {
      const focus = ctx.query.focus ?? 10;
      const rows = await summaryRows(await ctx.deps.service.list(), ctx.deps.history, focus);
      const sorted = sortRows(rows, ctx.query.sort ?? "id", ctx.query.order ?? "asc");
      return jsonResponse({ focus, targets: sorted } satisfies SummaryReply);
    },
  },
];
