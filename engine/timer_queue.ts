// Many deadlines on one clock sleep: every target's schedule waits here for its next round. A
// clock sleep per round (a timer, its promise and closures, an abort listener) cost more than the
// round's own work at thousands of rounds a second; a heap entry costs one small object, and
// rounds due together (see SPREAD_SLOT_MS) are started in one pass.
import { whenAborted } from "./abort.ts";
import { abortReason } from "./clock.ts";
import { log } from "./log.ts";
import type { Clock } from "./types.ts";
import { Alarm } from "./alarm.ts";

/** A deadline in the queue; pass it to `cancel`. */
export interface QueuedTimer {
  readonly due: number;
  readonly order: number;
  readonly fire: () => void;
  /** Position in the heap, -1 once fired or cancelled. */
  index: number;
}

export class TimerQueue {
  readonly #heap: QueuedTimer[] = [];
  #order = 0;
  readonly #alarm: Alarm;
  #firing = false;

  /**
   * The clock, with sleeps that wait in this queue: rounds pace their probes with it, so the
   * second probes of every round started in one slot go out together too (in one write).
   */
  readonly queued: Clock;

  constructor(readonly clock: Clock) {
    this.#alarm = new Alarm(clock, () => this.#run());
    this.queued = {
      now: () => clock.now(),
      monotonic: () => clock.monotonic(),
      sleep: (ms, signal) => this.sleep(ms, signal),
    };
  }

  get size(): number {
    return this.#heap.length;
  }

  /** Calls `fire` once the monotonic clock reaches `due`; deadlines that tie fire in order added. */
  at(due: number, fire: () => void): QueuedTimer {
    const timer: QueuedTimer = { due, order: this.#order++, fire, index: this.#heap.length };
    this.#heap.push(timer);
    this.#up(timer.index);
    if (!this.#firing) this.#alarm.armFor(due);
    return timer;
  }

  /** Resolves `ms` from now; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const watching: { stop?: () => void } = {};
      const timer = this.at(this.clock.monotonic() + Math.max(0, ms), () => {
        watching.stop?.();
        resolve();
      });
      if (!signal) return;
      // One listener per signal, not per sleep (see abort.ts).
      watching.stop = whenAborted(signal, () => {
        this.cancel(timer);
        reject(abortReason(signal));
      });
    });
  }

  /** Forgets a deadline that has not fired yet (a no-op after it fired). */
  cancel(timer: QueuedTimer): void {
    const at = timer.index;
    if (at < 0) return;
    timer.index = -1;
    const last = this.#heap.pop()!;
    if (at < this.#heap.length) {
      this.#heap[at] = last;
      last.index = at;
      this.#down(at);
      this.#up(last.index);
    }
    // The sleep stays armed for the cancelled deadline: waking once for nothing is cheaper than
    // re-arming on every cancel.
  }

  #run(): void {
    this.#firing = true;
    try {
      const now = this.clock.monotonic();
      while (this.#heap.length && this.#heap[0].due <= now) {
        const timer = this.#pop();
        try {
          timer.fire();
        } catch (error) {
          // One failing callback must not strand the deadlines after it.
          log.error("timer callback failed", { error: String(error) });
        }
      }
    } finally {
      this.#firing = false;
    }
    if (this.#heap.length) this.#alarm.armFor(this.#heap[0].due);
  }

  #pop(): QueuedTimer {
    const top = this.#heap[0];
    const last = this.#heap.pop()!;
    if (this.#heap.length) {
      this.#heap[0] = last;
      last.index = 0;
      this.#down(0);
    }
    top.index = -1;
    return top;
  }

  #before(a: QueuedTimer, b: QueuedTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.order < b.order);
  }

  #up(at: number): void {
    const heap = this.#heap;
    const timer = heap[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#before(timer, heap[parent])) break;
      heap[at] = heap[parent];
      heap[at].index = at;
      at = parent;
    }
    heap[at] = timer;
    timer.index = at;
  }

  #down(at: number): void {
    const heap = this.#heap;
    const timer = heap[at];
    const n = heap.length;
    while (true) {
      const left = 2 * at + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#before(heap[right], heap[left]) ? right : left;
      if (!this.#before(heap[child], timer)) break;
      heap[at] = heap[child];
      heap[at].index = at;
      at = child;
    }
    heap[at] = timer;
    timer.index = at;
  }
}
