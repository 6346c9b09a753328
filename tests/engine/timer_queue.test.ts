import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { TimerQueue } from "../../engine/timer_queue.ts";

Deno.test("timer queue - many deadlines wait on one clock sleep and fire in due order", async () => {
  const clock = new ManualClock();
  const queue = new TimerQueue(clock);
  const fired: string[] = [];
  for (const [due, name] of [[30, "c"], [10, "a"], [20, "b1"], [20, "b2"], [40, "d"]] as const) {
    queue.at(due, () => fired.push(`${name}@${clock.monotonic()}`));
  }
  assert.equal(clock.pending, 1);
  await clock.advance(25);
  assert.deepEqual(fired, ["a@10", "b1@20", "b2@20"]);
  await clock.advance(100);
  assert.deepEqual(fired, ["a@10", "b1@20", "b2@20", "c@30", "d@40"]);
  assert.equal(queue.size, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("timer queue - a cancelled deadline never fires, the others still do", async () => {
  const clock = new ManualClock();
  const queue = new TimerQueue(clock);
  const fired: number[] = [];
  const timers = [50, 10, 30, 20, 40].map((due) => queue.at(due, () => fired.push(due)));
  queue.cancel(timers[1]);
  queue.cancel(timers[2]);
  queue.cancel(timers[2]);
  await clock.advance(100);
  assert.deepEqual(fired, [20, 40, 50]);
});

Deno.test("timer queue - a deadline added while firing, already due, fires in the same pass", async () => {
  const clock = new ManualClock();
  const queue = new TimerQueue(clock);
  const fired: string[] = [];
  queue.at(10, () => {
    fired.push("first");
    queue.at(5, () => fired.push("late"));
    queue.at(20, () => fired.push("next"));
  });
  await clock.advance(10);
  assert.deepEqual(fired, ["first", "late"]);
  await clock.advance(10);
  assert.deepEqual(fired, ["first", "late", "next"]);
});

Deno.test("timer queue - an earlier deadline re-arms the sleep", async () => {
  const clock = new ManualClock();
  const queue = new TimerQueue(clock);
  const fired: number[] = [];
  queue.at(100, () => fired.push(100));
  queue.at(10, () => fired.push(10));
  assert.equal(clock.pending, 1);
  await clock.advance(10);
  assert.deepEqual(fired, [10]);
  await clock.advance(90);
  assert.deepEqual(fired, [10, 100]);
});

Deno.test("timer queue - its clock's sleeps wait in the queue; an abort rejects and forgets them", async () => {
  const clock = new ManualClock();
  const queue = new TimerQueue(clock);
  const abort = new AbortController();
  const woke: string[] = [];
  queue.queued.sleep(20).then(() => woke.push(`plain@${clock.monotonic()}`));
  queue.queued.sleep(10, abort.signal).then(
    () => woke.push("aborted sleep woke"),
    (error) => woke.push(`rejected: ${error.name}`),
  );
  assert.equal(queue.size, 2);
  assert.equal(clock.pending, 1);
  abort.abort();
  await clock.advance(0);
  assert.deepEqual(woke, ["rejected: AbortError"]);
  assert.equal(queue.size, 1);
  await clock.advance(20);
  assert.deepEqual(woke, ["rejected: AbortError", "plain@20"]);
  await assert.rejects(queue.queued.sleep(5, abort.signal));
});
