// Counter readings to increases over a measured interval, as a pure state machine with time
// passed in (like alerts/machine.ts): the first reading of an interface only primes; a counter
// that goes backwards is a reset (a gap, re-primed from the new value, never a giant delta); a
// 32-bit counter that passes 2^32 wraps; an interface missing from a reading is forgotten, so
// when it returns it primes again.
import { COUNTER_NAMES, type InterfaceCounters } from "./types.ts";

export type Observation =
  | { kind: "primed" }
  | { kind: "gap"; reason: "reset" | "clock"; counter?: keyof InterfaceCounters }
  | { kind: "sample"; elapsedMs: number; deltas: InterfaceCounters; wrapped: boolean };

const TWO_32 = 2 ** 32;

interface Last {
  monoMs: number;
  counters: InterfaceCounters;
}

/** The increase of one counter, or null when it went backwards without a plausible wrap. */
export function counterDelta(
  previous: number,
  current: number,
  bits: 32 | 64,
): { delta: number; wrapped: boolean } | null {
  if (current >= previous) return { delta: current - previous, wrapped: false };
  if (bits === 32 && previous < TWO_32 && current < TWO_32) {
    // A wrap moves less than half the range between readings; a reset to near zero from low
    // values would need almost the whole range and is taken for what it is.
    const delta = current + TWO_32 - previous;
    if (delta < TWO_32 / 2) return { delta, wrapped: true };
  }
  return null;
}

export class CounterTracker {
  #last = new Map<string, Last>();

  observe(
    name: string,
    counters: InterfaceCounters,
    options: { monoMs: number; bits: 32 | 64 },
  ): Observation {
    const last = this.#last.get(name);
    this.#last.set(name, { monoMs: options.monoMs, counters: { ...counters } });
    if (!last) return { kind: "primed" };
    const elapsedMs = options.monoMs - last.monoMs;
    if (!(elapsedMs > 0)) return { kind: "gap", reason: "clock" };
    const deltas = { ...counters };
    let wrapped = false;
    for (const key of COUNTER_NAMES) {
      const step = counterDelta(last.counters[key], counters[key], options.bits);
      if (!step) return { kind: "gap", reason: "reset", counter: key };
      deltas[key] = step.delta;
      wrapped ||= step.wrapped;
    }
    return { kind: "sample", elapsedMs, deltas, wrapped };
  }

  /** Forgets interfaces not in `present` (a vanished one primes again when it returns). */
  retain(present: ReadonlySet<string>): string[] {
    const gone = [...this.#last.keys()].filter((name) => !present.has(name));
    for (const name of gone) this.#last.delete(name);
    return gone;
  }

  has(name: string): boolean {
    return this.#last.has(name);
  }
}
