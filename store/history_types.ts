// Long-term history queries: hop stats over any window, timelines at a chosen resolution, the
// all-targets summary, per-target insights and raw exports. The round port (types.ts RoundStore)
// carries these queries; enforceRetention belongs to the maintenance port.
//
// Resolutions: "raw" (one point per round), "1m" and "1h" (rollups kept incrementally as rounds
// are written). Rollups are kept per route: a route is identified by `routeId`, the id of the
// route change (StoredRouteChange.id) in force when the round started; 0 = the route before the
// first recorded change. Samples of an older route are never merged into the newer route's hops.
// Times are epoch milliseconds; ranges are [start, end). RTTs in results carry their unit in the
// name (Us = microseconds, Ms = milliseconds). Rollup figures are computed from whole RTTs in µs.
import type { HopStats } from "../engine/ground.ts";

export type Resolution = "raw" | "1m" | "1h";

/** The last `last` rounds, or a time range [start, end) in epoch ms. */
export type HistoryWindow = { last: number } | { start: number; end: number };

/** Engine hop stats plus percentiles (exact from raw rounds, histogram-estimated from rollups). */
export interface HistoryHopStats extends HopStats {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Hop stats of one route over the part of the window it was in force. */
export interface RouteHopStats {
  routeId: number;
  /** Start of the route's first and end of its last sample in the window (epoch ms). */
  from: number;
  to: number;
  hops: HistoryHopStats[];
}

export interface HopStatsResult {
  targetId: number;
  /** The coarsest resolution used to answer (edges of long windows may come from finer ones). */
  resolution: Resolution;
  /** The route in force at the end of the window (its hops are `hops`). */
  routeId: number;
  hops: HistoryHopStats[];
  /** Older routes seen in the window, newest first, kept apart from `hops`. */
  earlierRoutes: RouteHopStats[];
}

export interface TimelineQuery {
  /** A TTL, "last" (the destination, or the farthest hop when it never answered) or "all". */
  hop: number | "last" | "all";
  start: number;
  end: number;
  /** At most this many points per hop come back (>= 1). */
  maxPoints: number;
}

export interface TimelinePoint {
  /** Start of the round (raw) or of the bucket (epoch ms). */
  t: number;
  /** The route (see the file comment) of the newest sample in this point. */
  routeId: number;
  sent: number;
  lost: number;
  /** null when nothing was sent (only prober errors). */
  lossPct: number | null;
  /** null when nothing answered. */
  avgUs: number | null;
  minUs: number | null;
  maxUs: number | null;
  /** Percentile band ("smoke") from the rollup histogram; absent for raw points. */
  p5Us?: number | null;
  p25Us?: number | null;
  p50Us?: number | null;
  p75Us?: number | null;
  p95Us?: number | null;
}

export interface TimelineSeries {
  hop: number;
  points: TimelinePoint[];
}

export interface TimelineResult {
  targetId: number;
  resolution: Resolution;
  /** Width of one point: null for raw (one point per round), else 60000, 3600000 or a multiple. */
  bucketMs: number | null;
  start: number;
  end: number;
  series: TimelineSeries[];
}

export interface SummaryQuery {
  /** Rounds in the focus window of avg/min/cur/loss. Default 10, at most 100. */
  focusRounds?: number;
  /** Minutes of sparkline ending at the current minute. Default 60, at most 60. */
  sparklineMinutes?: number;
  /** Only this agent's measurements (one row per target); default: a row per target and agent. */
  agent?: string;
  /** Only these targets (unknown ids are ignored); default: every target. */
  targetIds?: readonly number[];
}

/**
 * One value per minute, oldest first: minute i starts at `start + i * stepMs`; null where nothing
 * was measured (avgUs also when nothing answered). Columns, not points: 5,000 rows of 60 points
 * as objects made most of the summary's time and bytes.
 */
export interface Sparkline {
  /** Epoch ms: start of the oldest minute. */
  start: number;
  stepMs: number;
  /**
   * The final hop's mean RTT of each minute, whole µs; NaN where nothing answered. Typed arrays
   * (views into one buffer per summary): 5,000 targets' 600,000 values then cross to another
   * thread as one copy, not one value at a time.
   */
  avgUs: Float64Array;
  /** The final hop's loss of each minute, 2 decimals; NaN where nothing was sent. */
  lossPct: Float64Array;
}

export interface TargetSummary {
  targetId: number;
  /** The agent whose measurements the row shows (null: no agent has measured the target). */
  agent: string | null;
  host: string;
  label: string | null;
  paused: boolean;
  /** Epoch ms of the newest stored round (null: none yet). */
  lastAt: number | null;
  /** Final hop over the focus window: the destination's answers, or loss when it did not. */
  sent: number;
  lost: number;
  lossPct: number | null;
  avgUs: number | null;
  minUs: number | null;
  /** The newest round's RTT; null when that round was lost (shown as ERR). */
  curUs: number | null;
  /** Mean absolute difference of consecutive answered RTTs (engine/stats.ts jitterUs). */
  jitterUs: number | null;
  /** The last hour's final hop, a value per minute. */
  sparkline: Sparkline;
}

export interface InsightsQuery {
  start: number;
  end: number;
}

export interface Insights {
  targetId: number;
  start: number;
  end: number;
  /** The coarsest resolution used; the whole window is always counted, never a subset. */
  resolution: Resolution;
  /** TTL of the final hop the figures are about (null: no data). */
  hop: number | null;
  sent: number;
  received: number;
  /** Share of minutes with probes in which the destination answered at least once. */
  uptimePct: number | null;
  lossPct: number | null;
  avgUs: number | null;
  minUs: number | null;
  maxUs: number | null;
  p50Us: number | null;
  p95Us: number | null;
  p99Us: number | null;
  /** Mean absolute difference of consecutive RTTs. */
  jitterUs: number | null;
  /** Hops of the route in force at the end of the window. */
  hopCount: number | null;
  routeChanges: number;
  /** ITU-T G.107 E-model estimate, 1 (bad) to 4.5 (excellent); null without answers. */
  mos: number | null;
  /**
   * The final hop's RTTs over the window in the rollups' fixed 64-bucket histogram (raw rounds
   * are counted into the same buckets): non-empty buckets only, lowest first. `upperUs` is the
   * exclusive upper bound, null for the open top bucket. The counts add up to `received`.
   */
  histogram: HistogramBucket[];
}

export interface HistogramBucket {
  lowerUs: number;
  upperUs: number | null;
  count: number;
}

export type ExportFormat = "csv" | "jsonl";

export interface ExportQuery {
  start: number;
  end: number;
  format: ExportFormat;
  /** Rounds read per page (default 2000): memory stays bounded by this, not by the range. */
  pageRounds?: number;
}

/** Retention of each tier in days (defaults: raw 3, 1-minute 30, 1-hour 1825). */
export interface RetentionOptions {
  rawDays?: number;
  minuteDays?: number;
  hourDays?: number;
}

export interface HistoryStore {
  /** Per-hop statistics over a window; `{last}` reads raw rounds, a range may use rollups. */
  hopStats(targetId: number, window: HistoryWindow): Promise<HopStatsResult>;
  /** Per-hop points over [start, end) at the finest resolution giving <= maxPoints points. */
  timeline(targetId: number, query: TimelineQuery): Promise<TimelineResult>;
  /** Every target's final hop over a focus window, plus a last-hour sparkline. */
  summary(query?: SummaryQuery): Promise<TargetSummary[]>;
  /** Whole-window figures for one target (rollups for long windows, never a truncated subset). */
  insights(targetId: number, query: InsightsQuery): Promise<Insights>;
  /**
   * Raw rounds of [start, end) as a byte stream, read page by page as it is consumed.
   * CSV: header `target_id,ts,time,seq,ttl,kind,ip,rtt_us,approximate,code,destination_reached`,
   * one line per hop of each round (ts epoch ms, time ISO 8601, rtt_us empty when nothing
   * answered). JSON Lines: one Round object (engine/types.ts) per line.
   */
  exportRounds(targetId: number, query: ExportQuery): ReadableStream<Uint8Array>;
  /** Runs one bounded retention step now (the writer loop also runs them on its own). */
  enforceRetention(options?: { maxRows?: number }): Promise<{ deletedRows: number; done: boolean }>;
}
