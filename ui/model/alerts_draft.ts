// The rule form's draft: every field a string or a flag as the inputs hold it, turned into the
// API's rule JSON (with field-named messages for what cannot be sent) and back from a rule. Pure
// functions: no signals, no fetches.
import type { ActionForm } from "../../api/wire.ts";
import { type ActionDraft, actionDraftOf, actionSpecOf, Reader } from "./alerts_action_draft.ts";
import {
  type AlertRule,
  type HopSelector,
  type Metric,
  METRICS,
  type Operator,
  type Trigger,
} from "./alerts_types.ts";

export { type ActionDraft, formFor, newActionDraft } from "./alerts_action_draft.ts";

export type HopKind = "final" | "any" | "hop" | "address";
export type TriggerKind = "consecutive" | "xOf" | "forMs";

export interface RuleDraft {
  /** null: a new rule. */
  id: number | null;
  name: string;
  enabled: boolean;
  scopeAll: boolean;
  targetIds: number[];
  hopKind: HopKind;
  hopNumber: string;
  hopAddress: string;
  metric: Metric;
  op: Operator;
  threshold: string;
  recoverThreshold: string;
  address: string;
  focusSamples: string;
  triggerKind: TriggerKind;
  consecutive: string;
  xOf: string;
  last: string;
  forS: string;
  recoverAfterSamples: string;
  remind: boolean;
  repeatMin: string;
  evidenceMin: string;
  actions: ActionDraft[];
}

/** Messages by field path ("condition.threshold", "actions.0.url"); "" is the rule as a whole. */
export type FieldErrors = Record<string, string>;

export function isNumeric(metric: Metric): boolean {
  return METRICS.find((m) => m.id === metric)?.numeric ?? false;
}

export function newRuleDraft(): RuleDraft {
  return {
    id: null,
    name: "",
    enabled: true,
    scopeAll: true,
    targetIds: [],
    hopKind: "final",
    hopNumber: "",
    hopAddress: "",
    metric: "lossPct",
    op: ">=",
    threshold: "10",
    recoverThreshold: "",
    address: "",
    focusSamples: "10",
    triggerKind: "consecutive",
    consecutive: "3",
    xOf: "3",
    last: "5",
    forS: "60",
    recoverAfterSamples: "3",
    remind: false,
    repeatMin: "15",
    evidenceMin: "10",
    actions: [],
  };
}

const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));

/** The form of a saved rule; `forms` (the server's action types) shape its actions. */
export function draftOf(rule: AlertRule, forms: readonly ActionForm[]): RuleDraft {
  const c = rule.condition;
  const t = rule.trigger;
  const hop = rule.hop;
  return {
    ...newRuleDraft(),
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    scopeAll: rule.scope === "all",
    targetIds: rule.scope === "all" ? [] : [...rule.scope.targetIds],
    hopKind: typeof hop === "string" ? hop : "hop" in hop ? "hop" : "address",
    hopNumber: typeof hop === "object" && "hop" in hop ? String(hop.hop) : "",
    hopAddress: typeof hop === "object" && "address" in hop ? hop.address : "",
    metric: c.metric,
    op: c.op ?? ">=",
    threshold: text(c.threshold),
    recoverThreshold: c.recoverThreshold === c.threshold ? "" : text(c.recoverThreshold),
    address: text(c.address),
    focusSamples: String(rule.focusSamples),
    triggerKind: "consecutive" in t ? "consecutive" : "xOf" in t ? "xOf" : "forMs",
    consecutive: "consecutive" in t ? String(t.consecutive) : "3",
    xOf: "xOf" in t ? String(t.xOf) : "3",
    last: "xOf" in t ? String(t.last) : "5",
    forS: "forMs" in t ? String(t.forMs / 1000) : "60",
    recoverAfterSamples: String(rule.recoverAfterSamples),
    remind: rule.repeatIntervalMs !== null,
    repeatMin: rule.repeatIntervalMs === null ? "15" : String(rule.repeatIntervalMs / 60_000),
    evidenceMin: String(rule.evidenceWindowMs / 60_000),
    actions: rule.actions.map((a) => actionDraftOf(a, forms)),
  };
}

