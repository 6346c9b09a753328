// Sessions (named time ranges of a target), range exports (CSV or JSON, streamed) and the import
// of a JSON export as a read-only replay target.
import { z } from "zod";
import type { SessionRecord } from "../../store/mod.ts";
import { badRequest, jsonResponse, notFound } from "../errors.ts";
import { exportStream, importDocument } from "../export_format.ts";
import type { Route, RouteContext } from "../router.ts";
import { agentName, epochMs, sessionCreate, sessionPatch } from "../schemas.ts";
import { ID_PARAM, idOf, readsOf, targetOf } from "./common.ts";
import type { TargetReply } from "./targets.ts";

const TAG = "sessions";

/** GET /api/targets/{id}/sessions */
export interface SessionsReply {
  sessions: SessionRecord[];
}

/** One session: POST /api/targets/{id}/sessions, GET /api/sessions/{id}. */
export interface SessionReply {
  session: SessionRecord;
}

const DEFAULT_IMPORT_LIMIT_BYTES = 256 * 1024 * 1024;

const exportQuery = z.object({
  format: z.enum(["csv", "json"]).optional().describe("default json"),
  start: epochMs.optional(),
  end: epochMs.optional(),
  agent: agentName.optional().describe("the agent whose measurements to export (see /hops)"),
}).strict();
const formatQuery = z.object({ format: z.enum(["csv", "json"]).optional() }).strict();

async function loadSession(ctx: RouteContext): Promise<SessionRecord> {
  const id = idOf(ctx);
  const session = await ctx.deps.store.getSession(id);
  if (!session) throw notFound(`session ${id}`);
  return session;
}

function download(
  stream: ReadableStream<Uint8Array>,
  format: "csv" | "json",
  name: string,
): Response {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100) || "export";
  return new Response(stream, {
    headers: {
      "content-type": format === "csv"
        ? "text/csv; charset=utf-8"
        : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${safe}.${format}"`,
    },
  });
}

export const sessionRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/targets/{id}/sessions",
    tag: TAG,
    summary: "List a target's sessions",
    params: ID_PARAM,
    handler: async (ctx) => {
      const target = await targetOf(ctx);
      const sessions = await ctx.deps.store.listSessions(target.id);
      return jsonResponse({ sessions } satisfies SessionsReply);
    },
  },
  {
    method: "POST",
    path: "/api/targets/{id}/sessions",
    tag: TAG,
    summary: "Create a session: a named time range of the target",
    params: ID_PARAM,
    body: sessionCreate,
    responses: { 201: "the session" },
    handler: async (ctx) => {
      const target = await targetOf(ctx);
      const input = await ctx.body(sessionCreate);
      const session = await ctx.deps.store.addSession({ targetId: target.id, ...input });
      return jsonResponse({ session } satisfies SessionReply, 201, {
        location: `/api/sessions/${session.id}`,
      });
    },
  },
  {
    method: "GET",
    path: "/api/sessions/{id}",
    tag: TAG,
    summary: "Get a session",
    params: ID_PARAM,
    handler: async (ctx) =>
      jsonResponse({ session: await loadSession(ctx) } satisfies SessionReply),
  },
  {
    method: "PATCH",
    path: "/api/sessions/{id}",
    tag: TAG,
    summary: "Rename a session or change its range",
    params: ID_PARAM,
    body: sessionPatch,
    handler: async (ctx) => {
      const current = await loadSession(ctx);
      const patch = await ctx.body(sessionPatch);
      const start = patch.start ?? current.start, end = patch.end ?? current.end;
      if (start >= end) {
        throw badRequest("start must be before end", [{
          field: "end",
          message: "not after start",
        }]);
      }
      return jsonResponse({ session: await ctx.deps.store.updateSession(current.id, patch) });
    },
  },
  {
    method: "DELETE",
    path: "/api/sessions/{id}",
    tag: TAG,
    summary: "Delete a session (the data stays)",
    params: ID_PARAM,
    responses: { 204: "deleted" },
    handler: async (ctx) => {
      const session = await loadSession(ctx);
      await ctx.deps.store.removeSession(session.id);
      return new Response(null, { status: 204 });
    },
  },
  {
    method: "GET",
    path: "/api/sessions/{id}/export",
    tag: TAG,
    summary: "Export a session's rounds as CSV or JSON (streamed)",
    params: ID_PARAM,
    query: formatQuery,
    handler: async (ctx: RouteContext<z.infer<typeof formatQuery>>) => {
      const session = await loadSession(ctx);
      const target = await ctx.deps.store.getTarget(session.targetId);
      if (!target) throw notFound(`target ${session.targetId}`);
      const format = ctx.query.format ?? "json";
      const { start, end, name } = session;
      const stream = exportStream(ctx.deps.store, { target, start, end, format, session: name });
      return download(stream, format, name);
    },
  },
  {
    method: "GET",
    path: "/api/targets/{id}/export",
    tag: TAG,
    summary: "Export a range of a target's rounds as CSV or JSON (streamed)",
    params: ID_PARAM,
    query: exportQuery,
    handler: async (ctx: RouteContext<z.infer<typeof exportQuery>>) => {
      const target = await targetOf(ctx);
      const { start, end } = ctx.query;
      if (start !== undefined && end !== undefined && start >= end) {
        throw badRequest("start must be before end", [{
          field: "start",
          message: "not before end",
        }]);
      }
      const format = ctx.query.format ?? "json";
      const reads = await readsOf(ctx, ctx.query.agent);
      const source = {
        flush: () => ctx.deps.store.flush(),
        roundPage: reads.roundPage,
        routeChanges: reads.routeChanges,
      };
      const stream = exportStream(source, { target, start, end, format });
      return download(stream, format, `${target.host}-${start ?? "all"}-${end ?? "now"}`);
    },
  },
  {
    method: "POST",
    path: "/api/import",
    tag: TAG,
    summary: "Import a JSON export as a read-only replay target",
    body: importDocument,
    responses: { 201: "the replay target" },
    handler: async (ctx) => {
      const limit = ctx.deps.importLimitBytes ?? DEFAULT_IMPORT_LIMIT_BYTES;
      const doc = await ctx.body(importDocument, limit);
      const target = await ctx.deps.service.importReplay(doc);
      return jsonResponse({ target } satisfies TargetReply, 201, {
        location: `/api/targets/${target.id}`,
      });
    },
  },
];
