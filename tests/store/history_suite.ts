// History behaviour every Store backend must have: rollups that agree with a brute-force pass over
// the raw rounds, routes kept apart, timeline resolution, whole-window insights, summary, export.
// backends.test.ts runs it for each entry of TEST_BACKENDS (backends.ts).
import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import type { Round } from "../../engine/types.ts";
import type { HistoryHopStats, RetentionOptions, Store } from "../../store/mod.ts";
import { BUCKET_LOWER_US, bucketOf } from "../../store/histogram.ts";
import { OPTIONS, T0 } from "./builders.ts";
import { bruteForce, type BruteHop, brutePercentile, syntheticRounds } from "./history_builders.ts";

export type OpenHistoryStore = (options: {
  clock: ManualClock;
  retention?: RetentionOptions;
}) => Promise<Store> | Store;

type Work = (store: Store, clock: ManualClock) => Promise<void>;
export type HistoryTest = (
  title: string,
  work: Work,
  options?: { now?: number; retention?: RetentionOptions },
) => void;

export const MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

export function historySuite(
  name: string,
  open: OpenHistoryStore,
  register: ((test: HistoryTest) => void)[],
) {
  const test: HistoryTest = (title, work, options = {}) =>
    Deno.test(`history ${name} - ${title}`, async () => {
      const clock = new ManualClock(options.now ?? T0);
      const store = await open({ clock, retention: options.retention });
      try {
        await work(store, clock);
      } finally {
        await store.close();
      }
    });
  for (const add of register) add(test);
}

export async function storeRounds(store: Store, rounds: Round[]): Promise<void> {
  for (const round of rounds) store.appendRound(round);
  await store.flush();
}

export async function newTarget(store: Store): Promise<number> {
  return (await store.addTarget({ host: "10.0.4.1", options: OPTIONS })).id;
}

/** Rollup figures must equal the brute force; percentiles within the histogram bucket. */
export function assertHopMatches(actual: HistoryHopStats, expected: BruteHop, where: string): void {
  const at = `${where} hop ${actual.hop}`;
  assert.equal(actual.sent, expected.sent, `${at} sent`);
  assert.equal(actual.received, expected.sent - expected.lost, `${at} received`);
  assert.equal(actual.errors, expected.errors, `${at} errors`);
  const us = (ms: number | null) => ms === null ? null : ms * 1000;
  assertClose(us(actual.minMs), expected.minUs, `${at} min`);
  assertClose(us(actual.maxMs), expected.maxUs, `${at} max`);
  assertClose(us(actual.avgMs), expected.avgUs, `${at} avg`);
  assertClose(us(actual.stdevMs), expected.stdevUs, `${at} stdev`);
  for (const [p, value] of [[50, actual.p50Ms], [95, actual.p95Ms], [99, actual.p99Ms]] as const) {
    assertWithinBucket(us(value), brutePercentile(expected, p), `${at} p${p}`);
  }
}

