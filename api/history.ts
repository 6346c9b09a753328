// Reads of measured data for the API: the store's history queries (store/history_types.ts; every
// Store implements them), and the conversion of their microsecond fields to milliseconds.
import type { HistoryStore } from "../store/mod.ts";

export type HistoryQueries = Pick<HistoryStore, "hopStats" | "timeline" | "summary" | "insights">;

/**
 * The API speaks milliseconds: every `xxxUs` field becomes `xxxMs` (value / 1000), recursively.
 */
export function inMs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inMs);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith("Us") && (typeof v === "number" || v === null)) {
      out[key.slice(0, -2) + "Ms"] = v === null ? null : v / 1000;
    } else out[key] = inMs(v);
  }
  return out;
}
