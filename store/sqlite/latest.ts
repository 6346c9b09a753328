// What the all-targets summary needs, kept in memory so 1,000 targets answer in milliseconds:
// per target the final-hop result of its newest rounds and the final hop of its last hour of
// 1-minute buckets. A target is loaded from the database the first time the summary asks for it;
// after that each flush updates it from what it wrote (no query).
import type { DatabaseSync } from "node:sqlite";
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
import { alignDown, type BucketAgg, type DecodedRound, TIER_MS } from "./rollups.ts";
import type { RollupRow } from "./history_read.ts";

/** Rounds kept per target: the largest focus window the summary offers. */
export const MAX_FOCUS_ROUNDS = 100;
export const MAX_SPARKLINE_MINUTES = 60;
const DEFAULT_DEPTH = 10;
const MINUTE_MS = TIER_MS["1m"];

interface TargetLatest {
  /** The newest rounds' final-hop results. */
  finals: RecentFinals;
  /** The last load found fewer rounds than asked: finals holds all there are. */
  exhausted: boolean;
  minutes: MinuteFinals;
}

/** A summary row's figures: everything but who the target is. */
export type FocusFigures = Omit<
  TargetSummary,
  "targetId" | "agent" | "host" | "label" | "paused"
>;

/** The destination's hop of a bucket: the nearest TTL it answered at, else the farthest probed. */
export function finalHopOf<T extends { ttl: number; reached: number }>(
  hops: Iterable<T>,
): T | null {
  let final: T | null = null, farthest: T | null = null;
  for (const hop of hops) {
    if (hop.reached > 0 && (!final || hop.ttl < final.ttl)) final = hop;
    if (!farthest || hop.ttl > farthest.ttl) farthest = hop;
  }
  return final ?? farthest;
}

/**
 * `pending`: the writer's minutes whose rows lack rounds (store/sqlite/rollups.ts), taken instead
 * of their rows when a target's state is first loaded.
 */
export function createLatestState(
  db: DatabaseSync,
  pending: (targetId: number, since: number) => RollupRow[] = () => [],
) {
  const sql = {
    rounds: db.prepare(
      "SELECT s.ts, s.seq, s.data, p.hops FROM samples s JOIN paths p ON p.id = s.path_id " +
        "WHERE s.target_id = ? ORDER BY s.ts DESC, s.seq DESC LIMIT ?",
    ),
    minutes: db.prepare(
      "SELECT bucket, route_id, data FROM rollup_1m WHERE target_id = ? AND bucket >= ?",
    ),
  };
  const targets = new Map<number, TargetLatest>();

  function loadFinals(state: TargetLatest, targetId: number, depth: number): void {
    const rows = sql.rounds.all(targetId, depth) as {
      ts: number;
      data: Uint8Array;
      hops: string;
    }[];
    const paths = new Map<string, (string | null)[]>();
    state.finals.clear();
    state.exhausted = rows.length < depth;
    for (const row of rows.reverse()) {
      let ips = paths.get(row.hops);
      if (!ips) paths.set(row.hops, ips = JSON.parse(row.hops) as (string | null)[]);
      state.finals.addRound({ ts: row.ts, ...decodeHops(row.data, ips) });
    }
  }

  function load(targetId: number, now: number, depth: number): TargetLatest {
    const state: TargetLatest = {
      finals: new RecentFinals(MAX_FOCUS_ROUNDS),
      exhausted: false,
      minutes: createMinuteFinals(),
    };
    loadFinals(state, targetId, depth);
    const since = alignDown(now, MINUTE_MS) - MAX_SPARKLINE_MINUTES * MINUTE_MS;
    // all(), not iterate(): node:sqlite's iterator took 2.4 times as long a row (60 rows at most).
    const rows = sql.minutes.all(targetId, since) as {
      bucket: number;
      route_id: number;
      data: Uint8Array;
    }[];
    for (const { bucket, route_id, data } of rows) {
      setMinuteFinal(state.minutes, { bucket, routeId: route_id }, finalHopOf(rollupHeads(data)));
    }
    for (const { bucket, routeId, data } of pending(targetId, since)) {
      setMinuteFinal(state.minutes, { bucket, routeId }, finalHopOf(rollupHeads(data)));
    }
    return state;
  }

  function observe(rounds: DecodedRound[], minutes: (BucketAgg & { targetId: number })[]): void {
    for (const round of rounds) targets.get(round.targetId)?.finals.addRound(round);
    for (const minute of minutes) {
      const state = targets.get(minute.targetId);
      if (!state) continue;
      setMinuteFinal(state.minutes, minute, finalHopOf(minute.hops.values()));
    }
  }

  function figures(
    targetId: number,
    options: { focusRounds: number; sparklineMinutes: number; now: number; arena?: SparklineArena },
  ): FocusFigures {
    // Loaded on first use, only as deep as asked: a cold summary of 1,000 targets stays quick.
    const depth = Math.max(options.focusRounds, DEFAULT_DEPTH);
    let state = targets.get(targetId);
    if (!state) targets.set(targetId, state = load(targetId, options.now, depth));
    else if (state.finals.length < options.focusRounds && !state.exhausted) {
      loadFinals(state, targetId, depth);
    }
    return {
      ...state.finals.fold(options.focusRounds),
      sparkline: sparklineOf(state.minutes, options),
    };
  }

  return { observe, figures, forget: (targetId: number) => targets.delete(targetId) };
}

export type LatestState = ReturnType<typeof createLatestState>;
