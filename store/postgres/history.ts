// The HistoryStore on PostgreSQL: the same windows, tiers and figures as store/sqlite/history.ts,
// computed by the same shared code (gatherRoutes, timeline) over rows fetched with replay.ts.
import { log, type Round } from "../../engine/ground.ts";
import type {
  ExportQuery,
  HistoryStore,
  HistoryWindow,
  HopStatsResult,
  Insights,
  InsightsQuery,
  Resolution,
  RouteHopStats,
  SummaryQuery,
  TargetSummary,
} from "../history_types.ts";
import {
  checkBounded,
  checkLast,
  checkRange,
  insightFigures,
  rawHopStats,
  rollupHopStats,
} from "../history_stats.ts";
import { cutoffOf, type ResolvedRetention, type RetentionTier } from "../retention_policy.ts";
import { emptyHop, mergeHop } from "../rollup_codec.ts";
import type { Tier } from "../rollup_math.ts";
import {
  coverRange,
  CSV_HEADER,
  csvLines,
  finalHopOf,
  gatherRoutes,
  type HistoryReader,
  jsonLine,
  MAX_FOCUS_ROUNDS,
  MAX_SPARKLINE_MINUTES,
  type RollupRow,
  type Segment,
  timeline,
} from "../sqlite/mod.ts";
import { decodeHops } from "../codec.ts";
import { checkExport } from "../export_query.ts";
import type { Sql } from "./connect.ts";
import type { PgLatest } from "./latest.ts";
import { SparklineArena } from "../sparkline.ts";
import { fetchCache, replay } from "./replay.ts";
import type { PgRouteIndex } from "./routes.ts";
import type { PgRounds } from "./rounds.ts";

const RAW_SPAN_MS = 3 * 3_600_000;
const MINUTE_SPAN_MS = 6 * 3_600_000;
const RESOLUTION_RANK: Record<Resolution, number> = { raw: 0, "1m": 1, "1h": 2 };
const TABLE: Record<Tier, string> = { "1m": "rollup_1m", "1h": "rollup_1h" };
const DEFAULT_PAGE_ROUNDS = 2000;

type RawRow = {
  ts: number;
  seq: number;
  path_id: number;
  data: Uint8Array;
  hops: string;
  address: string;
};

export interface PgHistoryDeps {
  clock: { now(): number };
  retention: ResolvedRetention;
  routes: PgRouteIndex;
  latest: PgLatest;
  rounds: PgRounds;
  /** Rejects once the store is closed or could not be opened. */
  ready: () => Promise<void>;
  /**
   * Whether this store writes the series: what is kept in memory of another agent's series
   * (which it never sees written) is read again when older than FOREIGN_REFRESH_MS.
   */
  isOwn: (seriesId: number) => boolean;
}

/** How old the summary's memory of another agent's series may get before it is read again. */
export const FOREIGN_REFRESH_MS = 5000;

