// Reads of measured data for the API: the store's history queries (store/history_types.ts), with
// a fallback computed from raw rounds by engine/stats.ts while a store does not implement them.
import { hopStats } from "../engine/stats.ts";
import { log } from "../engine/log.ts";
import type { Round } from "../engine/types.ts";
import type {
  HistoryHopStats,
  HistoryStore,
  HistoryWindow,
  HopStatsResult,
  Insights,
  InsightsQuery,
  Store,
  SummaryQuery,
  TargetSummary,
  TimelinePoint,
  TimelineQuery,
  TimelineResult,
} from "../store/mod.ts";

export type HistoryQueries = Pick<HistoryStore, "hopStats" | "timeline" | "summary" | "insights">;

/** The store's own queries; a query it reports as not implemented is answered from raw rounds. */
export function historyOf(store: Store): HistoryQueries {
  const raw = rawHistory(store);
  const fallback = <A extends unknown[], R>(
    primary: (...args: A) => Promise<R>,
    secondary: (...args: A) => Promise<R>,
  ) =>
  async (...args: A): Promise<R> => {
    try {
      return await primary(...args);
    } catch (error) {
      if (!String(error).includes("not implemented")) throw error;
      log.debug("history query answered from raw rounds", { error: String(error) });
      return await secondary(...args);
    }
  };
  return {
    hopStats: fallback((id, w) => store.hopStats(id, w), raw.hopStats),
    timeline: fallback((id, q) => store.timeline(id, q), raw.timeline),
    summary: fallback((q) => store.summary(q), raw.summary),
    insights: fallback((id, q) => store.insights(id, q), raw.insights),
  };
}

/** History computed from raw rounds only (exact, but reads every round of the window). */
export function rawHistory(store: Store): HistoryQueries {
  return {
    async hopStats(targetId: number, window: HistoryWindow): Promise<HopStatsResult> {
      const rounds = await store.rounds(targetId, window);
      return {
        targetId,
        resolution: "raw",
        routeId: 0,
        hops: withPercentiles(rounds),
        earlierRoutes: [],
      };
    },
    async timeline(targetId: number, query: TimelineQuery): Promise<TimelineResult> {
      const rounds = await store.rounds(targetId, { start: query.start, end: query.end });
      return { targetId, resolution: "raw", ...timelineOf(rounds, query) };
    },
    async summary(query: SummaryQuery = {}): Promise<TargetSummary[]> {
      const focus = query.focusRounds ?? 10;
      const targets = await store.listTargets();
      return await Promise.all(targets.map(async (t) => {
        const rounds = await store.rounds(t.id, { last: focus });
        const final = hopStats(rounds).at(-1);
        const us = (ms: number | null | undefined) => ms == null ? null : ms * 1000;
        return {
          targetId: t.id,
          host: t.host,
          label: t.label,
          paused: t.paused,
          lastAt: rounds.at(-1)?.startedAt ?? null,
          sent: final?.sent ?? 0,
          lost: final ? final.sent - final.received : 0,
          lossPct: final?.lossPct ?? null,
          avgUs: us(final?.avgMs),
          minUs: us(final?.minMs),
          curUs: us(final?.curMs),
          jitterUs: us(final?.jitterMs),
          sparkline: [],
        };
      }));
    },
    async insights(targetId: number, query: InsightsQuery): Promise<Insights> {
      const rounds = await store.rounds(targetId, query);
      const changes = await store.routeChanges(targetId, query);
      const final = withPercentiles(rounds).at(-1);
      const us = (ms: number | null | undefined) => ms == null ? null : ms * 1000;
      return {
        targetId,
        start: query.start,
        end: query.end,
        resolution: "raw",
        hop: final?.hop ?? null,
        sent: final?.sent ?? 0,
        received: final?.received ?? 0,
        uptimePct: null,
        lossPct: final?.lossPct ?? null,
        avgUs: us(final?.avgMs),
        minUs: us(final?.minMs),
        maxUs: us(final?.maxMs),
        p50Us: us(final?.p50Ms),
        p95Us: us(final?.p95Ms),
        p99Us: us(final?.p99Ms),
        jitterUs: us(final?.jitterMs),
        hopCount: final?.hop ?? null,
        routeChanges: changes.length,
        mos: null,
      };
    },
  };
}

function withPercentiles(rounds: Round[]): HistoryHopStats[] {
  const byTtl = new Map<number, number[]>();
  for (const round of rounds) {
    for (const hop of round.hops) {
      if (hop.rttUs === null || hop.kind === "error") continue;
      const list = byTtl.get(hop.ttl) ?? [];
      list.push(hop.rttUs);
      byTtl.set(hop.ttl, list);
    }
  }
  return hopStats(rounds).map((stats) => {
    const sorted = (byTtl.get(stats.hop) ?? []).sort((a, b) => a - b);
    const pick = (p: number) =>
      sorted.length
        ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] / 1000
        : null;
    return { ...stats, p50Ms: pick(50), p95Ms: pick(95), p99Ms: pick(99) };
  });
}

/** Buckets rounds into at most maxPoints time slots per hop. */
export function timelineOf(rounds: Round[], query: TimelineQuery) {
  const { start, end } = query;
  const bucketMs = Math.max(1, Math.ceil((end - start) / query.maxPoints));
  const all = hopStats(rounds).map((s) => s.hop);
  const hops = query.hop === "all" ? all : query.hop === "last" ? all.slice(-1) : [query.hop];
  const series = hops.map((hop) => ({ hop, points: [] as TimelinePoint[] }));
  const buckets = new Map<number, Round[]>();
  for (const round of rounds) {
    const slot = start + Math.floor((round.startedAt - start) / bucketMs) * bucketMs;
    const list = buckets.get(slot) ?? [];
    list.push(round);
    buckets.set(slot, list);
  }
  for (const [t, bucket] of buckets) {
    const stats = new Map(hopStats(bucket).map((s) => [s.hop, s]));
    for (const s of series) {
      const h = stats.get(s.hop);
      const us = (ms: number | null | undefined) => ms == null ? null : ms * 1000;
      s.points.push({
        t,
        routeId: 0,
        sent: h?.sent ?? 0,
        lost: h ? h.sent - h.received : 0,
        lossPct: h?.lossPct ?? null,
        avgUs: us(h?.avgMs),
        minUs: us(h?.minMs),
        maxUs: us(h?.maxMs),
      });
    }
  }
  return { bucketMs, start, end, series };
}

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