/** One action as JSON for a test-fire, or the messages that stop it. */
export function actionOf(
  a: ActionDraft,
  index: number,
): { action: Record<string, unknown> | null; errors: FieldErrors } {
  const r = new Reader();
  const action = actionSpecOf(a, `actions.${index}`, r);
  return Object.keys(r.errors).length ? { action: null, errors: r.errors } : { action, errors: {} };
}

function hopOf(d: RuleDraft, r: Reader): HopSelector {
  if (d.hopKind === "hop") return { hop: r.number(d.hopNumber, "hop.hop", { integer: true }) };
  if (d.hopKind === "address") return { address: d.hopAddress.trim() };
  return d.hopKind;
}

function triggerOf(d: RuleDraft, r: Reader): Trigger {
  const int = { integer: true };
  if (d.triggerKind === "consecutive") {
    return { consecutive: r.number(d.consecutive, "trigger.consecutive", int) };
  }
  if (d.triggerKind === "xOf") {
    return {
      xOf: r.number(d.xOf, "trigger.xOf", int),
      last: r.number(d.last, "trigger.last", int),
    };
  }
  return { forMs: r.number(d.forS, "trigger.forMs", { scale: 1000, integer: true }) };
}

function conditionOf(d: RuleDraft, r: Reader): Record<string, unknown> {
  const condition: Record<string, unknown> = { metric: d.metric };
  if (isNumeric(d.metric)) {
    condition.op = d.op;
    condition.threshold = r.number(d.threshold, "condition.threshold");
    const recover = r.optionalNumber(d.recoverThreshold, "condition.recoverThreshold", {});
    if (recover !== undefined) condition.recoverThreshold = recover;
  }
  if (d.metric === "addressInRoute") condition.address = d.address.trim();
  return condition;
}

/** The rule JSON for POST/PUT, or the fields to fix first. */
export function specOf(
  d: RuleDraft,
): { spec: Record<string, unknown> | null; errors: FieldErrors } {
  const r = new Reader();
  if (!d.name.trim()) r.errors.name = "give the rule a name";
  if (!d.scopeAll && !d.targetIds.length) r.errors["scope.targetIds"] = "pick at least one target";
  const int = { integer: true };
  const spec: Record<string, unknown> = {
    name: d.name.trim(),
    enabled: d.enabled,
    scope: d.scopeAll ? "all" : { targetIds: d.targetIds },
    hop: hopOf(d, r),
    condition: conditionOf(d, r),
    focusSamples: r.number(d.focusSamples, "focusSamples", int),
    trigger: triggerOf(d, r),
    recoverAfterSamples: r.number(d.recoverAfterSamples, "recoverAfterSamples", int),
    repeatIntervalMs: d.remind
      ? r.number(d.repeatMin, "repeatIntervalMs", { scale: 60_000, integer: true })
      : null,
    evidenceWindowMs: r.number(d.evidenceMin, "evidenceWindowMs", { scale: 60_000, integer: true }),
    actions: d.actions.map((a, i) => actionSpecOf(a, `actions.${i}`, r)),
  };
  return Object.keys(r.errors).length ? { spec: null, errors: r.errors } : { spec, errors: {} };
}

/** The server's 400 details (`[{field, message}]`) as messages by field path. */
export function fieldErrorsOf(details: unknown, fallback: string): FieldErrors {
  const errors: FieldErrors = {};
  if (Array.isArray(details)) {
    for (const d of details as { field?: unknown; path?: unknown; message?: unknown }[]) {
      const field = Array.isArray(d.path) ? d.path.join(".") : String(d.field ?? d.path ?? "");
      const key = field === "body" ? "" : field;
      errors[key] = errors[key] ? `${errors[key]}; ${d.message}` : String(d.message);
    }
  }
  if (!Object.keys(errors).length) errors[""] = fallback;
  return errors;
}

/** The message for a field: its own, or one about a part of it ("actions.0.to.1"). */
export function errorAt(errors: FieldErrors, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const inner = Object.keys(errors).find((k) => k.startsWith(`${path}.`));
  return inner ? errors[inner] : undefined;
}
