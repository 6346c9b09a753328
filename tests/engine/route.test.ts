import assert from "node:assert/strict";
import { ECHO_CONFIRM_FACTOR, RouteTracker } from "../../engine/route.ts";
import type { RouteChange } from "../../engine/types.ts";
import { rounds } from "./helpers.ts";

function feed(
  lines: string[],
  tracker = new RouteTracker(1, { warmupRounds: 2, confirmRounds: 3 }),
) {
  const changes: RouteChange[] = [];
  for (const r of rounds(lines)) {
    const change = tracker.observe(r);
    if (change) changes.push(change);
  }
  return { changes, tracker };
}

Deno.test("route - the first route is learned, not reported as a change", () => {
  const { changes, tracker } = feed(["a b c", "a b c", "a b c"]);
  assert.equal(changes.length, 0);
  assert.deepEqual(tracker.path, [["a"], ["b"], ["c"]]);
});

Deno.test("route - timeouts are not route changes", () => {
  const { changes } = feed(["a b c", "a b c", "a * c", "a * *", "* * *", "a * c", "a b c"]);
  assert.equal(changes.length, 0);
});

Deno.test("route - ECMP: alternating addresses at one hop are one hop with several addresses", () => {
  const { changes, tracker } = feed([
    "a b1 c",
    "a b1 c",
    "a b2 c",
    "a b1 c",
    "a b2 c",
    "a b2 c",
    "a b1 c",
    "a b2 c",
    "a b2 c",
    "a b2 c",
    "a b2 c",
  ]);
  assert.equal(changes.length, 0);
  assert.deepEqual(tracker.path, [["a"], ["b1", "b2"], ["c"]]);
});

Deno.test("route - a real change is recorded once, with before/after and the time it began", () => {
  const { changes } = feed([
    "a b c",
    "a b c",
    "a b c",
    "a x c",
    "a * c",
    "a x c",
    "a x c",
    "a x c",
    "a x c",
  ]);
  assert.equal(changes.length, 1);
  assert.deepEqual(changes[0].before, [["a"], ["b"], ["c"]]);
  assert.deepEqual(changes[0].after, [["a"], ["x"], ["c"]]);
  assert.equal(changes[0].at, 3000, "the first round on the new route (seq 3, 1 s apart)");
});

Deno.test("route - a shorter path is a change and drops the vanished hops", () => {
  const { changes } = feed(["a b c d", "a b c d", "a d", "a d", "a d", "a d"]);
  assert.equal(changes.length, 1);
  assert.deepEqual(changes[0].after, [["a"], ["d"]]);
});

Deno.test("route - a longer path is a change", () => {
  const { changes } = feed(["a c", "a c", "a b c", "a b c", "a b c"]);
  assert.equal(changes.length, 1);
  assert.deepEqual(changes[0].after, [["a"], ["b"], ["c"]]);
});

Deno.test("route - changing back is a second change", () => {
  const { changes } = feed([
    "a b c",
    "a b c",
    "a x c",
    "a x c",
    "a x c",
    "a b c",
    "a b c",
    "a b c",
  ]);
  assert.equal(changes.length, 2);
  assert.deepEqual(changes[1].after, [["a"], ["b"], ["c"]]);
});

Deno.test("route - a known route from history skips the warm-up", () => {
  const tracker = new RouteTracker(1, { initial: [["a"], ["b"], ["c"]] });
  const { changes } = feed(["a x c", "a x c", "a x c"], tracker);
  assert.equal(changes.length, 1);
  assert.deepEqual(changes[0].before, [["a"], ["b"], ["c"]]);
});

Deno.test("route - reset forgets the route (target address changed)", () => {
  const { tracker } = feed(["a b c", "a b c"]);
  tracker.reset();
  assert.equal(tracker.path, null);
});

Deno.test("route - a destination that sometimes answers one TTL further on is not a change", () => {
  // Its reply at TTL 3 is lost now and then, and the probe for TTL 4 reaches it instead.
  const { changes, tracker } = feed([
    "a b c",
    "a b c",
    "a b * c",
    "a b c",
    "a b * c",
    "a b c",
    "a b * c",
    "a b c",
    "a b * c",
  ]);
  assert.deepEqual(changes, []);
  assert.deepEqual(tracker.path, [["a"], ["b"], ["c"]]);
});

Deno.test("route - a silent router inserted before the destination is a change, on more evidence", () => {
  const farther = Array(3 * ECHO_CONFIRM_FACTOR).fill("a b * c");
  const early = feed(["a b c", "a b c", ...farther.slice(1)]);
  assert.deepEqual(early.changes, [], "not yet: its nearer reply could just be lost");
  const { changes } = feed(["a b c", "a b c", ...farther]);
  assert.equal(changes.length, 1);
  assert.deepEqual(changes[0].before, [["a"], ["b"], ["c"]]);
  assert.deepEqual(changes[0].after, [["a"], ["b"], [], ["c"]], "the destination is one hop on");
  assert.equal(changes[0].at, 2000);
});

Deno.test("route - final-hop-only rounds: the destination is known at its TTL, no change", () => {
  const tracker = new RouteTracker(1, { warmupRounds: 2, confirmRounds: 3 });
  const finalHop = (seq: number, ip: string | null) => ({
    targetId: 1,
    seq,
    startedAt: seq * 2500,
    address: "d",
    destinationReached: ip !== null,
    hops: [{
      ttl: 30,
      kind: ip ? "reply" as const : "timeout" as const,
      ip,
      rttUs: ip ? 900 : null,
      approximate: false,
    }],
  });
  for (let seq = 0; seq < 20; seq++) {
    assert.equal(tracker.observe(finalHop(seq, seq % 5 === 4 ? null : "d")), null, `round ${seq}`);
  }
  // One hop, at TTL 30: not a path cut to one empty hop (as the count of hops made it).
  assert.deepEqual(tracker.path, [...Array.from({ length: 29 }, () => []), ["d"]]);
});
