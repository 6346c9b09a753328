// Targets: list, create, get, update (applied to the running schedule at once), pause, resume,
// delete (stops probing and removes the data). Targets declared in the config file are changed
// and removed there; pause and resume work on them too.
import type { TargetView } from "../core/mod.ts";
import { jsonResponse } from "../errors.ts";
import type { Route } from "../router.ts";
import { targetCreate, targetListQuery, targetPatch } from "../schemas.ts";
import { ID_PARAM, idOf } from "./common.ts";

const TAG = "targets";

/** GET /api/targets */
export interface TargetsReply {
  targets: TargetView[];
}

/** One target: POST /api/targets, GET|PATCH /api/targets/{id}, pause, resume, POST /api/import. */
export interface TargetReply {
  target: TargetView;
}

export const targetRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/targets",
    tag: TAG,
    summary: "List targets (optionally one group's)",
    query: targetListQuery,
    handler: async (ctx) =>
      jsonResponse(
        { targets: await ctx.deps.service.list(ctx.query.group) } satisfies TargetsReply,
      ),
  },
  {
    method: "POST",
    path: "/api/targets",
    tag: TAG,
    summary: "Create a target; probing starts at once",
    body: targetCreate,
    responses: { 201: "the target" },
    handler: async (ctx) => {
      const input = await ctx.body(targetCreate);
      const target = await ctx.deps.service.create(input);
      return jsonResponse({ target } satisfies TargetReply, 201, {
        location: `/api/targets/${target.id}`,
      });
    },
  },
  {
    method: "GET",
    path: "/api/targets/{id}",
    tag: TAG,
    summary: "Get a target",
    params: ID_PARAM,
    handler: async (ctx) =>
      jsonResponse({ target: await ctx.deps.service.get(idOf(ctx)) } satisfies TargetReply),
  },
  {
    method: "PATCH",
    path: "/api/targets/{id}",
    tag: TAG,
    summary: "Update a target; the running schedule takes the new settings at once " +
      "(409 declared_target for a target declared in the config file: edit the file)",
    params: ID_PARAM,
    body: targetPatch,
    handler: async (ctx) => {
      const id = idOf(ctx);
      const patch = await ctx.body(targetPatch);
      const target = await ctx.deps.service.update(id, patch);
      return jsonResponse({ target } satisfies TargetReply);
    },
  },
  {
    method: "DELETE",
    path: "/api/targets/{id}",
    tag: TAG,
    summary: "Delete a target: probing stops and its data is removed " +
      "(409 declared_target for a target declared in the config file: remove it there)",
    params: ID_PARAM,
    responses: { 204: "deleted" },
    handler: async (ctx) => {
      await ctx.deps.service.remove(idOf(ctx));
      return new Response(null, { status: 204 });
    },
  },
  {
    method: "POST",
    path: "/api/targets/{id}/pause",
    tag: TAG,
    summary: "Pause probing (data is kept)",
    params: ID_PARAM,
    handler: async (ctx) =>
      jsonResponse(
        { target: await ctx.deps.service.setPaused(idOf(ctx), true) } satisfies TargetReply,
      ),
  },
  {
    method: "POST",
    path: "/api/targets/{id}/resume",
    tag: TAG,
    summary: "Resume probing",
    params: ID_PARAM,
    handler: async (ctx) =>
      jsonResponse(
        { target: await ctx.deps.service.setPaused(idOf(ctx), false) } satisfies TargetReply,
      ),
  },
];
