// The HistoryStore on SQLite: rollups fed by the flush (FlushObserver), retention steps on the
// writer loop, and the history queries. openSqliteStore (store/sqlite.ts) wires these in.
import type { DatabaseSync } from "node:sqlite";
import { type Clock, log, type Round } from "../../engine/ground.ts";
import type {
  HistoryStore,
  HistoryWindow,
  HopStatsResult,
  Insights,
  InsightsQuery,
  Resolution,
  RetentionOptions,
  RouteHopStats,
  SummaryQuery,
  TargetSummary,
} from "../history_types.ts";
import { coverRange, createHistoryReader, gatherRoutes, type Segment } from "./history_read.ts";
import {
  checkBounded,
  checkLast,
  checkRange,
  insightFigures,
  rawHopStats,
  rollupHopStats,
} from "../history_stats.ts";
import { timeline } from "./history_timeline.ts";
import { createExporter } from "./export.ts";
import {
  createLatestState,
  finalHopOf,
  MAX_FOCUS_ROUNDS,
  MAX_SPARKLINE_MINUTES,
} from "./latest.ts";
import { SparklineArena } from "../sparkline.ts";
import { createRetention, cutoffOf, resolveRetention } from "./retention.ts";
import { emptyHop, mergeHop } from "../rollup_codec.ts";
import { createRollupWriter } from "./rollups.ts";
import { createRouteIndex } from "./route_index.ts";
import type { FlushObserver } from "./rounds.ts";
import type { RoundQuery } from "../types.ts";
import type { TargetHeads } from "./target_heads.ts";
import type { SqliteAgents } from "./agents.ts";

/** Windows up to this long are answered from raw rounds when they are retained. */
const RAW_SPAN_MS = 3 * 3_600_000;
/**
 * Windows up to this long are read from 1-minute rollups (plus raw edges), longer ones from hours
 * (plus minute and raw edges). Sums, counts, min/max and histograms merge exactly, so the coarser
 * tier changes only how many rows are read, not the figures.
 */
const MINUTE_SPAN_MS = 6 * 3_600_000;
/** Rows a retention step on the writer loop may delete (a few milliseconds of work). */
const RETENTION_STEP_ROWS = 5000;
/** Pause between sweeps once nothing old is left. */
const RETENTION_INTERVAL_MS = 60_000;
const RESOLUTION_RANK: Record<Resolution, number> = { raw: 0, "1m": 1, "1h": 2 };

export interface SqliteHistoryDeps {
  clock: Clock;
  run: <T>(work: () => T) => Promise<T>;
  /** Raw rounds including those still queued (the round store's read). */
  readRounds: (targetId: number, query: RoundQuery) => Round[];
  retention?: RetentionOptions;
  /** Every target's head (the summary's rows). */
  heads: TargetHeads;
  /** Who wrote the file's rounds (the summary marks its rows with the name). */
  agents: Pick<SqliteAgents, "recorded" | "knows">;
}

