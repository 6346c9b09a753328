// The trace graph's own preferences, kept in the browser: its scale (automatic or a fixed
// maximum shared by every hop) and the width of its latency column (the user drags it).
import { signal } from "@preact/signals";

export type ScaleChoice = { kind: "auto" } | { kind: "fixed"; ms: number };

/** The latency column's width in px: null = take what the table leaves (the default). */
export const MIN_GRAPH_PX = 160;
export const MAX_GRAPH_PX = 1600;

function load<T>(key: string, valid: (v: unknown) => v is T, fallback: T): T {
  try {
    const raw = localStorage.getItem(`pingwatcher.${key}`);
    const value = raw === null ? fallback : JSON.parse(raw);
    return valid(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(`pingwatcher.${key}`, JSON.stringify(value));
  } catch {
    // Private mode or full storage: the preference just does not persist.
  }
}

function isScale(v: unknown): v is ScaleChoice {
  const o = v as ScaleChoice | null;
  return o?.kind === "auto" ||
    (o?.kind === "fixed" && typeof o.ms === "number" && o.ms > 0 && Number.isFinite(o.ms));
}

function isWidth(v: unknown): v is number | null {
  return v === null || (typeof v === "number" && v >= MIN_GRAPH_PX && v <= MAX_GRAPH_PX);
}

export const graphScale = signal<ScaleChoice>(load("graphScale", isScale, { kind: "auto" }));
export const graphWidthPx = signal<number | null>(load("graphWidth", isWidth, null));

/** A fixed scale must be a positive number of ms; anything else is refused with the reason. */
export function setGraphScale(next: ScaleChoice): string | null {
  if (!isScale(next)) return "the fixed scale must be a positive number of milliseconds";
  graphScale.value = next;
  save("graphScale", next);
  return null;
}

export function setGraphWidth(px: number | null): void {
  const next = px === null ? null : Math.round(Math.min(MAX_GRAPH_PX, Math.max(MIN_GRAPH_PX, px)));
  graphWidthPx.value = next;
  save("graphWidth", next);
}
