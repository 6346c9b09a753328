// Rule conditions on real rounds: which hop, which metric, and what counts as bad or clear.
import assert from "node:assert/strict";
import { Evaluator } from "../../alerts/evaluator.ts";
import { mosOf, sampleOf } from "../../alerts/sample.ts";
import { round, rounds } from "../engine/helpers.ts";
import { rule } from "./helpers.ts";

const GOOD = "10.0.0.1:1 10.0.0.2:2 10.0.0.9:3";
const LOST_AT_END = "10.0.0.1:1 10.0.0.2:2 * ?";
/** Hop 2 drops its own replies; the destination answers: rate limiting, not loss. */
const HOP2_SILENT = "10.0.0.1:1 * 10.0.0.9:3";

const input = (lines: string[], routeChanged = false) => ({ rounds: rounds(lines), routeChanged });

Deno.test("sample - loss at the final hop over the focus window", () => {
  const r = rule({ condition: { metric: "lossPct", op: ">=", threshold: 50 }, focusSamples: 4 });
  const s = sampleOf(r, input([GOOD, GOOD, LOST_AT_END, LOST_AT_END]));
  assert.equal(s.bad, true);
  assert.equal(s.value, 50);
  assert.equal(s.hop, 3);
  const older = sampleOf(r, input([LOST_AT_END, LOST_AT_END, GOOD, GOOD, GOOD, GOOD]));
  assert.equal(older.value, 0, "rounds before the focus window do not count");
  assert.equal(older.clear, true);
});

Deno.test("sample - 'any hop' loss ignores a router that only rate-limits its replies", () => {
  const r = rule({ hop: "any", condition: { metric: "lossPct", op: ">", threshold: 20 } });
  const s = sampleOf(r, input(Array(10).fill(HOP2_SILENT).map((l, i) => i % 2 ? l : GOOD)));
  assert.equal(s.bad, false, "hop 2 lost 50 % of replies but the destination lost none");
  assert.equal(s.clear, true);
  const real = sampleOf(r, input([GOOD, LOST_AT_END, LOST_AT_END, GOOD]));
  assert.equal(real.bad, true);
  assert.equal(real.hop, 3);
});

Deno.test("sample - hop number and hop address selectors", () => {
  const lines = ["10.0.0.1:1 10.0.0.2:80 10.0.0.9:81", "10.0.0.1:1 10.0.0.2:90 10.0.0.9:91"];
  const byNumber = rule({
    hop: { hop: 2 },
    condition: { metric: "avgMs", op: ">", threshold: 50 },
  });
  assert.deepEqual(
    [sampleOf(byNumber, input(lines)).value, sampleOf(byNumber, input(lines)).hop],
    [85, 2],
  );
  const byAddress = rule({
    hop: { address: "10.0.0.1" },
    condition: { metric: "avgMs", op: ">", threshold: 50 },
  });
  const s = sampleOf(byAddress, input(lines));
  assert.equal(s.value, 1);
  assert.equal(s.bad, false);
});

Deno.test("sample - current RTT looks at the newest round only; a lost reply is no data", () => {
  const r = rule({ condition: { metric: "curMs", op: ">", threshold: 50 } });
  assert.equal(sampleOf(r, input([GOOD, "10.0.0.1:1 10.0.0.2:2 10.0.0.9:70"])).bad, true);
  assert.equal(sampleOf(r, input(["10.0.0.1:1 10.0.0.2:2 10.0.0.9:70", GOOD])).bad, false);
});

Deno.test("sample - hysteresis: between the recovery threshold and the threshold is neither", () => {
  const r = rule({
    focusSamples: 10,
    condition: { metric: "lossPct", op: ">=", threshold: 50, recoverThreshold: 10 },
  });
  const band = sampleOf(r, input([...Array(7).fill(GOOD), ...Array(3).fill(LOST_AT_END)]));
  assert.deepEqual([band.value, band.bad, band.clear], [30, false, false]);
  const clear = sampleOf(r, input(Array(10).fill(GOOD)));
  assert.deepEqual([clear.bad, clear.clear], [false, true]);
});

Deno.test("sample - MOS from latency, jitter and loss", () => {
  assert.ok(mosOf(20, 1, 0)! > 4.3, "a clean path scores near the top");
  assert.ok(mosOf(20, 1, 5)! < mosOf(20, 1, 0)!);
  assert.ok(mosOf(300, 50, 0)! < 3.6, "long latency is poor");
  assert.equal(mosOf(null, null, 100), 1);
  const r = rule({ condition: { metric: "mos", op: "<", threshold: 3.5 } });
  assert.equal(sampleOf(r, input([LOST_AT_END, LOST_AT_END])).bad, true);
});

Deno.test("sample - unreachable destination, address in route, route changed", () => {
  const unreachable = rule({ condition: { metric: "unreachable" } });
  assert.equal(sampleOf(unreachable, input([GOOD, LOST_AT_END])).bad, true);
  assert.equal(sampleOf(unreachable, input([LOST_AT_END, GOOD])).bad, false);
  const address = rule({ condition: { metric: "addressInRoute", address: "10.0.0.66" } });
  const via = sampleOf(address, input(["10.0.0.1:1 10.0.0.66:2 10.0.0.9:3"]));
  assert.deepEqual([via.bad, via.hop], [true, 2]);
  assert.equal(sampleOf(address, input([GOOD])).bad, false);
  const changed = rule({ condition: { metric: "routeChanged" } });
  assert.equal(sampleOf(changed, input([GOOD], true)).bad, true);
  assert.equal(sampleOf(changed, input([GOOD], false)).clear, true);
});

Deno.test("evaluator - scope limits rules to their targets and each target has its own state", () => {
  const evaluator = new Evaluator();
  evaluator.setRules([
    rule({ scope: { targetIds: [2] }, trigger: { consecutive: 1 }, focusSamples: 1 }, 1),
    rule({ scope: "all", trigger: { consecutive: 1 }, focusSamples: 1 }, 2),
  ]);
  const t1 = evaluator.onRound(round(LOST_AT_END, { targetId: 1, at: 1000 }), false);
  const t2 = evaluator.onRound(round(LOST_AT_END, { targetId: 2, at: 1000 }), false);
  assert.deepEqual(t1.transitions.map((t) => t.rule.id), [2]);
  assert.deepEqual(t2.transitions.map((t) => t.rule.id), [1, 2]);
  assert.equal(evaluator.firing().length, 3);
  const dropped = evaluator.setRules([rule({ scope: "all" }, 2)]);
  assert.deepEqual(dropped, [{ ruleId: 1, targetId: 2 }], "a deleted rule's state is dropped");
});
