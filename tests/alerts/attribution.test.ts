// Loss rules on "any" hop use the trace graph's attribution over LOSS_ATTRIBUTION_ROUNDS rounds:
// a router rate-limiting its own replies (the FakeProber's dropsOwnRepliesPct) never fires; real
// forwarding loss (lossPct, carried to every later hop) still does.
import assert from "node:assert/strict";
import { Evaluator } from "../../alerts/evaluator.ts";
import { LOSS_ATTRIBUTION_ROUNDS } from "../../alerts/sample.ts";
import { ManualClock } from "../../engine/clock.ts";
import { DEFAULT_OPTIONS } from "../../engine/options.ts";
import { type FakeHop, FakeProber } from "../../engine/probers/fake.ts";
import { hopStats } from "../../engine/stats.ts";
import { traceRound } from "../../engine/tracer.ts";
import type { Round } from "../../engine/types.ts";
import { driveUntil } from "../engine/helpers.ts";
import { rule } from "./helpers.ts";

const DEST = "10.0.0.9";

async function roundsOn(hops: FakeHop[], count: number, seed: number): Promise<Round[]> {
  const clock = new ManualClock();
  const prober = new FakeProber({ clock, network: { [DEST]: hops }, seed });
  const limiter = { tryAcquire: () => true, acquire: () => Promise.resolve(), release: () => {} };
  const options = { ...DEFAULT_OPTIONS, maxHops: 5, interPacketDelayMs: 0, timeoutMs: 500 };
  const out: Round[] = [];
  for (let seq = 0; seq < count; seq++) {
    const plan = {
      targetId: 1,
      seq,
      startedAt: seq * 1000,
      address: DEST,
      options,
      ttls: [1, 2, 3],
    };
    out.push((await driveUntil(clock, traceRound(plan, { prober, clock, limiter }))).round);
  }
  return out;
}

/** Rounds that fired the rule (a 10-sample window, fires at once). */
function firings(rounds: Round[]): number {
  const evaluator = new Evaluator();
  evaluator.setRules([
    rule({
      hop: "any",
      condition: { metric: "lossPct", op: ">=", threshold: 30, recoverThreshold: 10 },
      focusSamples: 10,
      trigger: { consecutive: 1 },
      recoverAfterSamples: 1,
    }),
  ]);
  let fired = 0;
  for (const round of rounds) {
    const result = evaluator.onRound(round, false);
    fired += result.transitions.filter((t) => t.transition === "firing").length;
  }
  return fired;
}

const RATE_LIMITER: FakeHop[] = [
  { ip: "10.0.0.1", rttMs: 1 },
  { ip: "10.0.0.2", rttMs: 2, dropsOwnRepliesPct: 30 },
  { ip: DEST, rttMs: 3 },
];
const FORWARDING_LOSS: FakeHop[] = [
  { ip: "10.0.0.1", rttMs: 1 },
  { ip: "10.0.0.2", rttMs: 2, lossPct: 40 },
  { ip: DEST, rttMs: 3 },
];

Deno.test("alert attribution - a router rate-limiting 30 % of its replies never fires 'any hop' loss", async () => {
  const rounds = await roundsOn(RATE_LIMITER, 200, 7);
  // What the old rule saw: windows of 10 where hop 2 lost >= 30 % and the z-test over 10 rounds
  // could not call it rate limiting.
  let oldFirings = 0;
  for (let i = 10; i <= rounds.length; i++) {
    const hop2 = hopStats(rounds.slice(i - 10, i))[1];
    if (hop2.lossPct! >= 30 && !hop2.lossNotCarried) oldFirings++;
  }
  assert.ok(oldFirings > 0, "the 10-round window alone mistakes rate limiting for loss");
  assert.equal(firings(rounds), 0);
  assert.ok(LOSS_ATTRIBUTION_ROUNDS >= 38, "enough rounds to see a 10 % rate limiter (z >= 2)");
});

Deno.test("alert attribution - real forwarding loss still fires", async () => {
  const rounds = await roundsOn(FORWARDING_LOSS, 60, 7);
  assert.ok(firings(rounds) >= 1);
});
