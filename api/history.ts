// Reads of measured data for the API: the store's history queries (store/history_types.ts; every
// Store implements them), and the conversion of their microsecond fields to milliseconds.
import type { HistoryStore } from "../store/mod.ts";

export type HistoryQueries = Pick<HistoryStore, "hopStats" | "timeline" | "summary" | "insights">;

/** A value as `inMs` returns it: each `xxxUs` number field renamed `xxxMs`, recursively. */
export type InMs<T> = T extends readonly (infer E)[] ? InMs<E>[]
  : T extends object ? {
      [
        K in keyof T as K extends `${infer P}Us`
          ? T[K] extends number | null | undefined ? `${P}Ms` : K
          : K
      ]: T[K] extends number | null | undefined ? T[K] : InMs<T[K]>;
    }
  : T;

/**
 * The API speaks milliseconds: every `xxxUs` field becomes `xxxMs` (value / 1000), recursively.
 */
export function inMs<T>(value: T): InMs<T> {
  return convert(value) as InMs<T>;
}

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith("Us") && (typeof v === "number" || v === null)) {
      out[key.slice(0, -2) + "Ms"] = v === null ? null : v / 1000;
    } else out[key] = convert(v);
  }
  return out;
}
