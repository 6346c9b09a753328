// The Worker's clock when its opener injected one (tests' ManualClock): it reads the time the
// host last sent (host.ts sends it before any message once it has moved), and its sleeps end when
// that time passes their due point, so the writer loop follows the opener's clock.
import type { Clock } from "../../engine/ground.ts";

export interface RelayedTime {
  now: number;
  monotonic: number;
}

interface Sleeper {
  due: number;
  resolve(): void;
}

export class RelayedClock implements Clock {
  #time: RelayedTime;
  #sleepers = new Set<Sleeper>();

  constructor(time: RelayedTime) {
    this.#time = time;
  }

  now(): number {
    return this.#time.now;
  }

  monotonic(): number {
    return this.#time.monotonic;
  }

  /** Moves to the host's time and wakes every sleep that is due by then. */
  set(time: RelayedTime): void {
    this.#time = time;
    for (const sleeper of this.#sleepers) {
      if (sleeper.due > time.monotonic) continue;
      this.#sleepers.delete(sleeper);
      sleeper.resolve();
    }
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const aborted = () => signal!.reason ?? new DOMException("aborted", "AbortError");
      if (signal?.aborted) return reject(aborted());
      // Due now: a turn, not a wait for the host's next time (the writer's flush slices).
      if (ms <= 0) {
        setTimeout(resolve, 0);
        return;
      }
      const sleeper = { due: this.#time.monotonic + Math.max(0, ms), resolve };
      this.#sleepers.add(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers.delete(sleeper);
        reject(aborted());
      }, { once: true });
    });
  }
}
