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
