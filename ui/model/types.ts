// The shapes views work with. Where a view shows the server's answer as it is, the shape is the
// wire type from api/wire.ts (types only); where it transforms it (timeline bands, summary
// sparklines), a normaliser here takes the wire type in and gives the view's shape out.
import type {
  ConfigurationJson,
  HopReply,
  Protocol,
  RouteChange,
  Session,
  SummaryRow as WireSummaryRow,
  TargetView,
  TimelinePoint as WireTimelinePoint,
  UptimeFigures,
} from "../../api/wire.ts";

export type { Protocol, Session };

/** A target as GET /api/targets lists it (interval in seconds). */
export type Target = TargetView;
/** A hop of the trace graph: the engine's statistics in ms, with its reverse-DNS name. */
export type Hop = HopReply;
export type RouteChangeEntry = RouteChange;
export type Configuration = ConfigurationJson;

export interface TimelinePoint {
  t: number;
  /** Probes in this point (0: nothing was sent, e.g. only prober errors). */
  sent: number;
  avgMs: number | null;
  lossPct: number;
  lowMs: number | null;
  highMs: number | null;
}

export interface SummaryRow {
  /** One row per target and agent: `id` and `agent` together. */
  key: string;
  id: number;
  /** The agent whose measurements the row shows (null: none measured the target yet). */
  agent: string | null;
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
  /** Uptime from outages over 24 h / 7 d / 30 d (null: an older server without outages). */
  uptime: UptimeFigures | null;
  /** In an outage now. */
  inOutage: boolean;
}

/** The hop as the trace graph draws it: an answering address is always among `ips`. */
export function toHop(o: HopReply): Hop {
  const ip = o.ip ?? o.ips[0] ?? null;
  return { ...o, ip, ips: o.ips.length ? o.ips : ip ? [ip] : [] };
}

export function toTimelinePoint(o: WireTimelinePoint): TimelinePoint {
  return {
    t: o.t,
    sent: o.sent ?? 0,
    avgMs: o.avgMs ?? o.p50Ms ?? null,
    lossPct: o.lossPct ?? 0,
    // The band comes from rollup percentiles only: raw points have none.
    lowMs: o.p5Ms ?? o.p25Ms ?? null,
    highMs: o.p95Ms ?? o.p75Ms ?? null,
  };
}

/** A summary row; a target without stored rounds yet has no figures and an empty sparkline. */
export function toSummaryRow(o: WireSummaryRow): SummaryRow {
  const spark = o.sparkline;
  const agent = o.agent ?? null;
  return {
    key: agent === null ? String(o.id) : `${o.id}@${agent}`,
    id: o.id,
    agent,
    host: o.host,
    label: o.label,
    avgMs: o.avgMs ?? null,
    minMs: o.minMs ?? null,
    curMs: o.curMs ?? null,
    lossPct: o.lossPct ?? null,
    jitterMs: o.jitterMs ?? null,
    sent: o.sent ?? 0,
    spark: spark?.avgMs ?? [],
    sparkLoss: spark?.lossPct.map((pct) => (pct ?? 0) > 0) ?? [],
    paused: o.paused,
    uptime: o.uptime ?? null,
    inOutage: !!o.outage,
  };
}
