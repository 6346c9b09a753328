// History suite, part two: timeline resolution, retention boundaries, whole-window insights,
// summary and streaming export.
import assert from "node:assert/strict";
import type { Round } from "../../engine/types.ts";
import { mosEstimate } from "../../store/history_stats.ts";
import { T0 } from "./builders.ts";
import { bruteForce, brutePercentile, syntheticRounds } from "./history_builders.ts";
import {
  assertClose,
  assertWithinBucket,
  DAY,
  type HistoryTest,
  HOUR,
  MINUTE,
  newTarget,
  storeRounds,
  sumSent,
} from "./history_suite.ts";

export function registerTimelineTests(test: HistoryTest): void {
  test("timeline: raw where it fits, else the finest rollup that fits", async (store) => {
    const id = await newTarget(store);
    const rounds = syntheticRounds(id, { start: T0, count: 2880, lossRate: 0.05 }); // 2 hours
    await storeRounds(store, rounds);
    const range = { start: T0, end: T0 + 2 * HOUR };
    const cases = [
      { maxPoints: 5000, resolution: "raw", bucketMs: null, points: 2880 },
      { maxPoints: 2880, resolution: "raw", bucketMs: null, points: 2880 },
      { maxPoints: 2879, resolution: "1m", bucketMs: MINUTE, points: 120 },
      { maxPoints: 119, resolution: "1h", bucketMs: HOUR, points: 2 },
      { maxPoints: 1, resolution: "1h", bucketMs: 2 * HOUR, points: 1 },
    ] as const;
    for (const c of cases) {
      const result = await store.timeline(id, { hop: 2, ...range, maxPoints: c.maxPoints });
      assert.equal(result.resolution, c.resolution, `maxPoints ${c.maxPoints}`);
      assert.equal(result.bucketMs, c.bucketMs);
      assert.equal(result.series.length, 1);
      const points = result.series[0].points;
      assert.equal(points.length, c.points, `maxPoints ${c.maxPoints}`);
      assert.ok(points.length <= c.maxPoints);
      assert.equal(sumSent(points), 2880);
    }
    // A 1-minute point holds exactly that minute's rounds, with a percentile band.
    const minute = await store.timeline(id, { hop: 3, ...range, maxPoints: 200 });
    const point = minute.series[0].points[5];
    const inMinute = rounds.filter((r) => r.startedAt >= point.t && r.startedAt < point.t + MINUTE);
    const brute = bruteForce(inMinute).get(3)!;
    assert.equal(point.sent, brute.sent);
    assert.equal(point.lost, brute.lost);
    assertClose(point.avgUs, brute.avgUs, "minute avg");
    assert.equal(point.minUs, brute.minUs);
    assertWithinBucket(point.p50Us!, brutePercentile(brute, 50), "minute p50");
    assert.ok(point.p5Us! <= point.p50Us! && point.p50Us! <= point.p95Us!);
  });

  test("timeline: what retention dropped is answered by the next tier", async (store) => {
    const id = await newTarget(store);
    await storeRounds(store, syntheticRounds(id, { start: T0, count: 1440 })); // 1 hour
    const range = { start: T0, end: T0 + HOUR };
    const a = await store.timeline(id, { hop: "last", ...range, maxPoints: 10_000 });
    assert.equal(a.resolution, "1m"); // raw is past its 3 days
    assert.equal(a.series[0].hop, 4);
  }, { now: T0 + 4 * DAY });

  test("timeline: past the minute tier's 30 days, hours", async (store) => {
    const id = await newTarget(store);
    await storeRounds(store, syntheticRounds(id, { start: T0, count: 1440 }));
    const all = await store.timeline(id, { hop: "all", start: T0, end: T0 + HOUR, maxPoints: 100 });
    assert.equal(all.resolution, "1h");
    assert.deepEqual(all.series.map((s) => s.hop), [1, 2, 3, 4]);
    assert.deepEqual(all.series.map((s) => sumSent(s.points)), [1440, 1440, 1440, 1440]);
  }, { now: T0 + 31 * DAY });

  test("timeline: 'last' is the destination, 'all' stops there", async (store) => {
    const id = await newTarget(store);
    const rounds = syntheticRounds(id, { start: T0, count: 10, hops: 3 });
    // A lost destination reply makes the destination answer one TTL further: not a hop.
    const echo: Round = {
      ...rounds[9],
      seq: 10,
      startedAt: rounds[9].startedAt + 2500,
      hops: [
        ...rounds[9].hops.slice(0, 2),
        { ttl: 3, kind: "timeout", ip: null, rttUs: null, approximate: false },
        { ttl: 4, kind: "reply", ip: rounds[9].address, rttUs: 7000, approximate: false },
      ],
    };
    await storeRounds(store, [...rounds, echo, {
      ...rounds[0],
      seq: 11,
      startedAt: echo.startedAt + 2500,
    }]);
    for (const maxPoints of [100, 1]) {
      const query = { start: T0, end: T0 + HOUR, maxPoints };
      const last = await store.timeline(id, { ...query, hop: "last" });
      assert.deepEqual(last.series.map((s) => s.hop), [3]);
      const all = await store.timeline(id, { ...query, hop: "all" });
      assert.deepEqual(all.series.map((s) => s.hop), [1, 2, 3]);
    }
  });

  test("timeline: bad queries are refused", async (store) => {
    const ok = { hop: 1, start: T0, end: T0 + 1, maxPoints: 10 } as const;
    await assert.rejects(store.timeline(1, { ...ok, maxPoints: 0 }), RangeError);
    await assert.rejects(store.timeline(1, { ...ok, end: T0 }), RangeError);
    await assert.rejects(store.timeline(1, { ...ok, hop: -1 }), RangeError);
    await assert.rejects(store.hopStats(1, { last: -1 }), RangeError);
    await assert.rejects(store.insights(1, { start: NaN, end: T0 }), RangeError);
  });
}

