// Outages and the event log: GET /api/events (outages, route changes and alert firings of every
// or one target, newest first, paged), a target's outages, and its outage threshold.
import { z } from "zod";
import { DEFAULT_OUTAGE_ROUNDS, MAX_OUTAGE_ROUNDS } from "../../store/mod.ts";
import { badRequest, jsonResponse, notFound } from "../errors.ts";
import { decodeCursor, EVENT_KINDS, eventLog, type EventLogPage } from "../event_log.ts";
import { type OutageJson, outageJson } from "../outage_figures.ts";
import type { Route, RouteContext } from "../router.ts";
import { epochMs, idParam, positiveInt } from "../schemas.ts";
import { ID_PARAM, targetOf } from "./common.ts";

const TAG = "events";

/** GET /api/events */
export type EventLogReply = EventLogPage;

/** GET /api/targets/{id}/outages */
export interface OutagesReply {
  targetId: number;
  /** Unanswered rounds in a row that start an outage of this target. */
  rounds: number;
  outages: OutageJson[];
  /** Pass as `cursor` for older outages; null on the last page. */
  nextCursor: string | null;
}

/** GET|PUT /api/targets/{id}/outage_settings */
export interface OutageSettingsReply {
  targetId: number;
  rounds: number;
  /** True when the target uses the default (not a value of its own). */
  isDefault: boolean;
}

const kindList = new RegExp(`^(${EVENT_KINDS.join("|")})(,(${EVENT_KINDS.join("|")}))*$`);

const cursorText = z.string().max(60).refine((text) => decodeCursor(text) !== null, {
  message: "not a cursor from a previous page",
});

const eventsQuery = z.object({
  targetId: idParam.optional(),
  kind: z.string().regex(kindList, `must be a comma-separated list of ${EVENT_KINDS.join(", ")}`)
    .optional().describe(`comma-separated: ${EVENT_KINDS.join(",")} (default all)`),
  start: epochMs.optional().describe("epoch ms; outages overlapping the range count"),
  end: epochMs.optional(),
  limit: positiveInt(1000).optional().describe("default 100"),
  cursor: cursorText.optional().describe("nextCursor of the previous page"),
}).strict();

const outagesQuery = z.object({
  start: epochMs.optional(),
  end: epochMs.optional(),
  limit: positiveInt(1000).optional().describe("default 100"),
  cursor: z.string().regex(/^-?\d{1,16}_\d{1,15}$/, "not a cursor from a previous page")
    .optional().describe("nextCursor of the previous page"),
}).strict();

const settingsBody = z.object({
  rounds: z.number().int().min(1).max(MAX_OUTAGE_ROUNDS).nullable().describe(
    `unanswered rounds in a row that start an outage; null = the default (${DEFAULT_OUTAGE_ROUNDS})`,
  ),
}).strict();

function checkRange(q: { start?: number; end?: number }): void {
  if (q.start !== undefined && q.end !== undefined && q.start >= q.end) {
    throw badRequest("start must be before end", [{ field: "start", message: "not before end" }]);
  }
}

const nowOf = (ctx: RouteContext) => (ctx.deps.now ?? Date.now)();

export const outageRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/events",
    tag: TAG,
    summary: "Outages, route changes and alert firings/recoveries, newest first, in pages",
    query: eventsQuery,
    handler: async (ctx: RouteContext<z.infer<typeof eventsQuery>>) => {
      const q = ctx.query;
      checkRange(q);
      if (q.targetId !== undefined && !await ctx.deps.store.getTarget(q.targetId)) {
        throw notFound(`target ${q.targetId}`);
      }
      const kinds = q.kind?.split(",") as typeof EVENT_KINDS[number][] | undefined;
      const page = await eventLog(ctx.deps.store, { ...q, kinds, now: nowOf(ctx) });
      return jsonResponse(page satisfies EventLogReply);
    },
  },
  {
    method: "GET",
    path: "/api/targets/{id}/outages",
    tag: TAG,
    summary: "A target's outages overlapping a range (default all), newest first, in pages",
    params: ID_PARAM,
    query: outagesQuery,
    handler: async (ctx: RouteContext<z.infer<typeof outagesQuery>>) => {
      const target = await targetOf(ctx);
      const q = ctx.query;
      checkRange(q);
      const limit = q.limit ?? 100;
      const before = q.cursor === undefined ? undefined : (() => {
        const [start, id] = q.cursor.split("_").map(Number);
        return { start, id };
      })();
      const found = await ctx.deps.store.outages({
        targetId: target.id,
        start: q.start,
        end: q.end,
        before,
        limit: limit + 1,
      });
      const page = found.slice(0, limit);
      const last = page[page.length - 1];
      const now = nowOf(ctx);
      return jsonResponse(
        {
          targetId: target.id,
          rounds: ctx.deps.service.outages.threshold(target.id),
          outages: page.map((o) => outageJson(o, now)),
          nextCursor: found.length > limit ? `${last.start}_${last.id}` : null,
        } satisfies OutagesReply,
      );
    },
  },
  {
    method: "GET",
    path: "/api/targets/{id}/outage_settings",
    tag: TAG,
    summary: "How many unanswered rounds in a row start an outage of this target",
    params: ID_PARAM,
    handler: async (ctx) => {
      const target = await targetOf(ctx);
      const own = await ctx.deps.store.outageRounds(target.id);
      return jsonResponse(
        {
          targetId: target.id,
          rounds: own ?? DEFAULT_OUTAGE_ROUNDS,
          isDefault: own === null,
        } satisfies OutageSettingsReply,
      );
    },
  },
  {
    method: "PUT",
    path: "/api/targets/{id}/outage_settings",
    tag: TAG,
    summary: "Set the rounds that start an outage of this target (null: back to the default)",
    params: ID_PARAM,
    body: settingsBody,
    handler: async (ctx) => {
      const target = await targetOf(ctx);
      const { rounds } = await ctx.body(settingsBody);
      const applied = await ctx.deps.service.outages.setThreshold(target.id, rounds);
      return jsonResponse(
        {
          targetId: target.id,
          rounds: applied,
          isDefault: rounds === null,
        } satisfies OutageSettingsReply,
      );
    },
  },
];
