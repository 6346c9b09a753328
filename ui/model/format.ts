// Formatting helpers: every number, time and name the UI shows goes through here.
import type { ConfigurationJson } from "../../api/wire.ts";

export const NO_NAME = "----------";

/** Milliseconds with precision that fits the size: 0.123, 12.3, 123. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toString();
}

/** The current sample: `ERR` when it was lost. */
export function formatCurrent(ms: number | null | undefined, sent = 1): string {
  if (!sent) return "-";
  return ms === null || ms === undefined ? "ERR" : formatMs(ms);
}

export function formatPct(pct: number | null | undefined, digits = 1): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return "-";
  if (pct === 0) return "0";
  return pct.toFixed(pct >= 10 ? Math.min(digits, 1) : digits);
}

export function formatName(name: string | null | undefined): string {
  return name ? name : NO_NAME;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local wall-clock time: 14:03:22, with the date when it is not today. */
export function formatTime(epochMs: number, now = Date.now()): string {
  const d = new Date(epochMs);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/**
 * A time range that always says both ends: the end gets its date whenever it is not on the
 * start's day (a 7-day session must not read "22:02:00 – 22:02:00").
 */
export function formatRange(startMs: number, endMs: number, now = Date.now()): string {
  const start = formatTime(startMs, now);
  const sameDay = new Date(startMs).toDateString() === new Date(endMs).toDateString();
  if (sameDay) {
    const end = formatTime(endMs, now);
    return `${start} – ${end.includes(" ") ? end.slice(end.indexOf(" ") + 1) : end}`;
  }
  // Different days: the end with its date, even when that day is today.
  return `${start} – ${formatTime(endMs, endMs + 2 * 86_400_000)}`;
}

/** A local calendar day ("2026-11-21") as the epoch ms range [start, end) of that day. */
export function dayRange(day: string): { start: number; end: number } | null {
  const m = day.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m) return null;
  const start = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1).getTime();
  return Number.isFinite(start) ? { start, end } : null;
}

/** 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** For datetime-local inputs (local time, minute precision). */
export function toLocalInput(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${
    pad(d.getMinutes())
  }`;
}

/** A "nice" axis maximum at or above `value`: 1, 2, 5 × 10^n. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 5, 10]) if (step * exp >= value) return step * exp;
  return 10 * exp;
}

export function describeRoute(path: string[][]): string {
  return path.map((ips, i) => `${i + 1}:${ips.length ? ips.join("|") : "*"}`).join("  ");
}

/** "5 s · ICMP · 56 B · 30 hops · timeout 3 s" from a configuration's options. */
export function describeOptions(o: ConfigurationJson["options"]): string {
  const parts: string[] = [];
  if (o.interval !== undefined) parts.push(`every ${o.interval} s`);
  if (o.protocol !== undefined) parts.push(String(o.protocol).toUpperCase());
  if (o.port) parts.push(`port ${o.port}`);
  if (o.packetSize !== undefined) parts.push(`${o.packetSize} B`);
  if (o.maxHops !== undefined) parts.push(`${o.maxHops} hops`);
  if (o.timeout !== undefined) parts.push(`timeout ${o.timeout} s`);
  if (o.finalHopOnly) parts.push("final hop only");
  return parts.join(" · ");
}
