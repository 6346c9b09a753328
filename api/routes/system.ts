// What this server is and how it is doing: version, uptime, OS, CPU, memory, database size,
// probes per second, late and skipped rounds; health turns degraded on skipped rounds, prober
// restarts or failed store flushes in the last five minutes.
import { jsonResponse } from "../errors.ts";
import type { Route } from "../router.ts";
import type { HealthReply, SystemReply } from "../system.ts";

export const systemRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/system",
    tag: "meta",
    summary: "Version, uptime, OS, CPU count, process CPU and memory, database size, probes " +
      "per second, rounds late and skipped, prober restarts",
    handler: async (ctx) =>
      jsonResponse((await ctx.deps.system.system(ctx.deps)) satisfies SystemReply),
  },
  {
    method: "GET",
    path: "/api/system/health",
    tag: "meta",
    summary: "ok, or degraded (with reasons) when rounds were skipped, the prober restarted or " +
      "the store could not flush in the last five minutes; 503 when degraded",
    responses: { 200: "ok", 503: "degraded (the body says why)" },
    handler: async (ctx) => {
      const health = await ctx.deps.system.health(ctx.deps);
      return jsonResponse(health satisfies HealthReply, health.status === "ok" ? 200 : 503);
    },
  },
];
