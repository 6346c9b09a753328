// The one map of action types. Adding an action: one file beside this one, one line below.
import { z } from "zod";
import { commandAction, commandSchema } from "./command.ts";
import { commentAction, commentSchema } from "./comment.ts";
import { emailAction, emailSchema } from "./email.ts";
import { logFileAction, logFileSchema } from "./log_file.ts";
import { saveImageAction, saveImageSchema } from "./save_image.ts";
import type { ActionDefinition } from "./types.ts";
import { webhookAction, webhookSchema } from "./webhook.ts";

export const ACTIONS: Record<string, ActionDefinition> = {
  email: emailAction as ActionDefinition,
  webhook: webhookAction as ActionDefinition,
  logFile: logFileAction as ActionDefinition,
  command: commandAction as ActionDefinition,
  comment: commentAction as ActionDefinition,
  saveImage: saveImageAction as ActionDefinition,
};

export const actionSchema = z.discriminatedUnion("type", [
  emailSchema,
  webhookSchema,
  logFileSchema,
  commandSchema,
  commentSchema,
  saveImageSchema,
]);

export type ActionSpec = z.output<typeof actionSchema>;
export type ActionSpecInput = z.input<typeof actionSchema>;
