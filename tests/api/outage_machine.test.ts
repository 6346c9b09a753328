// The outage machine on its own: threshold, start at the first lost round, end at the first
// answer, and rounds that finish out of order.
import assert from "node:assert/strict";
import { INITIAL_OUTAGE_STATE, type OutageStep, stepOutage } from "../../api/core/mod.ts";

function run(rounds: [seq: number, answered: boolean][], threshold = 3): OutageStep[] {
  let state = INITIAL_OUTAGE_STATE;
  const steps: OutageStep[] = [];
  for (const [seq, answered] of rounds) {
    const next = stepOutage(state, { seq, startedAt: seq * 1000, answered }, threshold);
    state = next.state;
    if (next.step.kind !== "none") steps.push(next.step);
  }
  return steps;
}

Deno.test("outage machine - two lost rounds are no outage, the third starts one at the first", () => {
  assert.deepEqual(run([[0, true], [1, false], [2, false], [3, true]]), []);
  assert.deepEqual(run([[0, true], [1, false], [2, false], [3, false]]), [
    { kind: "start", start: 1000, roundsLost: 3, lastLostAt: 3000 },
  ]);
});

Deno.test("outage machine - extends while lost, ends at the first answered round", () => {
  assert.deepEqual(run([[1, false], [2, false], [3, false], [4, false], [5, true], [6, false]]), [
    { kind: "start", start: 1000, roundsLost: 3, lastLostAt: 3000 },
    { kind: "extend", roundsLost: 4, lastLostAt: 4000 },
    { kind: "end", end: 5000, roundsLost: 4, lastLostAt: 4000 },
  ]);
});

Deno.test("outage machine - a lost round finishing after the next answered one is ignored", () => {
  // Round 4 times out and finishes after round 5 answered: the outage ends at 5 and stays closed.
  assert.deepEqual(run([[1, false], [2, false], [3, false], [5, true], [4, false], [6, true]]), [
    { kind: "start", start: 1000, roundsLost: 3, lastLostAt: 3000 },
    { kind: "end", end: 5000, roundsLost: 3, lastLostAt: 3000 },
  ]);
});

Deno.test("outage machine - a threshold of 1 starts on the first lost round", () => {
  assert.deepEqual(run([[0, false], [1, true]], 1), [
    { kind: "start", start: 0, roundsLost: 1, lastLostAt: 0 },
    { kind: "end", end: 1000, roundsLost: 1, lastLostAt: 0 },
  ]);
});
