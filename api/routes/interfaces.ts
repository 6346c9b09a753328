// Interface traffic beside path latency: what is discovered and monitored now, the newest rates,
// history for charts, summaries over a range, exports, and the monitor's settings.
import { z } from "zod";
import { InterfaceSettingsError } from "../../engine/mod.ts";
import { badRequest, jsonResponse, notFound } from "../errors.ts";
import {
  historyPoint,
  INTERFACE_CSV_HEADER,
  interfaceCsvLine,
  type InterfaceHistoryReply,
  type InterfaceLatestReply,
  type InterfaceReply,
  interfaceReply,
  type InterfacesReply,
  type InterfaceSummaryReply,
  storedOnlyReply,
  summaryRow,
} from "../interface_view.ts";
import type { Route, RouteContext } from "../router.ts";
import { epochMs, INTERFACE_NAME, interfaceSettingsPatch, positiveInt } from "../schemas.ts";

const TAG = "interfaces";
const HOUR_MS = 3_600_000;
const NAME_PARAM = { name: "interface name, as the system calls it (eth0, en0)" };

/** GET/PUT /api/interfaces/settings */
export interface InterfaceSettingsReply {
  intervalMs: number;
  include: string[];
  exclude: string[];
  primary: string | null;
}

const rangeQuery = z.object({
  start: epochMs.optional().describe("default: an hour before end"),
  end: epochMs.optional().describe("default: now"),
}).strict();
const historyQuery = z.object({
  start: epochMs.optional().describe("default: an hour before end"),
  end: epochMs.optional().describe("default: now"),
  maxPoints: positiveInt(5000).optional().describe("at most this many points (default 500)"),
}).strict();
const exportQuery = z.object({
  start: epochMs.optional().describe("default: a day before end"),
  end: epochMs.optional().describe("default: now"),
  name: z.string().regex(INTERFACE_NAME, "an interface name").optional()
    .describe("one interface (default: all)"),
  format: z.enum(["csv", "json"]).optional().describe("default json"),
}).strict();

function rangeOf(ctx: RouteContext, q: { start?: number; end?: number }, defaultMs = HOUR_MS) {
  const end = q.end ?? (ctx.deps.now ?? Date.now)() + 1;
  const start = q.start ?? end - defaultMs;
  if (start >= end) {
    throw badRequest("start must be before end", [{ field: "start", message: "not before end" }]);
  }
  return { start, end };
}

function nameOf(ctx: RouteContext): string {
  const name = ctx.params.name;
  if (!INTERFACE_NAME.test(name)) {
    throw badRequest("not an interface name", [{
      field: "name",
      message: "letters, digits . _ - @ :",
    }]);
  }
  return name;
}

async function allInterfaces(ctx: RouteContext): Promise<InterfaceReply[]> {
  const live = ctx.deps.interfaces?.collector?.interfaces() ?? [];
  const replies = live.map(interfaceReply);
  const known = new Set(replies.map((r) => r.name));
  for (const name of await ctx.deps.store.interfaceNames()) {
    if (!known.has(name)) replies.push(storedOnlyReply(name));
  }
  return replies.sort((a, b) => a.name.localeCompare(b.name));
}

async function oneInterface(ctx: RouteContext, name: string): Promise<InterfaceReply> {
  const found = (await allInterfaces(ctx)).find((i) => i.name === name);
  if (!found) throw notFound(`interface ${name}`);
  return found;
}

function speedOf(ctx: RouteContext, name: string): { speedMbps: number | null; primary: boolean } {
  const s = ctx.deps.interfaces?.collector?.interfaces().find((i) => i.name === name);
  return { speedMbps: s?.speedMbps ?? null, primary: s?.primary ?? false };
}

