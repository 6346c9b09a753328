// A fixed-window limiter of failures per key (client address): login attempts.
export interface RateLimiterOptions {
  maxFailures: number;
  windowMs: number;
  now: () => number;
  /** Keys tracked at most; the oldest window is forgotten first. */
  maxKeys?: number;
}

export class RateLimiter {
  readonly #windows = new Map<string, { startedAt: number; failures: number }>();
  constructor(readonly options: RateLimiterOptions) {}

  /** Milliseconds until `key` may try again, or 0 when it may try now. */
  retryAfterMs(key: string): number {
    const window = this.#windows.get(key);
    if (!window) return 0;
    const elapsed = this.options.now() - window.startedAt;
    if (elapsed >= this.options.windowMs) {
      this.#windows.delete(key);
      return 0;
    }
    return window.failures >= this.options.maxFailures ? this.options.windowMs - elapsed : 0;
  }

  fail(key: string): void {
    const now = this.options.now();
    const window = this.#windows.get(key);
    if (!window || now - window.startedAt >= this.options.windowMs) {
      this.#windows.delete(key);
      this.#windows.set(key, { startedAt: now, failures: 1 });
      const max = this.options.maxKeys ?? 10_000;
      if (this.#windows.size > max) this.#windows.delete(this.#windows.keys().next().value!);
      return;
    }
    window.failures++;
  }

  succeed(key: string): void {
    this.#windows.delete(key);
  }
}
