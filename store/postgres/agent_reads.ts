// The store's edge on PostgreSQL: the ports speak of targets, the measurement tables of series
// (one agent's measurements of one target, series.ts). Reads resolve the series and give the
// results back under the target's id; a target nobody measured reads as empty (the negated
// target id, which no series has).
import type { ExportQuery } from "../history_types.ts";
import type { AgentReads } from "../types.ts";
import type { PgSeries } from "./series.ts";

type Export = (
  targetId: number,
  query: ExportQuery,
  series: () => Promise<number>,
) => ReadableStream<Uint8Array>;

/** The reads of `inner` (keyed by series id) as one agent (`name`), or as the default agent. */
export function agentReads(
  inner: AgentReads,
  deps: {
    series: PgSeries;
    exportSeries: Export;
    ready: () => Promise<void>;
    /** Reads again what is kept in memory of a series another agent writes (before a read). */
    refresh: (seriesId: number) => Promise<void>;
  },
  name?: string,
): AgentReads {
  const { series } = deps;
  async function seriesOf(targetId: number): Promise<number> {
    await deps.ready();
    const id = (await series.readSeries(targetId, name)) ?? -targetId;
    await deps.refresh(id);
    return id;
  }
  const as = <T extends { targetId: number }>(targetId: number, value: T): T => ({
    ...value,
    targetId,
  });
  return {
    rounds: async (targetId, query) =>
      (await inner.rounds(await seriesOf(targetId), query)).map((r) => as(targetId, r)),
    roundPage: async (targetId, query) =>
      (await inner.roundPage(await seriesOf(targetId), query)).map((r) => as(targetId, r)),
    routeChanges: async (targetId, query) =>
      (await inner.routeChanges(await seriesOf(targetId), query)).map((c) => as(targetId, c)),
    addressChanges: async (targetId) =>
      (await inner.addressChanges(await seriesOf(targetId))).map((c) => as(targetId, c)),
    hopStats: async (targetId, window) =>
      as(targetId, await inner.hopStats(await seriesOf(targetId), window)),
    timeline: async (targetId, query) =>
      as(targetId, await inner.timeline(await seriesOf(targetId), query)),
    insights: async (targetId, query) =>
      as(targetId, await inner.insights(await seriesOf(targetId), query)),
    exportRounds: (targetId, query) => deps.exportSeries(targetId, query, () => seriesOf(targetId)),
  };
}
