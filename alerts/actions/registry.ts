// The one list of action types: the rule schema, the runner, the API's form descriptors and the
// UI's action picker all come from it. Adding an action: one file beside this one, one line below.
// No action file may import a heavy runtime dependency at the top (email loads nodemailer on
// first send): alerts/rule.ts imports this list for its schema (tests/alerts/imports.test.ts).
import { z } from "zod";
import { commandAction } from "./command.ts";
import { commentAction } from "./comment.ts";
import { emailAction } from "./email.ts";
import type { ActionForm } from "./form.ts";
import { logFileAction } from "./log_file.ts";
import { saveImageAction } from "./save_image.ts";
import type { ActionDefinition } from "./types.ts";
import { webhookAction } from "./webhook.ts";

const DEFINITIONS = [
  emailAction,
  webhookAction,
  logFileAction,
  commandAction,
  commentAction,
  saveImageAction,
] as const;

export const ACTIONS: Record<string, ActionDefinition> = Object.fromEntries(
  DEFINITIONS.map((d) => [d.type, d as unknown as ActionDefinition]),
);

/** The schemas of a tuple of definitions, as a tuple: the union keeps each action's own type. */
function schemasOf<T extends readonly [{ schema: z.ZodObject }, ...{ schema: z.ZodObject }[]]>(
  definitions: T,
): { -readonly [K in keyof T]: T[K]["schema"] } {
  return definitions.map((d) => d.schema) as { -readonly [K in keyof T]: T[K]["schema"] };
}

export const actionSchema = z.discriminatedUnion("type", schemasOf(DEFINITIONS));

export type ActionSpec = z.output<typeof actionSchema>;
export type ActionSpecInput = z.input<typeof actionSchema>;
export type ActionType = ActionSpec["type"];

/** What the API serves so the UI can draw every action's form (GET /api/alerts/action-types). */
export function actionForms(): ActionForm[] {
  return DEFINITIONS.map((d) => ({
    type: d.type,
    label: d.label,
    ...(d.note ? { note: d.note } : {}),
    // Each action may override the common defaults (email waits longer, command never retries).
    defaults: (d.schema as z.ZodObject).pick({
      timeoutMs: true,
      retries: true,
      retryBackoffMs: true,
    })
      .parse({}) as unknown as ActionForm["defaults"],
    fields: d.fields,
  }));
}
