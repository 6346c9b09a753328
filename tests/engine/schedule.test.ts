import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import {
  delayToSlot,
  LatenessWindow,
  runSchedule,
  SPREAD_SLOT_MS,
  spreadOffsetMs,
} from "../../engine/schedule.ts";
import { ProbeLimiter } from "../../engine/limiter.ts";
import { TimerQueue } from "../../engine/timer_queue.ts";

function startSchedule(
  clock: ManualClock,
  options: {
    intervalMs: number;
    busy?: () => boolean;
    endSeq?: number;
    offsetMs?: number;
    slotMs?: number;
  },
) {
  const started: { seq: number; at: number; lateMs: number }[] = [];
  const skipped: number[] = [];
  const counters = { roundsStarted: 0, roundsSkipped: 0 };
  const abort = new AbortController();
  const done = runSchedule({
    clock,
    timers: new TimerQueue(clock),
    intervalMs: options.intervalMs,
    offsetMs: options.offsetMs ?? 0,
    slotMs: options.slotMs,
    firstSeq: 0,
    endSeq: options.endSeq,
    counters,
    start: (seq, at, dueMono) => {
      if (options.busy?.()) return false;
      started.push({ seq, at, lateMs: clock.monotonic() - dueMono });
      return true;
    },
    skip: (seq) => skipped.push(seq),
  }, abort.signal);
  return { started, skipped, counters, abort, done };
}

Deno.test("schedule - rounds are due at start + k * interval, without drift", async () => {
  const clock = new ManualClock(1_000_000);
  const run = startSchedule(clock, { intervalMs: 2500 });
  await clock.advance(10 * 2500);
  run.abort.abort();
  await run.done;
  assert.equal(run.started.length, 11);
  assert.deepEqual(run.started.map((s) => s.at), run.started.map((_, k) => 1_000_000 + k * 2500));
  assert.ok(run.started.every((s) => s.lateMs === 0));
  assert.equal(run.counters.roundsSkipped, 0);
});

Deno.test("schedule - a round that cannot start on time is skipped and counted, the schedule holds", async () => {
  const clock = new ManualClock();
  let busy = false;
  const run = startSchedule(clock, { intervalMs: 1000, busy: () => busy });
  await clock.advance(1000); // seq 0, 1 started
  busy = true;
  await clock.advance(2000); // seq 2, 3 cannot start
  busy = false;
  await clock.advance(1000); // seq 4
  run.abort.abort();
  await run.done;
  assert.deepEqual(run.started.map((s) => s.seq), [0, 1, 4]);
  assert.deepEqual(run.skipped, [2, 3]);
  assert.equal(run.counters.roundsSkipped, 2);
  assert.deepEqual(run.started.map((s) => s.at - run.started[0].at), [0, 1000, 4000]);
});

Deno.test("schedule - stops after endSeq rounds", async () => {
  const clock = new ManualClock();
  const run = startSchedule(clock, { intervalMs: 100, endSeq: 3 });
  await clock.advance(10_000);
  await run.done;
  assert.deepEqual(run.started.map((s) => s.seq), [0, 1, 2]);
});

Deno.test("schedule - a spread start waits for the next slot, and its rounds stay on slots", async () => {
  const clock = new ManualClock(1_000_000);
  await clock.advance(7);
  const run = startSchedule(clock, { intervalMs: 2500, offsetMs: 30, slotMs: 50 });
  await clock.advance(42); // 7 + 30 = 37 ms is not on a slot: nothing yet
  assert.equal(run.started.length, 0);
  await clock.advance(1 + 2 * 2500);
  run.abort.abort();
  await run.done;
  const starts = run.started.map((s) => s.at - 1_000_000);
  assert.deepEqual(starts, [50, 2550, 5050]);
  assert.ok(run.started.every((s) => s.lateMs === 0));
});

Deno.test("schedule - first rounds of many targets spread over the interval", () => {
  const offsets = Array.from({ length: 100 }, (_, id) => spreadOffsetMs(id + 1, 2500));
  assert.ok(offsets.every((o) => o >= 0 && o < 2500));
  const buckets = new Set(offsets.map((o) => Math.floor(o / 250)));
  assert.equal(buckets.size, 10, "every tenth of the interval gets some targets");
});

Deno.test("lateness window - percentiles over the recent samples", () => {
  const window = new LatenessWindow(100);
  assert.equal(window.percentile(99), null);
  for (let i = 1; i <= 200; i++) window.add(i);
  assert.equal(window.percentile(50), 150);
  assert.equal(window.percentile(99), 199);
});

Deno.test("limiter - FIFO back-pressure and abort while queued", async () => {
  const limiter = new ProbeLimiter(2);
  await limiter.acquire();
  await limiter.acquire();
  const order: string[] = [];
  const third = limiter.acquire().then(() => order.push("third"));
  const abort = new AbortController();
  const fourth = limiter.acquire(abort.signal).then(
    () => order.push("fourth"),
    () => order.push("aborted"),
  );
  const fifth = limiter.acquire().then(() => order.push("fifth"));
  assert.equal(limiter.waiting, 3);
  abort.abort();
  await fourth;
  limiter.release();
  await third;
  limiter.release();
  await fifth;
  assert.deepEqual(order, ["aborted", "third", "fifth"]);
  assert.equal(limiter.inFlight, 2);
  assert.throws(() => new ProbeLimiter(0), RangeError);
});

Deno.test("limiter - tryAcquire takes a free slot; a released one goes to a queued waiter first", async () => {
  const limiter = new ProbeLimiter(1);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), false, "full");
  const queued = limiter.acquire();
  limiter.release();
  assert.equal(limiter.tryAcquire(), false, "the released slot went to the waiter");
  await queued;
  limiter.release();
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.inFlight, 1);
});

Deno.test("schedule - a chore timed with delayToSlot lands just after a spread slot's start, never early", () => {
  for (const [ms, now] of [[1000, 1234.5], [5000, 0], [10, 999.9], [250, 500]]) {
    const delay = delayToSlot(ms, now);
    const at = now + delay;
    assert.ok(delay >= ms, `${ms} from ${now}: waits ${delay}`);
    assert.ok(delay < ms + SPREAD_SLOT_MS + 2.5, `${ms} from ${now}: waits ${delay}`);
    const slot = Math.round((at - 2) / SPREAD_SLOT_MS) * SPREAD_SLOT_MS;
    assert.ok(Math.abs(at - 2 - slot) < 1e-9, `${ms} from ${now}: lands at ${at}`);
  }
});
