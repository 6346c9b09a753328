// A counting semaphore with a FIFO queue: the engine-wide limit on probes in flight.

export class ProbeLimiter {
  #inFlight = 0;
  #waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`probe limit must be a positive integer, got ${capacity}`);
    }
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Takes a slot if one is free and nobody is queued for it; false otherwise (then acquire). */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.capacity || this.#waiters.length > 0) return false;
    this.#inFlight++;
    return true;
  }

  /** Resolves once a slot is held. Aborting while queued rejects and gives up the place. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        this.#inFlight++;
        resolve();
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== grant);
        reject(signal!.reason);
      };
      this.#waiters.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  release(): void {
    if (this.#inFlight === 0) throw new Error("ProbeLimiter.release without acquire");
    this.#inFlight--;
    const next = this.#waiters.shift();
    if (next) next();
  }
}
