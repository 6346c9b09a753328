// The shapes views work with, and the normalisers that turn server JSON into them. What the
// client sends, and the wire's own enums, come from api/wire.ts (types only).
import type { Protocol } from "../../api/wire.ts";

export type { Protocol };

export interface Target {
  id: number;
  host: string;
  label: string | null;
  intervalS: number;
  protocol: Protocol;
  configuration: string | null;
  paused: boolean;
  replay: boolean;
  raw: Record<string, unknown>;
}

export interface Hop {
  hop: number;
  ip: string | null;
  ips: string[];
  dns: string | null;
  sent: number;
  received: number;
  lossPct: number | null;
  avgMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  curMs: number | null;
  jitterMs: number | null;
  approximate: boolean;
  lossNotCarried: boolean;
}

export interface TimelinePoint {
  t: number;
  avgMs: number | null;
  lossPct: number;
  lowMs: number | null;
  highMs: number | null;
}

export interface SummaryRow {
  id: number;
  host: string;
  label: string | null;
  avgMs: number | null;
  minMs: number | null;
  curMs: number | null;
  lossPct: number | null;
  jitterMs: number | null;
  sent: number;
  /** One point per minute of the last hour (null: nothing answered). */
  spark: (number | null)[];
  /** Minutes with loss. */
  sparkLoss: boolean[];
  paused: boolean;
}

export interface RouteChangeEntry {
  id: number | string;
  at: number;
  before: string[][];
  after: string[][];
}

export interface Session {
  id: number;
  targetId: number;
  name: string;
  start: number;
  end: number;
}

export interface Configuration {
  id: number;
  name: string;
  options: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** Seconds from `interval` (seconds) or `intervalMs`. */
function seconds(o: Json, key: string): number | null {
  const s = num(o[key]);
  if (s !== null) return s;
  const ms = num(o[`${key}Ms`]);
  return ms === null ? null : ms / 1000;
}

export function toTarget(o: Json): Target {
  const options = (o.options ?? {}) as Json;
  return {
    id: Number(o.id),
    host: String(o.host ?? ""),
    label: str(o.label),
    intervalS: seconds(o, "interval") ?? seconds(options, "interval") ?? 2.5,
    protocol: (str(o.protocol) ?? str(options.protocol) ?? "icmp") as Protocol,
    configuration: str(o.configuration),
    paused: o.paused === true || o.state === "paused",
    replay: o.replay === true,
    raw: o,
  };
}

export function toHop(o: Json): Hop {
  const ips = Array.isArray(o.ips) ? (o.ips as string[]) : [];
  const ip = str(o.ip) ?? ips[0] ?? null;
  return {
    hop: Number(o.hop ?? o.ttl),
    ip,
    ips: ips.length ? ips : ip ? [ip] : [],
    dns: str(o.dns) ?? str(o.name) ?? str(o.hostname),
    sent: num(o.sent) ?? 0,
    received: num(o.received) ?? 0,
    lossPct: num(o.lossPct),
    avgMs: num(o.avgMs),
    minMs: num(o.minMs),
    maxMs: num(o.maxMs),
    curMs: num(o.curMs),
    jitterMs: num(o.jitterMs),
    approximate: o.approximate === true,
    lossNotCarried: o.lossNotCarried === true || o.rateLimited === true,
  };
}

function pick(o: Json, keys: string[]): number | null {
  for (const k of keys) {
    const v = num(o[k]);
    if (v !== null) return v;
  }
  return null;
}

export function toTimelinePoint(o: Json): TimelinePoint {
  return {
    t: pick(o, ["t", "at", "time", "start", "startedAt", "bucket"]) ?? 0,
    avgMs: pick(o, ["avgMs", "rttMs", "ms", "p50Ms", "medianMs"]),
    lossPct: pick(o, ["lossPct"]) ?? 0,
    // The band comes from rollup percentiles only: raw points have none.
    lowMs: pick(o, ["p5Ms", "p25Ms"]),
    highMs: pick(o, ["p95Ms", "p75Ms"]),
  };
}

export function toSummaryRow(o: Json): SummaryRow {
  const points = (Array.isArray(o.sparkline) ? o.sparkline : []) as unknown[];
  const spark = points.map((p) => typeof p === "number" ? p : num((p as Json | null)?.avgMs));
  const sparkLoss = points.map((p) => (num((p as Json | null)?.lossPct) ?? 0) > 0);
  return {
    id: Number(o.id ?? o.targetId),
    host: String(o.host ?? ""),
    label: str(o.label),
    avgMs: num(o.avgMs),
    minMs: num(o.minMs),
    curMs: num(o.curMs),
    lossPct: num(o.lossPct),
    jitterMs: num(o.jitterMs),
    sent: num(o.sent) ?? 0,
    spark,
    sparkLoss,
    paused: o.paused === true,
  };
}

export function toRouteChange(o: Json, i: number): RouteChangeEntry {
  return {
    id: (o.id as number) ?? i,
    at: num(o.at) ?? 0,
    before: (o.before ?? []) as string[][],
    after: (o.after ?? []) as string[][],
  };
}

export function toSession(o: Json): Session {
  return {
    id: Number(o.id),
    targetId: Number(o.targetId),
    name: String(o.name ?? ""),
    start: num(o.start) ?? 0,
    end: num(o.end) ?? 0,
  };
}

export function toConfiguration(o: Json): Configuration {
  return { id: Number(o.id), name: String(o.name), options: (o.options ?? o) as Json };
}
