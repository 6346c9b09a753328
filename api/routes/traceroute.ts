// POST /api/traceroute: a one-shot trace of any host; POST /api/targets/{id}/traceroute: of a target
// with its own settings. Neither stores anything.
import { z } from "zod";
import {
  OptionsError,
  parseHost,
  proberLimitation,
  resolveTargetOptions,
  type TargetOptions,
} from "../../engine/mod.ts";
import { ApiError, jsonResponse } from "../errors.ts";
import type { Route, RouteContext } from "../router.ts";
import { engineInputOf, optionFields } from "../schemas.ts";
import { ID_PARAM, targetOf } from "./common.ts";

const rounds = z.number().int().min(1).max(10).optional().describe("rounds to run (default 1)");
const { interval: _interval, ...traceFields } = optionFields;
const traceBody = z.object({
  host: z.string().min(1).max(253).describe("IP literal or RFC 1123 host name"),
  rounds,
  ...traceFields,
}).strict();
const targetTraceBody = z.object({ rounds }).strict();

function resolve(input: Record<string, unknown>): TargetOptions {
  try {
    return resolveTargetOptions(input);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    throw new ApiError(400, "invalid_body", error.message, [{
      field: error.field,
      message: error.message,
    }]);
  }
}

async function run(ctx: RouteContext, host: string, options: TargetOptions, count: number) {
  const limitation = proberLimitation(ctx.deps.service.prober, options);
  if (limitation) throw new ApiError(400, "unsupported_by_prober", limitation);
  // Rounds of a one-shot trace follow each other at once, not on the target's interval.
  const trace = { ...options, intervalMs: Math.min(options.intervalMs, 1000) };
  const result = await ctx.deps.traceroute({ host, options: trace, rounds: count });
  return jsonResponse({ traceroute: result });
}

export const tracerouteRoutes: Route[] = [
  {
    method: "POST",
    path: "/api/traceroute",
    tag: "traceroute",
    summary: "Run a one-shot traceroute to a host (nothing is stored)",
    body: traceBody,
    handler: async (ctx) => {
      const body = await ctx.body(traceBody);
      let host: string;
      try {
        host = parseHost(body.host).host;
      } catch (error) {
        throw new ApiError(400, "invalid_body", (error as Error).message, [{
          field: "host",
          message: (error as Error).message,
        }]);
      }
      const options = resolve(engineInputOf(body));
      return await run(ctx, host, options, body.rounds ?? 1);
    },
  },
  {
    method: "POST",
    path: "/api/targets/{id}/traceroute",
    tag: "traceroute",
    summary: "Run a one-shot traceroute to a target with its settings (nothing is stored)",
    params: ID_PARAM,
    body: targetTraceBody,
    handler: async (ctx) => {
      const target = await targetOf(ctx);
      const body = await ctx.body(targetTraceBody);
      if ((await ctx.deps.store.targetMeta(target.id)).replay) {
        throw new ApiError(409, "read_only", "a replay target is never probed");
      }
      return await run(ctx, target.host, target.options, body.rounds ?? 1);
    },
  },
];
