import assert from "node:assert/strict";
import { coverRange } from "../../store/sqlite/mod.ts";
import type { RetentionTier } from "../../store/mod.ts";
import { T0 } from "./builders.ts";

const S = 1000, M = 60_000, H = 3_600_000, D = 86_400_000;

function cutoffs(now: number, days: { raw: number; "1m": number; "1h": number }) {
  return (tier: RetentionTier) => now - days[tier] * D;
}

const fresh = cutoffs(T0 + D, { raw: 3, "1m": 30, "1h": 1825 });

Deno.test("cover - whole hours from hours, edge minutes from minutes, edge seconds from raw", () => {
  const start = T0 + 30 * S, end = T0 + 5 * H + 2 * M + 10 * S;
  assert.deepEqual(coverRange(start, end, "1h", fresh), [
    { tier: "raw", start, end: T0 + M },
    { tier: "1m", start: T0 + M, end: T0 + H },
    { tier: "1h", start: T0 + H, end: T0 + 5 * H },
    { tier: "1m", start: T0 + 5 * H, end: T0 + 5 * H + 2 * M },
    { tier: "raw", start: T0 + 5 * H + 2 * M, end },
  ]);
  assert.deepEqual(coverRange(T0, T0 + 2 * H, "1m", fresh), [
    { tier: "1m", start: T0, end: T0 + 2 * H },
  ]);
  assert.deepEqual(coverRange(T0 + 10 * S, T0 + 20 * S, "1h", fresh), [
    { tier: "raw", start: T0 + 10 * S, end: T0 + 20 * S },
  ]);
  assert.deepEqual(coverRange(T0, T0, "1h", fresh), []);
});

Deno.test("cover - a part older than a tier's retention comes from the next tier", () => {
  const now = T0 + 40 * D;
  const cutoff = cutoffs(now, { raw: 3, "1m": 30, "1h": 1825 });
  // From 40 days ago: minutes are gone before day 10.
  const start = T0 + 30 * M, end = now - 30 * S;
  const segments = coverRange(start, end, "1m", cutoff);
  assert.deepEqual(segments, [
    // The first half hour is in an hour bucket that starts before the window: left out.
    { tier: "1h", start: T0 + H, end: T0 + 10 * D },
    // Minutes as the base; raw only for the seconds after the last whole minute.
    { tier: "1m", start: T0 + 10 * D, end: now - M },
    { tier: "raw", start: now - M, end },
  ]);
  for (let i = 1; i < segments.length; i++) assert.equal(segments[i].start, segments[i - 1].end);
});
