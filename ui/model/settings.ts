// Preferences kept in the browser: theme, thresholds and recent targets (timeline comments are
// kept on the server: model/comments.ts).
import { effect, signal } from "@preact/signals";

export type Theme = "dark" | "light";

export interface Thresholds {
  warnMs: number;
  badMs: number;
  warnLossPct: number;
  badLossPct: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  warnMs: 100,
  badMs: 200,
  warnLossPct: 1,
  badLossPct: 10,
};

function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(`pingwatcher.${key}`);
    return raw === null ? fallback : { ...fallback, ...JSON.parse(raw) } as T;
  } catch {
    return fallback;
  }
}

function loadList<T>(key: string): T[] {
  try {
    const raw = JSON.parse(localStorage.getItem(`pingwatcher.${key}`) ?? "[]");
    return Array.isArray(raw) ? raw : [];
  } catch {
    return [];
  }
}

function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(`pingwatcher.${key}`, JSON.stringify(value));
  } catch {
    // Private mode or full storage: preferences just do not persist.
  }
}

function initialTheme(): Theme {
  const stored = localStorage.getItem("pingwatcher.theme");
  if (stored === "dark" || stored === "light") return stored;
  return matchMedia?.("(prefers-color-scheme: light)").matches ? "light" : "dark";
}

export const theme = signal<Theme>(initialTheme());
export const thresholds = signal<Thresholds>(load("thresholds", DEFAULT_THRESHOLDS));
export const recentHosts = signal<string[]>(loadList("recent"));

// Comments used to be kept here; they live on the server now (model/comments.ts).
try {
  localStorage.removeItem("pingwatcher.comments");
} catch {
  // Storage unavailable: nothing to clean.
}

effect(() => {
  document.documentElement.dataset.theme = theme.value;
  localStorage.setItem("pingwatcher.theme", theme.value);
});

export function toggleTheme(): void {
  theme.value = theme.value === "dark" ? "light" : "dark";
}

export function setThresholds(next: Thresholds): void {
  thresholds.value = next;
  save("thresholds", next);
}

export function rememberHost(host: string): void {
  recentHosts.value = [host, ...recentHosts.value.filter((h) => h !== host)].slice(0, 10);
  save("recent", recentHosts.value);
}

/** "good" | "warn" | "bad" for a hop or target, by latency and loss. */
export function grade(
  avgMs: number | null,
  lossPct: number | null,
  t: Thresholds = thresholds.value,
): "good" | "warn" | "bad" | "none" {
  if (avgMs === null && (lossPct === null || lossPct === 0)) return "none";
  if ((lossPct ?? 0) >= t.badLossPct || (avgMs ?? 0) >= t.badMs) return "bad";
  if ((lossPct ?? 0) >= t.warnLossPct || (avgMs ?? 0) >= t.warnMs) return "warn";
  return "good";
}
