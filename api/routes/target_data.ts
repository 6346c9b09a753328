// Measured data of one target: hop statistics, timeline, raw samples, route changes, insights.
import { z } from "zod";
import type {
  HistoryHopStats,
  HopStatsResult,
  Insights,
  StoredRouteChange,
  TimelineResult,
} from "../../store/mod.ts";
import type { AsInfo } from "../../engine/mod.ts";
import { mosEstimate } from "../../store/mod.ts";
import { badRequest, jsonResponse } from "../errors.ts";
import { type RoundJson, roundJson } from "../export_format.ts";
import { type Finding, findingsOf } from "../findings.ts";
import { type CheckFiguresJson, checkFiguresOf } from "../check_figures.ts";
import { downtimeMs, uptimePct } from "../outage_figures.ts";
import { type InMs, inMs } from "../history.ts";
import type { Route, RouteContext } from "../router.ts";
import { agentName, epochMs, positiveInt } from "../schemas.ts";
import { ID_PARAM, readsOf, targetOf } from "./common.ts";

const TAG = "data";
const HOUR_MS = 3600_000;

/**
 * One hop of the route in force, with its reverse-DNS name (null: none or not looked up) and the
 * E-model MOS estimate of a call to that hop (null: it never answered in the window). `as` only
 * when the server runs with --as-lookup (null: no record, or not known yet).
 */
export type HopReply = HistoryHopStats & {
  dns: string | null;
  mos: number | null;
  as?: AsInfo | null;
};

/** GET /api/targets/{id}/hops */
export type HopsReply = Omit<HopStatsResult, "hops"> & { hops: HopReply[] };

/** GET /api/targets/{id}/timeline */
export type TimelineReply = InMs<TimelineResult>;

/** GET /api/targets/{id}/route_changes */
export interface RouteChangesReply {
  targetId: number;
  routeChanges: Pick<StoredRouteChange, "id" | "at" | "before" | "after">[];
}

/** GET /api/targets/{id}/logs: the rounds oldest first, each with its hop samples. */
export interface LogsReply {
  targetId: number;
  rounds: RoundJson[];
}

/** GET /api/targets/{id}/insights */
export type InsightsReply = InMs<Insights> & {
  findings: Finding[];
  /** ace-style per-check figures of the final hop (as `check --json` reports them). */
  checks: CheckFiguresJson;
  /** Outages overlapping the range, the time they cover in it, and uptime from them. */
  outages: { count: number; downtimeMs: number; uptimePct: number | null };
};

const range = {
  start: epochMs.optional(),
  end: epochMs.optional(),
  agent: agentName.optional().describe(
    "the agent (vantage point) whose measurements to read (default: this server's own, else " +
      "the agent seen most recently; GET /api/agents lists them)",
  ),
};

function checkRange(q: { start?: number; end?: number }): void {
  if (q.start !== undefined && q.end !== undefined && q.start >= q.end) {
    throw badRequest("start must be before end", [{ field: "start", message: "not before end" }]);
  }
}

/** A range that defaults to the last hour before now. */
function rangeOrLastHour(ctx: RouteContext, q: { start?: number; end?: number }) {
  checkRange(q);
  const end = q.end ?? (ctx.deps.now ?? Date.now)() + 1;
  return { start: q.start ?? end - HOUR_MS, end };
}

const hopsQuery = z.object({
  focus: positiveInt(1_000_000).optional().describe("the last N rounds (default 10)"),
  ...range,
}).strict();

const timelineQuery = z.object({
  hop: z.string().regex(/^(last|all|\d{1,3})$/, "must be a hop number, last or all").optional()
    .describe("hop number, last (default) or all"),
  maxPoints: positiveInt(10_000).optional().describe("points per hop at most (default 500)"),
  ...range,
}).strict();

const logsQuery = z.object({
  limit: positiveInt(10_000).optional().describe("newest N rounds of the range (default 100)"),
  ...range,
  before: z.string().regex(/^\d{1,15}(\.\d{1,6})?$/, "must be epoch milliseconds")
    .transform(Number).optional().describe(
      "only rounds started before this time, fractions allowed (a page cursor: the startedAt of " +
        "the oldest round of the newer page)",
    ),
}).strict();

const rangeOnly = z.object(range).strict();

