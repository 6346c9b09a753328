// The summary's newest final-hop results of a target (store/focus_figures.ts): a ring of typed
// arrays that keeps the results in time order, a late round in its place, the newest `capacity`.
import assert from "node:assert/strict";
import { RecentFinals } from "../../store/focus_figures.ts";
import { mulberry32 } from "../../engine/random.ts";

/** The list the ring replaced: objects in time order, spliced in, the oldest shifted out. */
function reference(capacity: number) {
  const list: { ts: number; rttUs: number | null }[] = [];
  return {
    list,
    add(ts: number, rttUs: number | null) {
      let i = list.length;
      while (i > 0 && list[i - 1].ts > ts) i--;
      list.splice(i, 0, { ts, rttUs });
      if (list.length > capacity) list.shift();
    },
  };
}

Deno.test("recent finals - folds the newest rounds: loss, average, minimum, current, jitter", () => {
  const finals = new RecentFinals(100);
  for (const [ts, rttUs] of [[1000, 900], [3500, null], [6000, 1100], [8500, 1000]] as const) {
    finals.add(ts, rttUs);
  }
  assert.deepEqual(finals.fold(3), {
    lastAt: 8500,
    sent: 3,
    lost: 1,
    lossPct: 100 / 3,
    avgUs: 1050,
    minUs: 1000,
    curUs: 1000,
    jitterUs: 100,
  });
  finals.add(11_000, null);
  assert.equal(finals.fold(10).curUs, null, "the newest round was lost");
  assert.equal(finals.fold(10).sent, 5);
  finals.clear();
  const empty = finals.fold(10);
  assert.deepEqual([finals.length, empty.sent, empty.lastAt, empty.curUs, empty.jitterUs], [
    0,
    0,
    null,
    null,
    null,
  ]);
});

Deno.test("recent finals - a round's final hop: lost when the destination did not answer, none on an error", () => {
  const finals = new RecentFinals(10);
  const reply = { ttl: 3, kind: "reply", ip: "10.0.3.1", rttUs: 2500, approximate: false } as const;
  finals.addRound({ ts: 1, hops: [reply], destinationReached: true });
  finals.addRound({
    ts: 2,
    hops: [{ ...reply, kind: "timeout", ip: null, rttUs: null }],
    destinationReached: false,
  });
  finals.addRound({
    ts: 3,
    hops: [{ ...reply, kind: "error", ip: null, rttUs: null }],
    destinationReached: false,
  });
  finals.addRound({ ts: 4, hops: [], destinationReached: false });
  assert.deepEqual([finals.length, finals.fold(10).lost, finals.fold(10).avgUs], [2, 1, 2500]);
});

Deno.test("recent finals - the same results as a sorted list, late rounds and wrapping included", () => {
  const rand = mulberry32(7);
  for (const capacity of [1, 3, 7, 100]) {
    const ring = new RecentFinals(capacity), list = reference(capacity);
    let now = 0;
    for (let i = 0; i < 2000; i++) {
      now += 2500;
      // Mostly in order; some rounds late by up to 4 intervals, some at the same time as another.
      const late = rand() < 0.2 ? Math.floor(rand() * 5) * 2500 : 0;
      const ts = now - late;
      const rttUs = rand() < 0.1 ? null : Math.floor(rand() * 10_000);
      ring.add(ts, rttUs);
      list.add(ts, rttUs);
      assert.equal(ring.length, list.list.length);
      for (const focus of [1, 2, capacity]) {
        const kept = list.list.slice(-focus), answered = kept.filter((f) => f.rttUs !== null);
        const fold = ring.fold(focus);
        assert.deepEqual(
          [fold.lastAt, fold.sent, fold.lost, fold.curUs, fold.minUs],
          [
            kept.at(-1)!.ts,
            kept.length,
            kept.length - answered.length,
            kept.at(-1)!.rttUs,
            answered.length ? Math.min(...answered.map((f) => f.rttUs!)) : null,
          ],
          `capacity ${capacity}, round ${i}, focus ${focus}`,
        );
        const sum = answered.reduce((s, f) => s + f.rttUs!, 0);
        assert.equal(fold.avgUs, answered.length ? sum / answered.length : null);
      }
    }
  }
});
