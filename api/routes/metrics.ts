// GET /metrics: Prometheus's text exposition format (api/metrics.ts says what is in it). Not under
// /api because that is where scrapers look; authenticated like the API (a bearer token) once
// credentials exist, so a scrape config sets `authorization: {credentials: ...}`.
import { z } from "zod";
import { EXPOSITION_CONTENT_TYPE } from "../exposition.ts";
import { collectMetrics } from "../metrics.ts";
import type { Route, RouteContext } from "../router.ts";
import { positiveInt } from "../schemas.ts";

const metricsQuery = z.object({
  focus: positiveInt(100).optional().describe(
    "rounds in the window of the avg/min/max/jitter/loss figures (default 10, at most 100)",
  ),
}).strict();

export const metricsRoutes: Route[] = [
  {
    method: "GET",
    path: "/metrics",
    tag: "meta",
    summary: "Prometheus metrics (text format 0.0.4): per-target RTT, loss and probe counters, " +
      "alert states, engine, store and process figures",
    query: metricsQuery,
    responses: { 200: "text/plain; version=0.0.4 (the Prometheus text exposition format)" },
    handler: async (ctx: RouteContext<z.infer<typeof metricsQuery>>) => {
      const families = await collectMetrics(ctx.deps, { focus: ctx.query.focus ?? 10 });
      return new Response(families.stream(), {
        headers: { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" },
      });
    },
  },
];
