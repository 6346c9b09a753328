import assert from "node:assert/strict";
import {
  BUCKET_LOWER_US,
  bucketOf,
  exactPercentile,
  HISTOGRAM_BUCKETS,
  percentileUs,
} from "../../store/histogram.ts";
import {
  addSample,
  emptyHop,
  encodeRollup,
  type HopAggregate,
  mergeHop,
  mergeRollup,
} from "../../store/rollup_codec.ts";
import { CodecError } from "../../store/codec.ts";
import { random } from "./history_builders.ts";

Deno.test("histogram - every value falls in the bucket whose bounds hold it", () => {
  const rand = random(5);
  const values = [0, 1, 49, 50, 51, 999, 1000, 9_999_999, 10_000_000, 1e9];
  for (let i = 0; i < 10_000; i++) values.push(Math.round(Math.exp(rand() * 17)));
  for (const value of values) {
    const bucket = bucketOf(value);
    assert.ok(bucket >= 0 && bucket < HISTOGRAM_BUCKETS);
    assert.ok(BUCKET_LOWER_US[bucket] <= value && value < BUCKET_LOWER_US[bucket + 1], `${value}`);
  }
  // Log-spaced: each bucket between 50 µs and 10 s is about 22% wider than the one before.
  assert.ok(Math.abs(BUCKET_LOWER_US[2] / BUCKET_LOWER_US[1] - 1.218) < 0.01);
});

Deno.test("histogram - percentiles stay within the bucket of the exact value", () => {
  const rand = random(9);
  for (let trial = 0; trial < 50; trial++) {
    const values = Array.from(
      { length: 1 + Math.floor(rand() * 500) },
      () => Math.round(1000 + rand() * 20_000 + (rand() < 0.1 ? rand() * 500_000 : 0)),
    );
    const counts = new Uint32Array(HISTOGRAM_BUCKETS);
    for (const value of values) counts[bucketOf(value)]++;
    const sorted = [...values].sort((a, b) => a - b);
    const bounds = { minUs: sorted[0], maxUs: sorted.at(-1)! };
    for (const p of [0, 1, 5, 25, 50, 75, 95, 99, 100]) {
      const exact = exactPercentile(sorted, p)!;
      const estimate = percentileUs(counts, p, bounds)!;
      const bucket = bucketOf(exact);
      assert.ok(estimate >= bounds.minUs && estimate <= bounds.maxUs);
      assert.ok(
        Math.abs(estimate - exact) <= BUCKET_LOWER_US[bucket + 1] - BUCKET_LOWER_US[bucket],
        `p${p}: ${estimate} vs ${exact}`,
      );
    }
  }
  assert.equal(percentileUs(new Uint32Array(HISTOGRAM_BUCKETS), 50, { minUs: 0, maxUs: 0 }), null);
});

function aggregate(rtts: (number | null | "error")[]): HopAggregate {
  const hop = emptyHop(3);
  let previousUs: number | null = null;
  for (const rtt of rtts) {
    const kind = rtt === "error" ? "error" : rtt === null ? "timeout" : "ttlExceeded";
    const rttUs = typeof rtt === "number" ? rtt : null;
    addSample(hop, { ttl: 3, kind, ip: null, rttUs, approximate: false }, {
      previousUs,
      reached: false,
    });
    if (rttUs !== null) previousUs = rttUs;
  }
  return hop;
}

Deno.test("rollup codec - aggregates survive packing and merge by addition", () => {
  const a = aggregate([1000, null, 2500, "error", 3_000_000_000, 7]);
  a.minutes = 2;
  a.upMinutes = 1;
  const b = aggregate([null, null]);
  const into = new Map<number, HopAggregate>();
  mergeRollup(into, encodeRollup([a, b].map((hop, i) => ({ ...hop, ttl: i + 1 }))));
  assert.deepEqual(into.get(1), { ...a, ttl: 1 });
  assert.deepEqual(into.get(2), { ...b, ttl: 2 });
  // Sums of squares past 2^53 are kept as floats, exactly enough.
  assert.equal(into.get(1)!.sumSqUs, 1000 ** 2 + 2500 ** 2 + 3e9 ** 2 + 49);
  const merged = emptyHop(1);
  mergeHop(merged, into.get(1)!);
  mergeRollup(new Map([[1, merged]]), encodeRollup([{ ...a, ttl: 1 }]));
  assert.equal(merged.sent, 10);
  assert.equal(merged.errors, 2);
  assert.equal(merged.jitterCount, 6);
  assert.equal(merged.minUs, 7);
  assert.throws(() => mergeRollup(new Map(), Uint8Array.of(1, 1, 0, 9, 0, 0, 0, 0, 0)), CodecError);
});
