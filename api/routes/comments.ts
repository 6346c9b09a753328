// Timeline comments of a target: people add and delete them here; the alerts' comment action
// writes to the same store table. Served straight from the store, so comments stay readable and
// writable while the alert service is not running.
import { z } from "zod";
import type { TimelineComment } from "../../store/mod.ts";
import { conflict, jsonResponse, notFound } from "../errors.ts";
import type { Route, RouteContext } from "../router.ts";
import { rangeQuery } from "../schemas.ts";
import { ID_PARAM, idOf, targetOf } from "./common.ts";

const TAG = "comments";

/** GET /api/targets/{id}/comments */
export interface CommentsReply {
  comments: TimelineComment[];
}

export const commentCreate = z.object({
  at: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe(
    "the moment on the timeline, epoch ms",
  ),
  text: z.string().trim().min(1).max(500).describe("1 to 500 characters"),
}).strict();

/** The target named by {id}, refused when it is a read-only replay (like other changes). */
async function writableTarget(ctx: RouteContext): Promise<number> {
  const target = await ctx.deps.service.get(idOf(ctx));
  if (target.replay) throw conflict("read_only", "a replay target cannot be changed");
  return target.id;
}

export const commentRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/targets/{id}/comments",
    tag: TAG,
    summary: "Timeline comments of a target in [start, end), oldest first; " +
      'source "user" (added here) or "alert" (the add-comment action)',
    params: ID_PARAM,
    query: rangeQuery,
    handler: async (ctx: RouteContext<z.infer<typeof rangeQuery>>) => {
      const target = await targetOf(ctx);
      const comments = await ctx.deps.store.timelineComments(target.id, ctx.query);
      return jsonResponse({ comments } satisfies CommentsReply);
    },
  },
  {
    method: "POST",
    path: "/api/targets/{id}/comments",
    tag: TAG,
    summary: "Add a comment to a target's timeline",
    params: ID_PARAM,
    body: commentCreate,
    responses: { 201: "the comment" },
    handler: async (ctx) => {
      const targetId = await writableTarget(ctx);
      const input = await ctx.body(commentCreate);
      const comment = await ctx.deps.store.addTimelineComment({
        targetId,
        at: input.at,
        text: input.text,
        source: "user",
      });
      return jsonResponse({ comment }, 201);
    },
  },
  {
    method: "DELETE",
    path: "/api/targets/{id}/comments/{commentId}",
    tag: TAG,
    summary: "Delete a timeline comment (a person's or an alert's)",
    params: { ...ID_PARAM, commentId: "numeric id of the comment" },
    responses: { 204: "deleted" },
    handler: async (ctx) => {
      const targetId = await writableTarget(ctx);
      const commentId = idOf(ctx, "commentId");
      if (!await ctx.deps.store.removeTimelineComment(targetId, commentId)) {
        throw notFound(`comment ${commentId}`);
      }
      return new Response(null, { status: 204 });
    },
  },
];
