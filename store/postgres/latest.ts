// What the all-targets summary needs, kept in memory as store/sqlite/latest.ts does: per target
// the final-hop results of its newest rounds and its last hour of 1-minute finals. Targets not
// loaded yet are loaded together (one query for their newest rounds, one for their minutes), so a
// cold summary of 1,000 targets is two round trips; each flush then updates what is loaded.
import { RecentFinals } from "../focus_figures.ts";
import type { TargetSummary } from "../history_types.ts";
import {
  createMinuteFinals,
  type MinuteFinals,
  setMinuteFinal,
  SparklineArena,
  sparklineOf,
} from "../sparkline.ts";
import { decodeHops } from "../codec.ts";
import { rollupHeads } from "../rollup_codec.ts";
import { alignDown, type BucketAgg, type DecodedRound, TIER_MS } from "../rollup_math.ts";
import { finalHopOf, MAX_FOCUS_ROUNDS, MAX_SPARKLINE_MINUTES } from "../sqlite/mod.ts";
import type { Sql } from "./connect.ts";

const DEFAULT_DEPTH = 10;
const MINUTE_MS = TIER_MS["1m"];

interface TargetLatest {
  finals: RecentFinals;
  exhausted: boolean;
  depth: number;
  minutes: MinuteFinals;
}

export type FocusFigures = Omit<
  TargetSummary,
  "targetId" | "agent" | "host" | "label" | "paused"
>;

export function createPgLatest(sql: Sql) {
  const targets = new Map<number, TargetLatest>();

  async function loadFinals(ids: number[], depth: number): Promise<void> {
    const rows = await sql<{ target_id: number; ts: number; data: Uint8Array; hops: string }[]>`
      SELECT t.id AS target_id, s.ts, s.data, p.hops
      FROM unnest(${ids}::bigint[]) AS t (id)
      CROSS JOIN LATERAL (SELECT ts, seq, data, path_id FROM samples
        WHERE target_id = t.id ORDER BY ts DESC, seq DESC LIMIT ${depth}) s
      JOIN paths p ON p.id = s.path_id
      ORDER BY t.id, s.ts, s.seq`;
    const paths = new Map<string, (string | null)[]>();
    const counts = new Map<number, number>();
    for (const id of ids) targets.get(id)?.finals.clear();
    for (const row of rows) {
      counts.set(row.target_id, (counts.get(row.target_id) ?? 0) + 1);
      let ips = paths.get(row.hops);
      if (!ips) paths.set(row.hops, ips = JSON.parse(row.hops) as (string | null)[]);
      targets.get(row.target_id)?.finals.addRound({ ts: row.ts, ...decodeHops(row.data, ips) });
    }
    for (const id of ids) {
      const state = targets.get(id);
      if (state) {
        state.exhausted = (counts.get(id) ?? 0) < depth;
        state.depth = depth;
      }
    }
  }

  /** Loads the targets (of `ids`) the summary cannot answer from memory yet. */
  async function prepare(ids: number[], focusRounds: number, now: number): Promise<void> {
    const depth = Math.max(focusRounds, DEFAULT_DEPTH);
    const fresh = ids.filter((id) => !targets.has(id));
    const shallow = ids.filter((id) => {
      const state = targets.get(id);
      return state && state.finals.length < focusRounds && !state.exhausted;
    });
    for (const id of fresh) {
      targets.set(id, {
        finals: new RecentFinals(MAX_FOCUS_ROUNDS),
        exhausted: false,
        depth,
        minutes: createMinuteFinals(),
      });
    }
    const load = [...fresh, ...shallow];
    if (load.length > 0) await loadFinals(load, depth);
    if (fresh.length === 0) return;
    const since = alignDown(now, MINUTE_MS) - MAX_SPARKLINE_MINUTES * MINUTE_MS;
    const rows = await sql<
      { target_id: number; bucket: number; route_id: number; data: Uint8Array }[]
    >`
      SELECT target_id, bucket, route_id, data FROM rollup_1m
      WHERE target_id = ANY(${fresh}::bigint[]) AND bucket >= ${since}`;
    for (const row of rows) {
      setMinuteFinal(
        targets.get(row.target_id)!.minutes,
        { bucket: row.bucket, routeId: row.route_id },
        finalHopOf(rollupHeads(row.data)),
      );
    }
  }

  function observe(rounds: DecodedRound[], minutes: (BucketAgg & { targetId: number })[]): void {
    for (const round of rounds) targets.get(round.targetId)?.finals.addRound(round);
    for (const minute of minutes) {
      const state = targets.get(minute.targetId);
      if (!state) continue;
      setMinuteFinal(state.minutes, minute, finalHopOf(minute.hops.values()));
    }
  }

  /** A prepared target's figures. */
  function figures(
    targetId: number,
    options: { focusRounds: number; sparklineMinutes: number; now: number; arena?: SparklineArena },
  ): FocusFigures {
    const state = targets.get(targetId)!;
    return {
      ...state.finals.fold(options.focusRounds),
      sparkline: sparklineOf(state.minutes, options),
    };
  }

  /**
   * Reads `ids` again (series another process writes) and swaps the new state in whole, so a
   * summary running meanwhile never finds one missing or half loaded.
   */
  async function reload(ids: number[], focusRounds: number, now: number): Promise<void> {
    if (ids.length === 0) return;
    const fresh = createPgLatest(sql);
    await fresh.prepare(ids, focusRounds, now);
    for (const id of ids) targets.set(id, fresh.stateOf(id)!);
  }

  return {
    prepare,
    reload,
    observe,
    figures,
    stateOf: (targetId: number) => targets.get(targetId),
    forget: (targetId: number) => targets.delete(targetId),
  };
}

export type PgLatest = ReturnType<typeof createPgLatest>;
