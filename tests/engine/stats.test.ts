import assert from "node:assert/strict";
import { hopStats, selectFocus } from "../../engine/stats.ts";
import { round, rounds } from "./helpers.ts";

Deno.test("stats - clean path: sent, received, avg, min, max, cur per hop", () => {
  const stats = hopStats(rounds([
    "a:1 b:2 c:10",
    "a:3 b:2 c:12",
    "a:2 b:2 c:14",
  ]));
  assert.equal(stats.length, 3);
  assert.deepEqual(
    stats.map((
      h,
    ) => [h.hop, h.ip, h.sent, h.received, h.lossPct, h.avgMs, h.minMs, h.maxMs, h.curMs]),
    [
      [1, "a", 3, 3, 0, 2, 1, 3, 2],
      [2, "b", 3, 3, 0, 2, 2, 2, 2],
      [3, "c", 3, 3, 0, 12, 10, 14, 14],
    ],
  );
});

Deno.test("stats - lost probes are loss, never zero RTTs; cur is null (ERR) when the newest was lost", () => {
  const [, , dest] = hopStats(rounds(["a:1 b:2 c:10", "a:1 b:2 *", "a:1 b:2 c:20", "a:1 b:2 *"]));
  assert.equal(dest.sent, 4);
  assert.equal(dest.received, 2);
  assert.equal(dest.lossPct, 50);
  assert.equal(dest.minMs, 10);
  assert.equal(dest.avgMs, 15);
  assert.equal(dest.curMs, null);
});

Deno.test("stats - prober errors are neither sent nor lost", () => {
  const [a] = hopStats(rounds(["a:1 c:5", "E c:5", "a:3 c:5"]));
  assert.equal(a.sent, 2);
  assert.equal(a.errors, 1);
  assert.equal(a.lossPct, 0);
  assert.equal(a.curMs, 3);
});

Deno.test("stats - stdev (sample) and jitter (mean consecutive difference)", () => {
  const [hop] = hopStats(rounds(["a:10", "a:14", "a:10", "a:14"]));
  // mean 12, squared deviations 4 each => sample variance 16/3
  assert.ok(Math.abs(hop.stdevMs! - Math.sqrt(16 / 3)) < 1e-9);
  assert.equal(hop.jitterMs, 4);
  const [single] = hopStats(rounds(["a:10"]));
  assert.equal(single.stdevMs, 0);
  assert.equal(single.jitterMs, 0);
});

Deno.test("stats - a hop that never answered has ip null and null latencies", () => {
  const [, silent] = hopStats(rounds(["a:1 * c:3", "a:1 * c:3"]));
  assert.equal(silent.ip, null);
  assert.equal(silent.lossPct, 100);
  assert.equal(silent.avgMs, null);
  assert.equal(silent.curMs, null);
  assert.equal(silent.lossNotCarried, true, "100% silent hop before an answering one");
});

Deno.test("stats - ECMP: several addresses at one hop, most frequent first", () => {
  const [, hop] = hopStats(rounds(["a:1 b1:2 c:3", "a:1 b2:2 c:3", "a:1 b2:2 c:3"]));
  assert.deepEqual(hop.ips, ["b2", "b1"]);
  assert.equal(hop.ip, "b2");
});

Deno.test("stats - loss attribution: rate-limited replies are flagged, real loss carried on is not", () => {
  const lines: string[] = [];
  for (let i = 0; i < 100; i++) {
    const routerAnswers = i % 3 !== 0; // router 2 drops a third of its own replies
    const destLost = i % 10 === 0; // 10% real loss at the destination
    lines.push(`a:1 ${routerAnswers ? "b:2" : "*"} ${destLost ? "*" : "c:3"}`);
  }
  const [a, b, c] = hopStats(rounds(lines));
  assert.equal(a.lossNotCarried, false);
  assert.equal(b.lossNotCarried, true);
  assert.equal(c.lossNotCarried, false);
});

Deno.test("stats - loss attribution: equal loss along the path is real loss", () => {
  const lines = Array.from({ length: 100 }, (_, i) => i % 5 === 0 ? "a:1 * *" : "a:1 b:2 c:3");
  const [, b, c] = hopStats(rounds(lines));
  assert.equal(b.lossPct, 20);
  assert.equal(c.lossPct, 20);
  assert.equal(b.lossNotCarried, false);
});

Deno.test("stats - loss attribution: one real loss rate sampled apart by chance is not flagged", () => {
  // 20 % real loss at router 2 carries to hop 3; over 300 rounds the two hops' samples came out
  // at 25 % and 17 % (z = 2.4, which the z-test alone called "does not carry").
  const lines = Array.from({ length: 300 }, (_, i) => {
    const b = i % 4 === 0 ? "*" : "b:2"; // 75 of 300 lost
    const c = i % 6 === 1 || i === 299 ? "*" : "c:3"; // 51 of 300 lost
    return `a:1 ${b} ${c}`;
  });
  const [, b, c] = hopStats(rounds(lines));
  assert.deepEqual([b.lossPct, c.lossPct], [25, 17]);
  assert.equal(b.lossNotCarried, false);
});

Deno.test("stats - loss attribution: too few samples to tell is not flagged", () => {
  const [, b] = hopStats(rounds(["a:1 * c:3", "a:1 b:2 c:3", "a:1 b:2 c:3"]));
  assert.equal(b.lossNotCarried, false);
});

Deno.test("stats - a shorter route in the window: hops end where the destination is now", () => {
  const stats = hopStats([round("a:1 b:2 c:3 d:4"), round("a:1 d:2")]);
  assert.equal(stats.length, 2);
  assert.equal(stats[1].sent, 2);
  assert.deepEqual(stats[1].ips.sort(), ["b", "d"]);
});

Deno.test("stats - focus window: last N and half-open time range", () => {
  const all = rounds(["a:1", "a:2", "a:3", "a:4"], 1000);
  assert.deepEqual(selectFocus(all, { last: 2 }).map((r) => r.seq), [2, 3]);
  assert.deepEqual(selectFocus(all, { start: 1000, end: 3000 }).map((r) => r.seq), [1, 2]);
  assert.equal(selectFocus(all, "all").length, 4);
  assert.equal(selectFocus(all, { last: 0 }).length, 0);
});

Deno.test("stats - a lost destination reply does not add a hop past the destination", () => {
  // Round 2 lost the destination's reply at TTL 3; its TTL 4 probe reached the destination.
  const stats = hopStats(rounds([
    "a:1 b:2 d:3",
    "a:1 b:2 * d:3",
    "a:1 b:2 d:3",
    "a:1 b:2 d:3",
  ]));
  assert.deepEqual(stats.map((h) => h.hop), [1, 2, 3]);
  assert.equal(stats[2].lossPct, 25);
  assert.equal(stats[2].lossNotCarried, false);
});
