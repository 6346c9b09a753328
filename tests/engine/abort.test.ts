import assert from "node:assert/strict";
import { whenAborted } from "../../engine/abort.ts";
import { systemClock } from "../../engine/clock.ts";

Deno.test("abort - every wait still registered runs once, in order; a stopped one does not", () => {
  const abort = new AbortController();
  const ran: string[] = [];
  whenAborted(abort.signal, () => ran.push("a"));
  const stopB = whenAborted(abort.signal, () => ran.push("b"));
  whenAborted(abort.signal, () => ran.push("c"));
  stopB();
  abort.abort();
  abort.abort();
  assert.deepEqual(ran, ["a", "c"]);
});

Deno.test("abort - waits come and go in any order; one stopped by an earlier one does not run", () => {
  const abort = new AbortController();
  const ran: string[] = [];
  const stops = ["a", "b", "c", "d"].map((name) => whenAborted(abort.signal, () => ran.push(name)));
  stops[3](); // the last
  stops[0](); // the first
  stops[0](); // twice is harmless
  whenAborted(abort.signal, () => (ran.push("e"), stopF()));
  const stopF = whenAborted(abort.signal, () => ran.push("f"));
  whenAborted(abort.signal, () => ran.push("g"));
  abort.abort();
  assert.deepEqual(ran, ["b", "c", "e", "g"]);
  stops[1](); // after it ran: nothing
});

Deno.test("abort - a wait registered after the abort never runs", () => {
  const abort = new AbortController();
  whenAborted(abort.signal, () => {});
  abort.abort();
  let ran = false;
  whenAborted(abort.signal, () => ran = true);
  assert.equal(ran, false);
});

Deno.test("system clock - an abort rejects every sleep on the signal with its reason", async () => {
  const abort = new AbortController();
  const sleeps = [systemClock.sleep(60_000, abort.signal), systemClock.sleep(60_000, abort.signal)];
  await systemClock.sleep(1, abort.signal); // a finished sleep leaves nothing behind
  abort.abort(new Error("stop"));
  for (const sleep of sleeps) await assert.rejects(sleep, /stop/);
});
