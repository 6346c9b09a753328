// A target's final-hop figures over its last rounds (the summary's focus window), kept and folded
// the same way for every backend: the newest rounds' final-hop results in a ring of two typed
// arrays. As a list of objects, 100 results a target were 100 objects and their boxed times,
// each replaced a round later: some 6 kB a target (30 MB for 5,000) that the collector marked and
// promoted; the ring holds 1.6 kB a target, off the collector's heap, and allocates nothing.
import { jitterUs } from "../engine/ground.ts";
import type { TargetSummary } from "./history_types.ts";
import type { DecodedRound } from "./rollup_math.ts";

export type FocusFold = Omit<
  TargetSummary,
  "targetId" | "agent" | "host" | "label" | "paused" | "sparkline"
>;

/** The newest rounds' final-hop results of a target, oldest first, at most `capacity`. */
export class RecentFinals {
  readonly #ts: Float64Array;
  /** The final hop's RTT; NaN: the destination did not answer (lost). */
  readonly #rttUs: Float64Array;
  #first = 0;
  #count = 0;

  constructor(readonly capacity: number) {
    this.#ts = new Float64Array(capacity);
    this.#rttUs = new Float64Array(capacity);
  }

  get length(): number {
    return this.#count;
  }

  clear(): void {
    this.#first = this.#count = 0;
  }

  /** Adds a round's final hop; a round without one (no hops, a prober error) adds nothing. */
  addRound(round: Pick<DecodedRound, "ts" | "hops" | "destinationReached">): void {
    const last = round.hops.at(-1);
    if (!last || last.kind === "error") return;
    const answered = round.destinationReached && last.rttUs !== null &&
      Number.isFinite(last.rttUs);
    this.add(round.ts, answered ? last.rttUs : null);
  }

  /**
   * Adds a result in time order, after those of the same time (a late round goes in its place);
   * when full, the oldest leaves, so one older than every kept result is not kept.
   */
  add(ts: number, rttUs: number | null): void {
    const capacity = this.capacity, times = this.#ts, rtts = this.#rttUs;
    let i = this.#count;
    while (i > 0 && times[(this.#first + i - 1) % capacity] > ts) i--;
    if (this.#count === capacity) {
      if (i === 0) return;
      this.#first = (this.#first + 1) % capacity;
      this.#count--;
      i--;
    }
    for (let j = this.#count; j > i; j--) {
      const to = (this.#first + j) % capacity, from = (this.#first + j - 1) % capacity;
      times[to] = times[from];
      rtts[to] = rtts[from];
    }
    const at = (this.#first + i) % capacity;
    times[at] = ts;
    rtts[at] = rttUs ?? NaN;
    this.#count++;
  }

  /** The figures over the newest `focusRounds` results. */
  fold(focusRounds: number): FocusFold {
    const capacity = this.capacity, rtts = this.#rttUs;
    const from = Math.max(0, this.#count - focusRounds);
    const sent = this.#count - from;
    let lost = 0, sum = 0, min = Infinity;
    answered.length = 0;
    for (let i = from; i < this.#count; i++) {
      const rttUs = rtts[(this.#first + i) % capacity];
      if (rttUs !== rttUs) lost++; // NaN is the one value unequal to itself
      else {
        sum += rttUs;
        min = Math.min(min, rttUs);
        answered.push(rttUs);
      }
    }
    const newest = (this.#first + this.#count - 1) % capacity;
    const curUs = sent ? rtts[newest] : NaN;
    const count = answered.length;
    return {
      lastAt: sent ? this.#ts[newest] : null,
      sent,
      lost,
      lossPct: sent ? (100 * lost) / sent : null,
      avgUs: count ? sum / count : null,
      minUs: count ? min : null,
      curUs: curUs === curUs ? curUs : null,
      jitterUs: jitterUs(answered),
    };
  }
}

/** fold's list of answered RTTs, reused (it never keeps it). */
const answered: number[] = [];