export function assertClose(actual: number | null, expected: number | null, what: string): void {
  if (actual === null || expected === null) return assert.equal(actual, expected, what);
  assert.ok(
    Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

/** An estimate from the histogram lies within the bucket of the exact value. */
export function assertWithinBucket(
  actual: number | null,
  exact: number | null,
  what: string,
): void {
  if (actual === null || exact === null) return assert.equal(actual, exact, what);
  const bucket = bucketOf(exact);
  const width = BUCKET_LOWER_US[bucket + 1] - BUCKET_LOWER_US[bucket];
  assert.ok(
    Math.abs(actual - exact) <= width,
    `${what}: ${actual} vs exact ${exact} (bucket ${width} wide)`,
  );
}

export function registerRollupTests(test: HistoryTest): void {
  test("rollups: hop stats from 1-minute and 1-hour rollups match a brute-force pass", async (store) => {
    const id = await newTarget(store);
    // 6 hours: too long for raw, so the answer comes from rollups; losses and prober errors.
    const rounds = syntheticRounds(id, { start: T0, count: 8640, lossRate: 0.05, errorRate: 0.01 });
    await storeRounds(store, rounds);
    const expected = bruteForce(rounds);
    for (const [window, resolution] of [[6 * HOUR, "1m"], [3 * DAY, "1h"]] as const) {
      const result = await store.hopStats(id, { start: T0, end: T0 + window });
      assert.equal(result.resolution, resolution);
      assert.deepEqual(result.earlierRoutes, []);
      assert.equal(result.hops.length, 4);
      for (const hop of result.hops) {
        assertHopMatches(hop, expected.get(hop.hop)!, resolution);
        assertClose(hop.jitterMs! * 1000, expected.get(hop.hop)!.jitterUs, `${resolution} jitter`);
      }
    }
  });

  test("rollups: a raw window gives the engine's stats with exact percentiles", async (store) => {
    const id = await newTarget(store);
    const rounds = syntheticRounds(id, { start: T0, count: 100, lossRate: 0.1, errorRate: 0.05 });
    await storeRounds(store, rounds);
    const expected = bruteForce(rounds);
    for (const window of [{ last: 100 }, { start: T0, end: T0 + HOUR }]) {
      const result = await store.hopStats(id, window);
      assert.equal(result.resolution, "raw");
      for (const hop of result.hops) {
        const brute = expected.get(hop.hop)!;
        assert.equal(hop.sent, brute.sent);
        assert.equal(hop.errors, brute.errors);
        assert.equal(hop.p95Ms! * 1000, brutePercentile(brute, 95));
        const newest = rounds.at(-1)!.hops[hop.hop - 1];
        assert.equal(hop.curMs, newest.rttUs === null ? null : newest.rttUs / 1000);
      }
    }
  });

  test("rollups: a late round is added to its own, older bucket", async (store) => {
    const id = await newTarget(store);
    const rounds = syntheticRounds(id, { start: T0, count: 200 });
    const late = rounds.splice(10, 1);
    await storeRounds(store, rounds.slice(0, 150));
    await storeRounds(store, rounds.slice(150)); // the cache has moved on to newer buckets
    await storeRounds(store, late);
    const timeline = await store.timeline(id, {
      hop: 1,
      start: T0,
      end: T0 + 10 * MINUTE,
      maxPoints: 10,
    });
    assert.equal(timeline.resolution, "1m");
    const points = timeline.series[0].points;
    assert.deepEqual(
      points.map((p) => p.sent),
      [24, 24, 24, 24, 24, 24, 24, 24, 8].slice(0, points.length),
    );
    assert.equal(points.reduce((sum, p) => sum + p.sent, 0), 200);
  });

  test("routes: samples of an old route are kept apart from the new route's hops", async (store) => {
    const id = await newTarget(store);
    const before = syntheticRounds(id, { start: T0, count: 4000, hops: 4, route: 1 });
    const after = syntheticRounds(id, {
      start: T0 + 4000 * 2500,
      count: 1000,
      hops: 5,
      route: 2,
      firstSeq: 4000,
      seed: 7,
    });
    // The engine confirms a change a few rounds after it began: those rounds are already stored.
    await storeRounds(store, [...before, ...after.slice(0, 3)]);
    const change = await store.recordRouteChange({
      targetId: id,
      at: after[0].startedAt,
      before: [["10.1.1.1"]],
      after: [["10.2.1.1"], ["10.2.2.1"], ["10.2.3.1"], ["10.2.4.1"], ["10.2.5.1"]],
    });
    await storeRounds(store, after.slice(3));
    const end = T0 + 5000 * 2500;
    // The whole 3.5 hours from rollups, the last 2 hours from raw rounds: the same split.
    for (const window of [{ start: T0, end }, { start: end - 2 * HOUR, end }]) {
      const result = await store.hopStats(id, window);
      assert.equal(result.resolution, window.start === T0 ? "1m" : "raw");
      assert.equal(result.routeId, change.id);
      assert.equal(result.hops.length, 5);
      assert.deepEqual(result.hops.map((h) => h.sent), [1000, 1000, 1000, 1000, 1000]);
      assert.equal(result.hops[0].ip, "10.2.1.1");
      const [old] = result.earlierRoutes;
      assert.equal(old.routeId, 0);
      assert.deepEqual(old.hops.map((h) => h.hop), [1, 2, 3, 4]);
      const oldCount = before.filter((r) => r.startedAt >= window.start).length;
      assert.deepEqual(old.hops.map((h) => h.sent), [oldCount, oldCount, oldCount, oldCount]);
    }
    const raw = await store.hopStats(id, { last: 10 });
    assert.equal(raw.routeId, change.id);
    assert.deepEqual(raw.earlierRoutes, []);
  });

  test("routes: a target's first hour re-files rounds of a change recorded late", async (store) => {
    const id = await newTarget(store);
    const start = T0 + 20 * MINUTE; // the target starts mid-hour
    const before = syntheticRounds(id, { start, count: 100, route: 1 });
    const after = syntheticRounds(id, {
      start: start + 100 * 2500,
      count: 50,
      route: 2,
      firstSeq: 100,
    });
    await storeRounds(store, [...before, ...after.slice(0, 3)]);
    const change = await store.recordRouteChange({
      targetId: id,
      at: after[0].startedAt,
      before: [],
      after: [],
    });
    await storeRounds(store, after.slice(3));
    const result = await store.hopStats(id, { start: T0, end: T0 + 4 * HOUR });
    assert.equal(result.resolution, "1m");
    assert.equal(result.routeId, change.id);
    assert.equal(result.hops[0].sent, 50);
    assert.equal(result.hops[0].ip, "10.2.1.1");
    assert.equal(result.earlierRoutes[0].hops[0].sent, 100);
  });

  test(
    "hop stats: a range a week ago is answered from rollups once raw is gone",
    async (store) => {
      const id = await newTarget(store);
      const rounds = syntheticRounds(id, { start: T0, count: 1440, lossRate: 0.02 });
      await storeRounds(store, rounds);
      while (!(await store.enforceRetention()).done);
      assert.deepEqual(await store.rounds(id, { start: T0, end: T0 + HOUR }), []);
      const result = await store.hopStats(id, { start: T0, end: T0 + HOUR });
      assert.equal(result.resolution, "1m");
      const expected = bruteForce(rounds);
      for (const hop of result.hops) assertHopMatches(hop, expected.get(hop.hop)!, "a week ago");
    },
    { now: T0 + 8 * DAY }, // the writer loop is not driven: retention runs when asked
  );
}

export function sumSent(points: { sent: number }[]): number {
  return points.reduce((sum, p) => sum + p.sent, 0);
}
