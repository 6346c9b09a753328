// What every action gets and must provide. Each action is one file exporting an ActionDefinition;
// alerts/actions/registry.ts lists them all.
import { z } from "zod";
import type { Clock } from "../../engine/mod.ts";
import type { NewTimelineComment, TimelineComment } from "../../store/mod.ts";
import type { ResolvedAlertsConfig } from "../config.ts";
import type { AlertEvent } from "../types.ts";
import type { Evidence } from "./evidence.ts";
import type { ActionField } from "./form.ts";

export const EVENT_KINDS = ["firing", "reminder", "recovered", "test"] as const;

/** Fields every action has: which events it runs on, its timeout and how it is retried. */
export const commonActionFields = {
  /** Event kinds this action runs on (default: all). */
  on: z.array(z.enum(EVENT_KINDS)).min(1).default([...EVENT_KINDS]),
  /** One attempt may take at most this long. */
  timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  /** Attempts after the first one fails. */
  retries: z.number().int().min(0).max(10).default(2),
  /** Wait before the first retry; doubled before each further one. */
  retryBackoffMs: z.number().int().min(0).max(600_000).default(1000),
};

export interface ActionContext {
  clock: Clock;
  config: ResolvedAlertsConfig;
  /** Aborted when the attempt times out or the service stops. */
  signal: AbortSignal;
  /** The evidence of this event (hop table, timeline SVG, CSV), built once on first use. */
  evidence(): Promise<Evidence>;
  addTimelineComment(comment: NewTimelineComment): Promise<TimelineComment>;
}

export interface ActionDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  /** Name shown in the UI's action picker. */
  label: string;
  schema: S;
  /** The form fields of the action's own settings (the common ones are rendered for all). */
  fields: ActionField[];
  /** Shown in the form when the action has no fields of its own. */
  note?: string;
  /**
   * Does the action once. Throws on failure (the runner retries). Returns a short description
   * of what was done, kept in the history (HTTP status, file written, command output).
   */
  run(action: z.output<S>, event: AlertEvent, ctx: ActionContext): Promise<string | null>;
}

export function defineAction<S extends z.ZodType>(
  definition: ActionDefinition<S>,
): ActionDefinition<S> {
  return definition;
}

const EVIDENCE_FIELD: ActionField = {
  name: "evidence",
  label: "Attach evidence",
  kind: "checkbox",
  help: "the hop table, timeline SVG and CSV of the window before the event",
};

/** The evidence checkbox, ticked or not for a new action. */
export function evidenceField(initial: boolean): ActionField {
  return { ...EVIDENCE_FIELD, initial };
}

/** Keeps stored text bounded: the head and tail of long output. */
export function truncate(text: string, maxChars = 4000): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  return `${text.slice(0, half)}\n… (${text.length - maxChars} characters left out) …\n${
    text.slice(-half)
  }`;
}

/** Subject-style one-liner: "FIRING: loss on 10.0.0.9". */
export function headline(event: AlertEvent): string {
  const target = event.targetLabel ?? event.targetHost;
  return `${event.kind.toUpperCase()}: ${event.ruleName} on ${target}`;
}
