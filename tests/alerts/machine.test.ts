// The rule state machine as named scenarios: samples in, transitions out, on explicit times.
import assert from "node:assert/strict";
import { type AlertState, initialState, step, type Transition } from "../../alerts/machine.ts";
import type { RuleSpecInput } from "../../alerts/rule.ts";
import type { Sample } from "../../alerts/sample.ts";
import { rule } from "./helpers.ts";

const BAD: Sample = { bad: true, clear: false, value: 60, hop: 3, hopIp: "10.0.0.9" };
const CLEAR: Sample = { bad: false, clear: true, value: 0, hop: 3, hopIp: "10.0.0.9" };
/** Between the recovery threshold and the threshold: neither fires nor recovers. */
const BAND: Sample = { bad: false, clear: false, value: 30, hop: 3, hopIp: "10.0.0.9" };

/** Runs samples one per second; returns the transitions as "t=<s>:<transition>". */
function run(input: Partial<RuleSpecInput>, samples: Sample[], start?: AlertState) {
  const r = rule(input);
  let state = start ?? initialState();
  const seen: string[] = [];
  samples.forEach((sample, i) => {
    const result = step(r, state, sample, i * 1000);
    state = result.state;
    if (result.transition) seen.push(`t=${i}:${result.transition satisfies Transition}`);
  });
  return { seen, state };
}

const many = (sample: Sample, n: number) => Array<Sample>(n).fill(sample);

Deno.test("machine - threshold crossing fires once after N consecutive bad samples", () => {
  const { seen, state } = run({ trigger: { consecutive: 3 } }, [
    BAD,
    BAD,
    CLEAR,
    ...many(BAD, 6),
  ]);
  assert.deepEqual(seen, ["t=5:firing"], "the broken streak does not count; one firing only");
  assert.equal(state.status, "firing");
  assert.equal(state.firedAt, 5000);
});

Deno.test("machine - X of the last Y samples fires like PingPlotter's form", () => {
  const pattern = [BAD, CLEAR, BAD, CLEAR, CLEAR, BAD];
  assert.deepEqual(run({ trigger: { xOf: 3, last: 6 } }, pattern).seen, ["t=5:firing"]);
  assert.deepEqual(run({ trigger: { xOf: 3, last: 5 } }, pattern).seen, [], "only 2 in any 5");
});

Deno.test("machine - a time window fires once the condition has held that long", () => {
  const { seen } = run({ trigger: { forMs: 4000 } }, [CLEAR, ...many(BAD, 6)]);
  assert.deepEqual(seen, ["t=5:firing"], "bad since t=1, held 4 s at t=5");
});

Deno.test("machine - recovery comes once, after recoverAfterSamples clear samples in a row", () => {
  const { seen, state } = run({ trigger: { consecutive: 2 }, recoverAfterSamples: 3 }, [
    BAD,
    BAD,
    CLEAR,
    CLEAR,
    BAD,
    CLEAR,
    CLEAR,
    CLEAR,
    CLEAR,
  ]);
  assert.deepEqual(seen, ["t=1:firing", "t=7:recovered"]);
  assert.equal(state.status, "ok");
});

Deno.test("machine - reminders repeat at the interval while the alert holds, then stop", () => {
  const { seen } = run(
    { trigger: { consecutive: 1 }, repeatIntervalMs: 3000, recoverAfterSamples: 1 },
    [...many(BAD, 8), CLEAR, ...many(CLEAR, 4)],
  );
  assert.deepEqual(seen, ["t=0:firing", "t=3:reminder", "t=6:reminder", "t=8:recovered"]);
});

Deno.test("machine - no reminders without a repeat interval", () => {
  const { seen } = run({ trigger: { consecutive: 1 } }, many(BAD, 50));
  assert.deepEqual(seen, ["t=0:firing"]);
});

Deno.test("machine - flapping around the threshold fires once and does not recover in the band", () => {
  // Alternating bad and in-band values: a naive rule would fire and recover every few samples.
  const flapping = Array.from({ length: 40 }, (_, i) => i % 2 ? BAND : BAD);
  const { seen, state } = run({ trigger: { xOf: 2, last: 3 }, recoverAfterSamples: 3 }, [
    ...flapping,
    CLEAR,
    CLEAR,
    CLEAR,
  ]);
  assert.deepEqual(seen, ["t=2:firing", "t=42:recovered"]);
  assert.equal(state.status, "ok");
});

Deno.test("machine - flapping between bad and clear is damped by recoverAfterSamples", () => {
  const flapping = Array.from({ length: 30 }, (_, i) => i % 3 === 2 ? BAD : CLEAR);
  const { seen } = run({ trigger: { consecutive: 1 }, recoverAfterSamples: 3 }, flapping);
  assert.deepEqual(seen, ["t=2:firing"], "two clear samples between bad ones never recover");
});

Deno.test("machine - after recovery a new alert needs a fresh trigger (no instant re-fire)", () => {
  const { seen } = run({ trigger: { xOf: 2, last: 4 }, recoverAfterSamples: 2 }, [
    BAD,
    BAD,
    CLEAR,
    CLEAR,
    BAD,
    CLEAR,
    BAD,
  ]);
  assert.deepEqual(seen, ["t=1:firing", "t=3:recovered", "t=6:firing"]);
});

Deno.test("machine - a saved firing state recovers after a restart and never fires again", () => {
  const before = run({ trigger: { consecutive: 2 } }, [BAD, BAD, BAD]);
  assert.deepEqual(before.seen, ["t=1:firing"]);
  const saved: AlertState = JSON.parse(JSON.stringify(before.state));
  const after = run({ trigger: { consecutive: 2 }, recoverAfterSamples: 2 }, [
    BAD,
    BAD,
    CLEAR,
    CLEAR,
  ], saved);
  assert.deepEqual(after.seen, ["t=3:recovered"], "still firing after restart: only recovery");
});

Deno.test("machine - samples without data hold the state", () => {
  const none: Sample = { bad: false, clear: false, value: null, hop: null, hopIp: null };
  const { seen } = run({ trigger: { consecutive: 1 }, recoverAfterSamples: 1 }, [
    BAD,
    ...many(none, 10),
    CLEAR,
  ]);
  assert.deepEqual(seen, ["t=0:firing", "t=11:recovered"]);
});