export const targetDataRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/targets/{id}/hops",
    tag: TAG,
    summary: "Per-hop statistics over the last `focus` rounds or a time range",
    params: ID_PARAM,
    query: hopsQuery,
    handler: async (ctx: RouteContext<z.infer<typeof hopsQuery>>) => {
      const target = await targetOf(ctx);
      const q = ctx.query;
      checkRange(q);
      if (q.focus !== undefined && (q.start !== undefined || q.end !== undefined)) {
        throw badRequest("give focus or start/end, not both", [{
          field: "focus",
          message: "with start/end",
        }]);
      }
      const window = q.start !== undefined || q.end !== undefined
        ? rangeOrLastHour(ctx, q)
        : { last: q.focus ?? 10 };
      const reads = await readsOf(ctx, q.agent);
      const result = await reads.hopStats(target.id, window);
      const ips = result.hops.flatMap((hop) => hop.ip ? [hop.ip] : []);
      const names = await ctx.deps.store.dnsNames(ips);
      const dns = (ip: string | null) => ip ? names.get(ip)?.name ?? null : null;
      const asOf = await asNumbers(ctx, ips);
      const hops = result.hops.map((hop) => ({
        ...hop,
        dns: dns(hop.ip),
        mos: hop.avgMs === null
          ? null
          : mosEstimate(hop.avgMs, hop.jitterMs ?? 0, hop.lossPct ?? 0),
        ...(asOf ? { as: hop.ip ? asOf.get(hop.ip) ?? null : null } : {}),
      }));
      return jsonResponse({ ...result, hops } satisfies HopsReply);
    },
  },
  {
    method: "GET",
    path: "/api/targets/{id}/timeline",
    tag: TAG,
    summary: "Latency and loss over time, bucketed to at most maxPoints per hop",
    params: ID_PARAM,
    query: timelineQuery,
    handler: async (ctx: RouteContext<z.infer<typeof timelineQuery>>) => {
      const target = await targetOf(ctx);
      const { start, end } = rangeOrLastHour(ctx, ctx.query);
      const text = ctx.query.hop ?? "last";
      const hop = text === "last" || text === "all" ? text : Number(text);
      const maxPoints = ctx.query.maxPoints ?? 500;
      const reads = await readsOf(ctx, ctx.query.agent);
      const timeline = await reads.timeline(target.id, { start, end, hop, maxPoints });
      return jsonResponse(inMs(timeline) satisfies TimelineReply);
    },
  },
  {
    method: "GET",
    path: "/api/targets/{id}/logs",
    tag: TAG,
    summary: "Raw samples: the newest `limit` rounds of the range, oldest first",
    params: ID_PARAM,
    query: logsQuery,
    handler: async (ctx: RouteContext<z.infer<typeof logsQuery>>) => {
      const target = await targetOf(ctx);
      checkRange(ctx.query);
      const { start, limit, before } = ctx.query;
      const reads = await readsOf(ctx, ctx.query.agent);
      const end = before !== undefined && (ctx.query.end === undefined || before < ctx.query.end)
        ? before
        : ctx.query.end;
      const rounds = start !== undefined && end !== undefined && end <= start
        ? []
        : await reads.rounds(target.id, { start, end, last: limit ?? 100 });
      return jsonResponse(
        { targetId: target.id, rounds: rounds.map(roundJson) } satisfies LogsReply,
      );
    },
  },
  {
    method: "GET",
    path: "/api/targets/{id}/route_changes",
    tag: TAG,
    summary: "Route changes in a range (all when no range is given)",
    params: ID_PARAM,
    query: rangeOnly,
    handler: async (ctx: RouteContext<z.infer<typeof rangeOnly>>) => {
      const target = await targetOf(ctx);
      checkRange(ctx.query);
      const { agent, ...window } = ctx.query;
      const changes = await (await readsOf(ctx, agent)).routeChanges(target.id, window);
      return jsonResponse(
        {
          targetId: target.id,
          routeChanges: changes.map(({ id, at, before, after }) => ({ id, at, before, after })),
        } satisfies RouteChangesReply,
      );
    },
  },
  {
    method: "GET",
    path: "/api/targets/{id}/insights",
    tag: TAG,
    summary: "Figures (loss, latency percentiles, uptime, MOS, route changes, ace-style checks, " +
      "outages) and plain-language findings over a range (default the last hour)",
    params: ID_PARAM,
    query: rangeOnly,
    handler: async (ctx: RouteContext<z.infer<typeof rangeOnly>>) => {
      const target = await targetOf(ctx);
      const { start, end } = rangeOrLastHour(ctx, ctx.query);
      const reads = await readsOf(ctx, ctx.query.agent);
      const figures = await reads.insights(target.id, { start, end });
      const { hops } = await reads.hopStats(target.id, { start, end });
      const findings = findingsOf(hops, figures.routeChanges);
      const now = (ctx.deps.now ?? Date.now)();
      const outages = await ctx.deps.store.outages({
        targetId: target.id,
        start,
        end,
        limit: 1000,
      });
      const range = { start, end: Math.min(end, now), now };
      return jsonResponse(
        {
          ...inMs(figures),
          findings,
          checks: checkFiguresOf(figures),
          outages: {
            count: outages.length,
            downtimeMs: downtimeMs(outages, range),
            uptimePct: uptimePct(outages, { ...range, since: target.createdAt }),
          },
        } satisfies InsightsReply,
      );
    },
  },
];

/** The AS of each address when AS lookups are on (cached; a first lookup waits at most 2 s). */
async function asNumbers(ctx: RouteContext<unknown>, ips: string[]) {
  const lookup = ctx.deps.asLookup;
  if (!lookup) return null;
  const found = new Map<string, AsInfo | null>();
  await Promise.all(ips.map(async (ip) => found.set(ip, await lookup.lookup(ip))));
  return found;
}
