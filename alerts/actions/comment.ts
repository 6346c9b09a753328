// Add comment: an annotation on the target's timeline at the moment of the event, kept in the
// store (timeline_comments) where the API and the UI read it.
import { z } from "zod";
import { commonActionFields, defineAction } from "./types.ts";

export const commentSchema = z.strictObject({
  type: z.literal("comment"),
  /** Written before the event's message, e.g. "ISP ticket 123:". */
  prefix: z.string().max(200).optional(),
  ...commonActionFields,
});

export const commentAction = defineAction({
  type: "comment",
  label: "Timeline comment",
  schema: commentSchema,
  fields: [{ name: "prefix", label: "Comment prefix", kind: "text", placeholder: "(none)" }],
  async run(action, event, ctx) {
    const text = action.prefix ? `${action.prefix} ${event.message}` : event.message;
    const comment = await ctx.addTimelineComment({
      targetId: event.targetId,
      at: event.at,
      text,
      eventId: event.id || null,
    });
    return `comment #${comment.id} on target ${event.targetId}`;
  },
});
