// Probe deadlines without a timer per probe. Deadlines of one delay (a probe's timeout) are
// added in time order, so each delay keeps a FIFO ring of (due, token) in typed arrays, and one
// clock sleep is armed for the earliest head. At thousands of probes a second this replaces an
// AbortController, an abort listener and a timer per probe (kilobytes of garbage each) with two
// array slots; an answered probe's entry is simply skipped when its time comes.
import type { Clock } from "../types.ts";
import { Alarm } from "../alarm.ts";

class Ring {
  due = new Float64Array(1024);
  token = new Float64Array(1024);
  head = 0;
  size = 0;

  push(due: number, token: number): void {
    if (this.size === this.due.length) this.#grow();
    const at = (this.head + this.size) % this.due.length;
    this.due[at] = due;
    this.token[at] = token;
    this.size++;
  }

  shift(): number {
    const token = this.token[this.head];
    this.head = (this.head + 1) % this.due.length;
    this.size--;
    return token;
  }

  get firstToken(): number {
    return this.token[this.head];
  }

  get firstDue(): number {
    return this.size ? this.due[this.head] : Infinity;
  }

  #grow(): void {
    const due = new Float64Array(this.due.length * 2);
    const token = new Float64Array(this.due.length * 2);
    for (let i = 0; i < this.size; i++) {
      due[i] = this.due[(this.head + i) % this.due.length];
      token[i] = this.token[(this.head + i) % this.due.length];
    }
    this.due = due;
    this.token = token;
    this.head = 0;
  }
}

export class Deadlines {
  readonly #rings = new Map<number, Ring>();
  /** Whether a token's deadline still matters (see the constructor). */
  readonly #live: (token: number) => boolean;
  readonly #alarm: Alarm;
  #firing = false;
  #stopped = false;

  /**
   * `fire(token)` runs for each deadline once the clock reaches it. `live(token)` false says its
   * firing would do nothing (the probe was answered): the timer is then armed past it, for the
   * first live deadline, instead of waking up once per probe only to skip it.
   */
  constructor(
    readonly clock: Clock,
    readonly fire: (token: number) => void,
    options: { live?: (token: number) => boolean } = {},
  ) {
    this.#live = options.live ?? (() => true);
    this.#alarm = new Alarm(clock, () => this.#run());
  }

  /** Calls fire(token) `delayMs` from now (monotonic). */
  add(delayMs: number, token: number): void {
    if (this.#stopped) return;
    let ring = this.#rings.get(delayMs);
    if (!ring) this.#rings.set(delayMs, ring = new Ring());
    const due = this.clock.monotonic() + delayMs;
    // The clock never goes back and the delay is the ring's own: its dues stay in order.
    ring.push(due, token);
    if (!this.#firing) this.#alarm.armFor(due);
  }

  /** Forgets every deadline and disarms. */
  stop(): void {
    this.#stopped = true;
    this.#rings.clear();
    this.#alarm.disarm();
  }

  #run(): void {
    this.#firing = true;
    try {
      const now = this.clock.monotonic();
      for (const ring of this.#rings.values()) {
        while (ring.size && ring.firstDue <= now) this.fire(ring.shift());
      }
    } finally {
      this.#firing = false;
    }
    let next = Infinity;
    for (const ring of this.#rings.values()) {
      while (ring.size && !this.#live(ring.firstToken)) ring.shift();
      next = Math.min(next, ring.firstDue);
    }
    if (next < Infinity && !this.#stopped) this.#alarm.armFor(next);
  }
}