export const interfaceRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/interfaces",
    tag: TAG,
    summary: "Interfaces discovered (state, speed, monitored or why not, primary, newest rates)",
    handler: async (ctx) => {
      const monitor = ctx.deps.interfaces;
      const status = monitor?.status ?? { state: "off", reason: "interface monitoring is off" };
      return jsonResponse(
        {
          state: status.state,
          reason: status.reason,
          platform: monitor?.collector?.source.platform ?? null,
          intervalMs: monitor?.settings().intervalMs ?? 10_000,
          primary: monitor?.collector?.primary() ?? { name: null, by: "none", settled: false },
          interfaces: await allInterfaces(ctx),
        } satisfies InterfacesReply,
      );
    },
  },
  {
    method: "GET",
    path: "/api/interfaces/latest",
    tag: TAG,
    summary: "The newest rates of every monitored interface",
    handler: (ctx) => {
      const live = (ctx.deps.interfaces?.collector?.interfaces() ?? [])
        .filter((s) => s.monitored && s.present).map(interfaceReply);
      const at = Math.max(...live.map((i) => i.latest?.at ?? -Infinity));
      return jsonResponse(
        {
          at: Number.isFinite(at) ? at : null,
          interfaces: live.map(({ name, primary, speedMbps, latest, utilisationPct }) => ({
            name,
            primary,
            speedMbps,
            latest,
            utilisationPct,
          })),
        } satisfies InterfaceLatestReply,
      );
    },
  },
  {
    method: "GET",
    path: "/api/interfaces/summary",
    tag: TAG,
    summary: "Per interface over a range: average and peak rx/tx, utilisation when the speed " +
      "is known, bytes, packets, errors and drops",
    query: rangeQuery,
    handler: async (ctx: RouteContext<z.infer<typeof rangeQuery>>) => {
      const range = rangeOf(ctx, ctx.query);
      const rows = await ctx.deps.store.interfaceSummary(range);
      return jsonResponse(
        {
          ...range,
          interfaces: rows.map((r) => summaryRow(r, speedOf(ctx, r.name))),
        } satisfies InterfaceSummaryReply,
      );
    },
  },
  {
    method: "GET",
    path: "/api/interfaces/export",
    tag: TAG,
    summary: "Stored raw samples (counter increases per interval) as CSV or JSON",
    query: exportQuery,
    responses: { 200: "text/csv or application/json, as a download" },
    handler: async (ctx: RouteContext<z.infer<typeof exportQuery>>) => {
      const range = rangeOf(ctx, ctx.query, 24 * HOUR_MS);
      const samples = await ctx.deps.store.interfaceSamples({
        name: ctx.query.name ?? null,
        ...range,
      });
      const format = ctx.query.format ?? "json";
      const file = `interfaces-${new Date(range.start).toISOString().slice(0, 10)}.${format}`;
      const body = format === "csv"
        ? INTERFACE_CSV_HEADER + samples.map(interfaceCsvLine).join("")
        : JSON.stringify({ format: "pingwatcher-interfaces", version: 1, ...range, samples });
      return new Response(body, {
        headers: {
          "content-type": format === "csv"
            ? "text/csv; charset=utf-8"
            : "application/json; charset=utf-8",
          "content-disposition": `attachment; filename="${file}"`,
        },
      });
    },
  },
  {
    method: "GET",
    path: "/api/interfaces/settings",
    tag: TAG,
    summary: "The interface monitor's settings: interval, include/exclude lists, primary",
    handler: (ctx) => {
      const monitor = ctx.deps.interfaces;
      if (!monitor) throw notFound("the interface monitor");
      return jsonResponse(monitor.settings() satisfies InterfaceSettingsReply);
    },
  },
  {
    method: "PUT",
    path: "/api/interfaces/settings",
    tag: TAG,
    summary: "Changes the interface settings (saved, applied at once); omitted fields stay",
    body: interfaceSettingsPatch,
    handler: async (ctx) => {
      const monitor = ctx.deps.interfaces;
      if (!monitor) throw notFound("the interface monitor");
      const patch = await ctx.body(interfaceSettingsPatch);
      try {
        return jsonResponse(
          (await monitor.updateSettings(patch)) satisfies InterfaceSettingsReply,
        );
      } catch (error) {
        if (!(error instanceof InterfaceSettingsError)) throw error;
        throw badRequest(error.message, [{ field: error.field, message: error.message }]);
      }
    },
  },
  {
    method: "GET",
    path: "/api/interfaces/{name}",
    tag: TAG,
    summary: "One interface: state, speed, monitored, primary, newest rates, totals",
    params: NAME_PARAM,
    handler: async (ctx) => jsonResponse(await oneInterface(ctx, nameOf(ctx))),
  },
  {
    method: "GET",
    path: "/api/interfaces/{name}/history",
    tag: TAG,
    summary: "Rates over time for a chart: average and peak per point, from raw, 1-minute or " +
      "1-hour rows by the range",
    params: NAME_PARAM,
    query: historyQuery,
    handler: async (ctx: RouteContext<z.infer<typeof historyQuery>>) => {
      const name = nameOf(ctx);
      await oneInterface(ctx, name);
      const range = rangeOf(ctx, ctx.query);
      const history = await ctx.deps.store.interfaceHistory(name, {
        ...range,
        maxPoints: ctx.query.maxPoints,
      });
      const { speedMbps } = speedOf(ctx, name);
      return jsonResponse(
        {
          name,
          ...range,
          resolution: history.resolution,
          speedMbps,
          points: history.points.map((p) => historyPoint(p, speedMbps)),
        } satisfies InterfaceHistoryReply,
      );
    },
  },
];
