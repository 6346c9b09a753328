// The queue between the engine and alert evaluation: route changes find their round.
import assert from "node:assert/strict";
import { RoundQueue } from "../../alerts/queue.ts";
import type { EngineEvent, RouteChange } from "../../engine/mod.ts";
import { plainRound } from "../store/builders.ts";
import { captureLog } from "./helpers.ts";

function roundEvent(targetId: number, seq: number): EngineEvent {
  return { type: "round", round: plainRound(targetId, seq) };
}

function routeEvent(targetId: number): EngineEvent {
  const change: RouteChange = { targetId, at: 0, before: [["10.0.0.1"]], after: [["10.0.0.2"]] };
  return { type: "routeChange", change };
}

/** What take() gives, as target:seq and a ! for a route change. */
function drain(queue: RoundQueue): string[] {
  const taken: string[] = [];
  for (let item = queue.take(); item; item = queue.take()) {
    taken.push(`${item.round.targetId}:${item.round.seq}${item.routeChanged ? "!" : ""}`);
  }
  return taken;
}

Deno.test("round queue - a route change marks its target's newest waiting round", () => {
  const queue = new RoundQueue(100);
  for (const event of [roundEvent(1, 0), roundEvent(2, 0), roundEvent(1, 1), roundEvent(2, 1)]) {
    queue.onEngineEvent(event);
  }
  queue.onEngineEvent(routeEvent(1));
  assert.deepEqual(drain(queue), ["1:0", "2:0", "1:1!", "2:1"]);
});

Deno.test("round queue - a route change after its round was taken goes to the next one", () => {
  const queue = new RoundQueue(100);
  queue.onEngineEvent(roundEvent(1, 0));
  queue.onEngineEvent(roundEvent(2, 0));
  assert.deepEqual(drain(queue), ["1:0", "2:0"]);
  queue.onEngineEvent(routeEvent(1));
  queue.onEngineEvent(roundEvent(2, 1));
  queue.onEngineEvent(roundEvent(1, 1));
  queue.onEngineEvent(roundEvent(1, 2));
  assert.deepEqual(drain(queue), ["2:1", "1:1!", "1:2"]);
});

Deno.test("round queue - past its limit the oldest rounds go, and a change still lands", () => {
  const lines = captureLog();
  const queue = new RoundQueue(2);
  queue.onEngineEvent(roundEvent(1, 0));
  queue.onEngineEvent(roundEvent(2, 0));
  queue.onEngineEvent(roundEvent(2, 1)); // drops 1:0
  queue.onEngineEvent(routeEvent(1)); // its round is gone: the next one carries it
  queue.onEngineEvent(roundEvent(1, 1)); // drops 2:0
  assert.equal(queue.dropped, 2);
  assert.deepEqual(drain(queue), ["2:1", "1:1!"]);
  assert.ok(lines.some((line) => line.includes("dropping the oldest rounds")), lines.join());
});
