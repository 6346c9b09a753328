// Clocks: the real one and a manual one for tests. Everything time-dependent takes a Clock.
import { whenAborted } from "./abort.ts";
import type { Clock } from "./types.ts";

/** What a sleep cut short by `signal` rejects with. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("aborted", "AbortError");
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const cancel = () => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        stopWatching?.();
        resolve();
      }, Math.max(0, ms));
      // One listener per signal, not per sleep (see abort.ts).
      const stopWatching = signal ? whenAborted(signal, cancel) : undefined;
    });
  },
};

interface Sleeper {
  due: number;
  order: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told. `advance(ms)` wakes sleepers in due order and lets the
 * microtasks they start run before moving on, so chains of sleeps behave as in real time.
 */
export class ManualClock implements Clock {
  #mono = 0;
  #epoch: number;
  #sleepers: Sleeper[] = [];
  #order = 0;

  constructor(epochMs = Date.UTC(2026, 0, 1)) {
    this.#epoch = epochMs;
  }

  now(): number {
    return this.#epoch + this.#mono;
  }

  monotonic(): number {
    return this.#mono;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const sleeper: Sleeper = { due: this.#mono + Math.max(0, ms), order: this.#order++, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal));
      }, { once: true });
    });
  }

  /** Number of pending sleeps (useful to wait until a component has settled). */
  get pending(): number {
    return this.#sleepers.length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.#mono + ms;
    await flushMicrotasks();
    while (true) {
      const next = this.#nextDue();
      if (!next || next.due > target) break;
      this.#mono = Math.max(this.#mono, next.due);
      this.#sleepers = this.#sleepers.filter((s) => s !== next);
      next.resolve();
      await flushMicrotasks();
    }
    this.#mono = target;
    await flushMicrotasks();
  }

  #nextDue(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.#sleepers) {
      if (!best || s.due < best.due || (s.due === best.due && s.order < best.order)) best = s;
    }
    return best;
  }
}

/**
 * Lets every queued promise callback run: a macrotask turn drains the whole microtask queue.
 * A message is used rather than setTimeout(0), which waits for the timer tick (~2 ms here) and
 * would make a test of a few thousand simulated probes take seconds.
 */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      port2.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
