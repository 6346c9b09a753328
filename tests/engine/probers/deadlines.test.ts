import assert from "node:assert/strict";
import { ManualClock } from "../../../engine/clock.ts";
import { Deadlines } from "../../../engine/probers/deadlines.ts";

Deno.test("deadlines - each deadline fires when the clock reaches it", async () => {
  const clock = new ManualClock();
  const fired: [number, number][] = [];
  const deadlines = new Deadlines(clock, (token) => fired.push([token, clock.monotonic()]));
  deadlines.add(3000, 1);
  await clock.advance(1);
  deadlines.add(3000, 2);
  await clock.advance(3005);
  assert.deepEqual(fired, [[1, 3000], [2, 3001]]);
  deadlines.stop();
});

Deno.test("deadlines - a dead token is skipped, the next live one still fires on time", async () => {
  const clock = new ManualClock();
  const fired: [number, number][] = [];
  const live = new Set([1, 3]);
  const deadlines = new Deadlines(clock, (token) => fired.push([token, clock.monotonic()]), {
    live: (token) => live.has(token),
  });
  for (const token of [1, 2, 3]) {
    deadlines.add(3000, token);
    await clock.advance(1);
  }
  await clock.advance(2997); // 3000: token 1 is due
  assert.deepEqual(fired, [[1, 3000]]);
  await clock.advance(1); // 3001: token 2 was answered, nothing wakes for it
  assert.deepEqual(fired, [[1, 3000]]);
  assert.equal(clock.pending, 1);
  await clock.advance(1); // 3002: token 3 times out exactly on time
  assert.deepEqual(fired, [[1, 3000], [3, 3002]]);
  assert.equal(clock.pending, 0);
  deadlines.stop();
});

Deno.test("deadlines - a token that died after the timer was armed fires as a no-op", async () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  const live = new Set([1]);
  const deadlines = new Deadlines(clock, (token) => fired.push(token), {
    live: (token) => live.has(token),
  });
  deadlines.add(100, 1);
  live.delete(1);
  await clock.advance(200);
  assert.deepEqual(fired, [1]);
  deadlines.stop();
});