export function createPgHistory(sql: Sql, deps: PgHistoryDeps) {
  const { clock, routes, latest, rounds } = deps;
  const foreignLoadedAt = new Map<number, number>();
  const cutoff = (tier: RetentionTier) => cutoffOf(tier, deps.retention, clock.now());
  const retained = (tier: Resolution, ts: number) => ts >= cutoff(tier);

  /** A HistoryReader over one call's fetch cache (replay.ts). */
  function reader(): HistoryReader & { pathIps(pathId: number): (string | null)[] | null } {
    const cache = fetchCache();
    const decode = (targetId: number, rows: RawRow[]) => {
      const ips = new Map<string, (string | null)[]>();
      return rows.map((row) => {
        let path = ips.get(row.hops);
        if (!path) ips.set(row.hops, path = JSON.parse(row.hops) as (string | null)[]);
        const { ts, seq, path_id: pathId, address } = row;
        return { targetId, ts, seq, pathId, address, ...decodeHops(row.data, path) };
      });
    };
    return {
      *rawRange(targetId: number, start: number, end: number) {
        yield* cache.get(`raw/${targetId}/${start}/${end}`, async () =>
          decode(
            targetId,
            await sql<RawRow[]>`SELECT s.ts, s.seq, s.path_id, s.data, p.hops, p.address
              FROM samples s JOIN paths p ON p.id = s.path_id WHERE s.target_id = ${targetId}
              AND s.ts >= ${start} AND s.ts < ${end} ORDER BY s.ts, s.seq`,
          ));
      },
      rawLast(targetId: number, last: number) {
        return cache.get(`last/${targetId}/${last}`, async () =>
          decode(
            targetId,
            (await sql<RawRow[]>`SELECT s.ts, s.seq, s.path_id, s.data, p.hops, p.address
              FROM samples s JOIN paths p ON p.id = s.path_id WHERE s.target_id = ${targetId}
              ORDER BY s.ts DESC, s.seq DESC LIMIT ${last}`).reverse(),
          ));
      },
      countRaw(targetId: number, start: number, end: number, limit: number) {
        return cache.get(`count/${targetId}/${start}/${end}/${limit}`, async () => {
          const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::float8 AS n FROM (
            SELECT 1 FROM samples WHERE target_id = ${targetId} AND ts >= ${start}
            AND ts < ${end} LIMIT ${limit}) s`;
          return n;
        });
      },
      rollupRows(tier: Tier, targetId: number, start: number, end: number) {
        return cache.get(
          `${tier}/${targetId}/${start}/${end}`,
          () =>
            sql<RollupRow[]>`SELECT bucket, route_id AS "routeId", path_id AS "pathId", data
            FROM ${sql(TABLE[tier])} WHERE target_id = ${targetId} AND bucket >= ${start}
            AND bucket < ${end} ORDER BY bucket`,
        );
      },
      pathIps(pathId: number) {
        return cache.get(`path/${pathId}`, async () => {
          const [row] = await sql<{ hops: string }[]>`SELECT hops FROM paths WHERE id = ${pathId}`;
          return row ? JSON.parse(row.hops) as (string | null)[] : null;
        });
      },
    };
  }

  function segmentsFor(start: number, end: number): Segment[] {
    const base = end - start <= MINUTE_SPAN_MS ? "1m" : "1h";
    return coverRange(start, end, base, cutoff);
  }

  function coarsest(segments: Segment[]): Resolution {
    return segments.reduce<Resolution>(
      (worst, s) => RESOLUTION_RANK[s.tier] > RESOLUTION_RANK[worst] ? s.tier : worst,
      "raw",
    );
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

  async function rawWindowStats(targetId: number, window: HistoryWindow) {
    const list = await rounds.read(targetId, window);
    await routes.load([targetId]);
    const groups = new Map<number, Round[]>();
    for (const round of list) {
      const routeId = routes.routeAt(targetId, round.startedAt);
      let group = groups.get(routeId);
      if (!group) groups.set(routeId, group = []);
      group.push(round);
    }
    const stats: RouteHopStats[] = [...groups].map(([routeId, group]) => ({
      routeId,
      from: group[0].startedAt,
      to: group[group.length - 1].startedAt + 1,
      hops: rawHopStats(group),
    }));
    return routeResult(targetId, "raw", stats);
  }

  async function hopStats(targetId: number, window: HistoryWindow): Promise<HopStatsResult> {
    if ("last" in window) return await rawWindowStats(targetId, checkLast(window.last));
    const { start, end } = checkRange(window);
    if (end - start <= RAW_SPAN_MS && retained("raw", start)) {
      return await rawWindowStats(targetId, { start, end });
    }
    const segments = segmentsFor(start, end);
    const read = reader();
    return await replay(() => {
      const byRoute = gatherRoutes(read, routes, targetId, segments);
      const stats = [...byRoute.values()].map((agg) => ({
        routeId: agg.routeId,
        from: agg.from,
        to: agg.to,
        hops: rollupHopStats(agg.hops, {
          route: routes.path(agg.routeId),
          path: read.pathIps(agg.pathId),
        }),
      }));
      return routeResult(targetId, coarsest(segments), stats);
    });
  }

  async function insights(targetId: number, query: InsightsQuery): Promise<Insights> {
    const { start, end } = checkRange(query);
    const segments = end - start <= RAW_SPAN_MS && retained("raw", start)
      ? [{ tier: "raw" as const, start, end }]
      : segmentsFor(start, end);
    const [{ n: changes }] = await sql<{ n: number }[]>`SELECT count(*)::float8 AS n
      FROM route_changes WHERE target_id = ${targetId} AND at >= ${start} AND at < ${end}`;
    const read = reader();
    return await replay(() => {
      const byRoute = [...gatherRoutes(read, routes, targetId, segments).values()]
        .sort((a, b) => routes.order(targetId, a.routeId) - routes.order(targetId, b.routeId));
      const final = emptyHop(0);
      for (const agg of byRoute) {
        const hop = finalHopOf(agg.hops.values());
        if (hop) mergeHop(final, hop);
      }
      const current = byRoute.at(-1);
      const hop = current ? finalHopOf(current.hops.values())?.ttl ?? null : null;
      return insightFigures(final, {
        targetId,
        start,
        end,
        resolution: coarsest(segments),
        hop,
        changes,
      });
    });
  }

  async function summary(query: SummaryQuery = {}): Promise<TargetSummary[]> {
    const focusRounds = checkBounded("focusRounds", query.focusRounds ?? 10, MAX_FOCUS_ROUNDS);
    const sparklineMinutes = checkBounded(
      "sparklineMinutes",
      query.sparklineMinutes ?? MAX_SPARKLINE_MINUTES,
      MAX_SPARKLINE_MINUTES,
    );
    const now = clock.now();
    // A row per target and agent that measured it (or per target, for one agent); a target no
    // agent measured yet still gets its row (figures empty: no series id is negative).
    const agentSeries = query.agent === undefined
      ? sql`LEFT JOIN (series s JOIN agents a ON a.id = s.agent_id) ON s.target_id = t.id`
      : sql`LEFT JOIN (series s JOIN agents a ON a.id = s.agent_id AND a.name = ${query.agent})
          ON s.target_id = t.id`;
    const rows = await sql<
      {
        id: number;
        host: string;
        label: string | null;
        paused: boolean;
        series_id: number | null;
        agent: string | null;
      }[]
    >`SELECT t.id, t.host, t.label, t.paused, s.id AS series_id, a.name AS agent
      FROM targets t ${agentSeries}
      ${query.targetIds ? sql`WHERE t.id = ANY(${[...query.targetIds]}::bigint[])` : sql``}
      ORDER BY t.id, a.name NULLS FIRST`;
    const seriesOf = (row: { id: number; series_id: number | null }) => row.series_id ?? -row.id;
    const stale: number[] = [];
    for (const { series_id: id } of rows) {
      if (id === null || deps.isOwn(id)) continue;
      const at = foreignLoadedAt.get(id);
      if (at !== undefined && now >= at && now - at < FOREIGN_REFRESH_MS) continue;
      stale.push(id);
      foreignLoadedAt.set(id, now);
    }
    await latest.reload(stale, focusRounds, now);
    await latest.prepare(rows.map(seriesOf), focusRounds, now);
    const arena = new SparklineArena(rows.length, sparklineMinutes);
    return rows.map((row) => ({
      targetId: row.id,
      agent: query.agent ?? (row.series_id === null ? null : row.agent),
      host: row.host,
      label: row.label,
      paused: row.paused,
      ...latest.figures(seriesOf(row), { focusRounds, sparklineMinutes, now, arena }),
    }));
  }

  /**
   * Streams the rounds of series `series()` (resolved when the first page is read), marked as
   * target `targetId`.
   */
  function exportSeries(
    targetId: number,
    query: ExportQuery,
    series: () => Promise<number>,
  ): ReadableStream<Uint8Array> {
    const { start, end, format } = checkExport(query);
    const pageRounds = query.pageRounds ?? DEFAULT_PAGE_ROUNDS;
    const encoder = new TextEncoder();
    let after = { ts: start, seq: Number.MIN_SAFE_INTEGER };
    let headerSent = format !== "csv";
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(CSV_HEADER));
          return;
        }
        await deps.ready();
        const id = await series();
        const rows = await sql<{ ts: number; seq: number; path_id: number; data: Uint8Array }[]>`
          SELECT ts, seq, path_id, data FROM samples WHERE target_id = ${id}
          AND (ts, seq) > (${after.ts}::float8, ${after.seq}::float8) AND ts < ${end}
          ORDER BY ts, seq LIMIT ${pageRounds}`;
        const page = (await rounds.toRounds(id, rows)).map((round) => ({ ...round, targetId }));
        if (page.length === 0) {
          controller.close();
          return;
        }
        const last = page[page.length - 1];
        after = { ts: last.startedAt, seq: last.seq };
        controller.enqueue(
          encoder.encode(page.map(format === "csv" ? csvLines : jsonLine).join("")),
        );
      },
    }, { highWaterMark: 0 });
  }

  const guard = <A extends unknown[], T>(work: (...args: A) => Promise<T>) =>
  async (
    ...args: A
  ): Promise<T> => {
    await deps.ready();
    return await work(...args);
  };

  const queries: Omit<HistoryStore, "enforceRetention"> = {
    hopStats: guard(hopStats),
    timeline: guard(async (targetId, query) => {
      const read = reader();
      const cache = fetchCache();
      return await replay(() =>
        timeline(
          {
            reader: read,
            routes,
            retained,
            readRounds: (id, range) =>
              cache.get(`rounds/${id}/${range.start}/${range.end}`, () => rounds.read(id, range)),
          },
          targetId,
          query,
        )
      );
    }),
    summary: guard(summary),
    insights: guard(insights),
    exportRounds: (targetId, query) =>
      exportSeries(targetId, query, () => Promise.resolve(targetId)),
  };
  return { queries, exportSeries };
}

export function logged(what: string) {
  return (error: unknown) => log.warn(`store: ${what} failed`, { error: String(error) });
}