export function createSqliteHistory(db: DatabaseSync, deps: SqliteHistoryDeps) {
  const { clock, run } = deps;
  const retentionConfig = resolveRetention(deps.retention);
  const routes = createRouteIndex(db);
  const rollups = createRollupWriter(db, routes, clock);
  const latest = createLatestState(
    db,
    (targetId, since) => rollups.pending("1m", targetId, since, Infinity),
  );
  const reader = createHistoryReader(db, (...args) => rollups.pending(...args));
  const retention = createRetention(db, retentionConfig);
  const sql = {
    routeChanges: db.prepare(
      "SELECT count(*) AS n FROM route_changes WHERE target_id = ? AND at >= ? AND at < ?",
    ),
  };
  let nextRetentionAt = -Infinity;

  const retained = (tier: Resolution, ts: number) =>
    ts >= cutoffOf(tier, retentionConfig, clock.now());

  const observer: FlushObserver = {
    beforeFlush: () => rollups.recoverIfNeeded(),
    stored: (entry) => rollups.add(entry),
    beforeCommit: () => rollups.write(),
    committed() {
      const { rounds, minutes } = rollups.committed();
      latest.observe(rounds, minutes);
    },
    rolledBack: () => rollups.rolledBack(),
    forget(targetId) {
      rollups.forget(targetId);
      latest.forget(targetId);
      routes.forget(targetId);
    },
  };

  /** After the route change row is stored: later rounds go to it, earlier-filed ones move. */
  function routeRecorded(change: { id: number; targetId: number; at: number }): void {
    routes.added(change.targetId, { id: change.id, at: change.at });
    try {
      rollups.rebuildFrom(change.targetId, change.at);
    } catch (error) {
      log.warn("store: could not re-file rounds after a route change", { error: String(error) });
    }
    latest.forget(change.targetId);
  }

  /**
   * Called by the writer loop after each flush: rollups due without a round (the targets went
   * quiet), and a bounded retention step when one is due.
   */
  function maintain(): void {
    try {
      rollups.writeDue();
    } catch (error) {
      log.warn("store: writing rollups failed", { error: String(error) });
    }
    const now = clock.now();
    if (now < nextRetentionAt) return;
    try {
      const { done } = retention.step(now, RETENTION_STEP_ROWS);
      nextRetentionAt = done ? now + RETENTION_INTERVAL_MS : now;
    } catch (error) {
      nextRetentionAt = now + RETENTION_INTERVAL_MS;
      log.warn("store: retention step failed", { error: String(error) });
    }
  }

  function segmentsFor(start: number, end: number): Segment[] {
    const span = end - start;
    const base = span <= MINUTE_SPAN_MS ? "1m" : "1h";
    return coverRange(start, end, base, (tier) => cutoffOf(tier, retentionConfig, clock.now()));
  }

  function coarsest(segments: Segment[]): Resolution {
    return segments.reduce<Resolution>(
      (worst, s) => RESOLUTION_RANK[s.tier] > RESOLUTION_RANK[worst] ? s.tier : worst,
      "raw",
    );
  }

  function rawWindowStats(targetId: number, window: HistoryWindow): HopStatsResult {
    const rounds = deps.readRounds(targetId, window);
    const groups = new Map<number, Round[]>();
    for (const round of rounds) {
      const routeId = routes.routeAt(targetId, round.startedAt);
      let list = groups.get(routeId);
      if (!list) groups.set(routeId, list = []);
      list.push(round);
    }
    const stats: RouteHopStats[] = [...groups].map(([routeId, list]) => ({
      routeId,
      from: list[0].startedAt,
      to: list[list.length - 1].startedAt + 1,
      hops: rawHopStats(list),
    }));
    return routeResult(targetId, "raw", stats);
  }

  function routeResult(targetId: number, resolution: Resolution, stats: RouteHopStats[]) {
    stats.sort((a, b) => routes.order(targetId, b.routeId) - routes.order(targetId, a.routeId));
    const [current, ...earlierRoutes] = stats;
    return {
      targetId,
      resolution,
      routeId: current?.routeId ?? routes.routeAt(targetId, clock.now()),
      hops: current?.hops ?? [],
      earlierRoutes,
    };
  }

  function hopStats(targetId: number, window: HistoryWindow): HopStatsResult {
    if ("last" in window) return rawWindowStats(targetId, checkLast(window.last));
    const { start, end } = checkRange(window);
    if (end - start <= RAW_SPAN_MS && retained("raw", start)) {
      return rawWindowStats(targetId, { start, end });
    }
    const segments = segmentsFor(start, end);
    const byRoute = gatherRoutes(reader, routes, targetId, segments);
    const stats = [...byRoute.values()].map((agg) => ({
      routeId: agg.routeId,
      from: agg.from,
      to: agg.to,
      hops: rollupHopStats(agg.hops, {
        route: routes.path(agg.routeId),
        path: pathIps(agg.pathId),
      }),
    }));
    return routeResult(targetId, coarsest(segments), stats);
  }

  const pathRow = db.prepare("SELECT hops FROM paths WHERE id = ?");
  function pathIps(pathId: number): (string | null)[] | null {
    const row = pathRow.get(pathId) as { hops: string } | undefined;
    return row ? JSON.parse(row.hops) : null;
  }

  function insights(targetId: number, query: InsightsQuery): Insights {
    const { start, end } = checkRange(query);
    const segments = end - start <= RAW_SPAN_MS && retained("raw", start)
      ? [{ tier: "raw" as const, start, end }]
      : segmentsFor(start, end);
    const byRoute = [...gatherRoutes(reader, routes, targetId, segments).values()]
      .sort((a, b) => routes.order(targetId, a.routeId) - routes.order(targetId, b.routeId));
    const final = emptyHop(0);
    for (const agg of byRoute) {
      const hop = finalHopOf(agg.hops.values());
      if (hop) mergeHop(final, hop);
    }
    const current = byRoute.at(-1);
    const hop = current ? finalHopOf(current.hops.values())?.ttl ?? null : null;
    const changes = (sql.routeChanges.get(targetId, start, end) as { n: number }).n;
    return insightFigures(final, {
      targetId,
      start,
      end,
      resolution: coarsest(segments),
      hop,
      changes,
    });
  }

  function summary(query: SummaryQuery = {}): TargetSummary[] {
    const focusRounds = checkBounded("focusRounds", query.focusRounds ?? 10, MAX_FOCUS_ROUNDS);
    const sparklineMinutes = checkBounded(
      "sparklineMinutes",
      query.sparklineMinutes ?? MAX_SPARKLINE_MINUTES,
      MAX_SPARKLINE_MINUTES,
    );
    const now = clock.now();
    // One agent per file: a row per target, marked with the writer once it has measured.
    const writer = deps.agents.recorded()?.name ?? null;
    if (query.agent !== undefined && !deps.agents.knows(query.agent)) return [];
    const all = deps.heads.all();
    const only = query.targetIds && new Set(query.targetIds);
    const rows = only ? all.filter((row) => only.has(row.id)) : all;
    const arena = new SparklineArena(rows.length, sparklineMinutes);
    return rows.map((row) => {
      const f = latest.figures(row.id, { focusRounds, sparklineMinutes, now, arena });
      // Field by field: spreading the figures after the head took V8's slow path, per row.
      return {
        targetId: row.id,
        agent: query.agent ?? (f.lastAt === null ? null : writer),
        host: row.host,
        label: row.label,
        paused: row.paused,
        lastAt: f.lastAt,
        sent: f.sent,
        lost: f.lost,
        lossPct: f.lossPct,
        avgUs: f.avgUs,
        minUs: f.minUs,
        curUs: f.curUs,
        jitterUs: f.jitterUs,
        sparkline: f.sparkline,
      };
    });
  }

  const exportRounds = createExporter(db, run);

  const queries: HistoryStore = {
    hopStats: (targetId, window) => run(() => hopStats(targetId, window)),
    timeline: (targetId, query) =>
      run(() =>
        timeline(
          {
            reader,
            routes,
            retained,
            readRounds: (id, range) => deps.readRounds(id, range),
          },
          targetId,
          query,
        )
      ),
    summary: (query) => run(() => summary(query)),
    insights: (targetId, query) => run(() => insights(targetId, query)),
    exportRounds,
    enforceRetention: (options = {}) =>
      run(() => retention.step(clock.now(), options.maxRows ?? RETENTION_STEP_ROWS)),
  };
  /** The store is closing: every bucket with rounds its row lacks is written (no mark is left). */
  const closeRollups = () => rollups.writeAll();

  return { queries, observer, routeRecorded, maintain, closeRollups };
}
