// One clock sleep, re-armed for the earliest of many deadlines (timer_queue.ts, probers/
// deadlines.ts): arming for an earlier time replaces the sleep, a later one leaves it be.
import type { Clock } from "./types.ts";

export class Alarm {
  #armedFor = Infinity;
  #abort: AbortController | null = null;

  /** `wake` runs once the clock reaches the time it was armed for. */
  constructor(readonly clock: Clock, readonly wake: () => void) {}

  /** Arms for monotonic time `due` unless armed for an earlier one already. */
  armFor(due: number): void {
    if (due >= this.#armedFor) return;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.#armedFor = due;
    this.clock.sleep(Math.max(0, due - this.clock.monotonic()), abort.signal).then(() => {
      if (this.#abort !== abort) return;
      this.#abort = null;
      this.#armedFor = Infinity;
      this.wake();
    }, () => {});
  }

  disarm(): void {
    this.#abort?.abort();
    this.#abort = null;
    this.#armedFor = Infinity;
  }
}
