// One action of the rule form, drawn from the server's action registry: the form descriptor
// (GET /api/alerts/action-types) says which inputs an action has and how each input's text
// becomes JSON, so no action type is named here. Pure functions: no signals, no fetches.
import type { ActionField, ActionForm, ActionSpec } from "../../api/wire.ts";
import { EVENT_KINDS, type EventKind } from "./alerts_types.ts";

export interface ActionDraft {
  type: string;
  /** The action type's form as the server described it; fields: [] when it is not known. */
  form: ActionForm;
  on: EventKind[];
  /** Blank: the server's default. */
  timeoutS: string;
  retries: string;
  retryBackoffS: string;
  /** Each field's input, by field name: text as typed, or a checkbox's state. */
  values: Record<string, string | boolean>;
  /** Settings no field shows (the form was not known): sent back as they came. */
  extra: Record<string, unknown>;
}

/** Reads number inputs, collecting a message per field that is blank or not a number. */
export class Reader {
  errors: Record<string, string> = {};
  number(value: string, path: string, options: { scale?: number; integer?: boolean } = {}) {
    const trimmed = value.trim();
    const n = Number(trimmed);
    if (trimmed === "" || !Number.isFinite(n)) {
      this.errors[path] = "enter a number";
      return 0;
    }
    const scaled = n * (options.scale ?? 1);
    if (options.integer && !Number.isInteger(scaled)) this.errors[path] = "enter a whole number";
    return options.integer ? Math.round(scaled) : scaled;
  }
  optionalNumber(value: string, path: string, options: { scale?: number; integer?: boolean }) {
    return value.trim() === "" ? undefined : this.number(value, path, options);
  }
}

/** The form of an action type, or a bare one when the server has not described it (yet). */
export function formFor(forms: readonly ActionForm[], type: string): ActionForm {
  return forms.find((f) => f.type === type) ??
    {
      type,
      label: type,
      defaults: { timeoutMs: 10_000, retries: 2, retryBackoffMs: 1000 },
      fields: [],
    };
}

function initialValue(field: ActionField): string | boolean {
  if (field.kind === "checkbox") return field.initial ?? false;
  if (field.kind === "select") return field.options?.[0]?.id ?? "";
  return "";
}

export function newActionDraft(form: ActionForm): ActionDraft {
  return {
    type: form.type,
    form,
    on: [...EVENT_KINDS],
    timeoutS: "",
    retries: "",
    retryBackoffS: "",
    values: Object.fromEntries(form.fields.map((f) => [f.name, initialValue(f)])),
    extra: {},
  };
}

const COMMON = new Set(["type", "on", "timeoutMs", "retries", "retryBackoffMs"]);
const text = (v: unknown) => (v === undefined || v === null ? "" : String(v));
const secondsText = (ms: unknown) => (typeof ms === "number" ? String(ms / 1000) : "");

/** A field's JSON value as its input shows it. */
function inputOf(field: ActionField, value: unknown): string | boolean {
  if (field.kind === "checkbox") return value === true;
  if (field.kind === "select") return text(value) || initialValue(field);
  switch (field.format ?? "text") {
    case "list":
      return Array.isArray(value) ? value.join(", ") : "";
    case "lines":
      return Array.isArray(value) ? value.join("\n") : "";
    case "headers":
      return Object.entries((value ?? {}) as Record<string, string>)
        .map(([k, v]) => `${k}: ${v}`).join("\n");
    default:
      return text(value);
  }
}

export function actionDraftOf(spec: ActionSpec, forms: readonly ActionForm[]): ActionDraft {
  const form = formFor(forms, spec.type);
  const raw = spec as unknown as Record<string, unknown>;
  const shown = new Set(form.fields.map((f) => f.name));
  return {
    ...newActionDraft(form),
    on: [...spec.on],
    timeoutS: secondsText(spec.timeoutMs),
    retries: text(spec.retries),
    retryBackoffS: secondsText(spec.retryBackoffMs),
    values: Object.fromEntries(form.fields.map((f) => [f.name, inputOf(f, raw[f.name])])),
    extra: Object.fromEntries(
      Object.entries(raw).filter(([k]) => !COMMON.has(k) && !shown.has(k)),
    ),
  };
}

const splitList = (value: string) => value.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
const splitLines = (value: string) => value.split("\n").map((s) => s.trim()).filter(Boolean);

function headersOf(value: string, path: string, r: Reader): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of splitLines(value)) {
    const colon = line.indexOf(":");
    if (colon < 1) {
      r.errors[path] = `"${line}" is not a "Name: value" header`;
      continue;
    }
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A field's input as JSON; undefined leaves the server's default (a blank optional text). */
function valueOf(field: ActionField, input: string | boolean, path: string, r: Reader): unknown {
  if (field.kind === "checkbox") return input === true;
  const value = typeof input === "string" ? input : "";
  if (field.kind === "select") return value;
  switch (field.format ?? "text") {
    case "list":
      return splitList(value);
    case "lines":
      return splitLines(value);
    case "headers":
      return headersOf(value, path, r);
  }
  if (field.kind === "number") {
    return field.required ? r.number(value, path) : r.optionalNumber(value, path, {});
  }
  return value.trim() || field.required ? value.trim() : undefined;
}

export function actionSpecOf(a: ActionDraft, path: string, r: Reader): Record<string, unknown> {
  const spec: Record<string, unknown> = { type: a.type, ...a.extra, on: a.on };
  const seconds = { scale: 1000, integer: true };
  const timeoutMs = r.optionalNumber(a.timeoutS, `${path}.timeoutMs`, seconds);
  const retries = r.optionalNumber(a.retries, `${path}.retries`, { integer: true });
  const backoffMs = r.optionalNumber(a.retryBackoffS, `${path}.retryBackoffMs`, seconds);
  if (timeoutMs !== undefined) spec.timeoutMs = timeoutMs;
  if (retries !== undefined) spec.retries = retries;
  if (backoffMs !== undefined) spec.retryBackoffMs = backoffMs;
  if (!a.on.length) r.errors[`${path}.on`] = "pick at least one event";
  for (const field of a.form.fields) {
    const value = valueOf(field, a.values[field.name] ?? "", `${path}.${field.name}`, r);
    if (value !== undefined) spec[field.name] = value;
  }
  return spec;
}