export function registerRetentionTests(test: HistoryTest): void {
  const now = T0 + 10 * DAY;
  const retention = { rawDays: 1, minuteDays: 2, hourDays: 3 };
  test("retention: each tier keeps rows at its cutoff and drops older ones", async (store) => {
    const id = await newTarget(store);
    const raw = now - 1 * DAY, minute = now - 2 * DAY, hour = now - 3 * DAY;
    const at = [hour - HOUR, hour - 1, hour, minute - 1, minute, raw - 1, raw, raw + 1];
    const rounds = at.map((ts, seq) => ({
      ...syntheticRounds(id, { start: ts, count: 1 })[0],
      seq,
    }));
    await storeRounds(store, rounds);
    const route = (when: number) =>
      store.recordRouteChange({
        targetId: id,
        at: when,
        before: [],
        after: [[`10.0.0.${when % 7}`]],
      });
    const [, inForce, kept] = [
      await route(hour - 2 * HOUR),
      await route(hour - HOUR),
      await route(hour),
    ];
    let steps = 0;
    while (!(await store.enforceRetention({ maxRows: 2 })).done) steps++;
    assert.ok(steps >= 2, `bounded steps: ${steps}`);
    assert.deepEqual((await store.rounds(id, {})).map((r) => r.startedAt), [raw, raw + 1]);
    // A bucket stays while any of it is inside its retention: the one ending at the cutoff goes.
    const minutes = await store.timeline(id, {
      hop: 1,
      start: minute,
      end: now,
      maxPoints: 100_000,
    });
    assert.equal(minutes.resolution, "1m");
    assert.deepEqual(minutes.series[0].points.map((p) => p.t), [minute, raw - MINUTE, raw]);
    const hours = await store.timeline(id, {
      hop: 1,
      start: hour - 2 * HOUR,
      end: now,
      maxPoints: 1000,
    });
    assert.equal(hours.resolution, "1h");
    assert.deepEqual(hours.series[0].points.map((p) => p.t), [
      hour,
      minute - HOUR,
      minute,
      raw - HOUR,
      raw,
    ]);
    assert.deepEqual((await store.routeChanges(id)).map((c) => c.id), [inForce.id, kept.id]);
  }, { now, retention });
}

export function registerInsightTests(test: HistoryTest): void {
  test("insights: the whole window counts, however many rows it spans", async (store) => {
    const id = await newTarget(store);
    // 40 days, one round every 5 minutes: 11,520 rounds, more than any page or row limit.
    const rounds = syntheticRounds(id, {
      start: T0,
      count: 11_520,
      intervalMs: 5 * MINUTE,
      lossRate: 0.03,
    });
    await storeRounds(store, rounds);
    const change = await store.recordRouteChange({
      targetId: id,
      at: T0 + DAY,
      before: [],
      after: [],
    });
    assert.ok(change.id > 0);
    for (const start of [T0, T0 + 30_000]) {
      const end = T0 + 40 * DAY;
      const inWindow = rounds.filter((r) => r.startedAt >= start && r.startedAt < end);
      const brute = bruteForce(inWindow).get(4)!;
      const result = await store.insights(id, { start, end });
      assert.equal(result.resolution, "1h");
      assert.equal(result.hop, 4);
      assert.equal(result.hopCount, 4);
      assert.equal(result.sent, brute.sent);
      assert.equal(result.received, brute.sent - brute.lost);
      assertClose(result.lossPct, (100 * brute.lost) / brute.sent, "loss");
      assertClose(result.avgUs, brute.avgUs, "avg");
      assert.equal(result.minUs, brute.minUs);
      assert.equal(result.maxUs, brute.maxUs);
      assertWithinBucket(result.p99Us, brutePercentile(brute, 99), "p99");
      assert.equal(result.routeChanges, 1);
      const lostMinutes = inWindow.filter((r) => r.hops[3].rttUs === null).length;
      assertClose(result.uptimePct, 100 * (1 - lostMinutes / inWindow.length), "uptime");
      assert.equal(
        result.mos,
        mosEstimate(result.avgUs! / 1000, result.jitterUs! / 1000, result.lossPct!),
      );
    }
  }, { now: T0 + 41 * DAY, retention: { rawDays: 100, minuteDays: 100 } });

  test("insights: MOS follows the simplified E-model", () => {
    // latency 20 + 2 x 2 + 10 = 34 ms: R = 93.2 - 34 / 40 = 92.35.
    assertClose(mosEstimate(20, 2, 0), 1 + 0.035 * 92.35 + 7e-6 * 92.35 * 32.35 * 7.65, "clean");
    // Loss costs 2.5 R per percent; past 160 ms latency R falls ten times faster.
    const mos = (r: number) => 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
    assertClose(mosEstimate(20, 2, 4), mos(82.35), "loss");
    assertClose(mosEstimate(200, 0, 0), mos(93.2 - (210 - 120) / 10), "slow");
    assert.ok(mosEstimate(300, 50, 0) < mosEstimate(100, 5, 0));
    assert.equal(mosEstimate(1000, 500, 50), 1);
    return Promise.resolve();
  });
}
