// The hand-off from the engine to evaluation. The engine's listener only pushes (constant time,
// never awaits), so probing never waits for rules, the store or actions. A route change is
// published right after its round: it is attached to that round while it still waits here.
import { type EngineEvent, log, type Round } from "../engine/mod.ts";

export interface QueuedRound {
  round: Round;
  routeChanged: boolean;
}

export class RoundQueue {
  #items: QueuedRound[] = [];
  #pendingRouteChange = new Set<number>();
  #wake: (() => void) | null = null;
  dropped = 0;

  constructor(readonly limit: number) {}

  get length(): number {
    return this.#items.length;
  }

  onEngineEvent(event: EngineEvent): void {
    if (event.type === "round") this.#push(event.round);
    else if (event.type === "routeChange") this.#routeChange(event.change.targetId);
  }

  #push(round: Round): void {
    const routeChanged = this.#pendingRouteChange.delete(round.targetId);
    this.#items.push({ round, routeChanged });
    if (this.#items.length > this.limit) {
      this.#items.shift();
      if (this.dropped++ % 1000 === 0) {
        log.warn("alert evaluation is behind: dropping the oldest rounds", {
          dropped: this.dropped,
        });
      }
    }
    this.#wake?.();
  }

  /**
   * Marks the target's newest round still waiting here, or else its next one. Searched rather
   * than kept in a map by target: a map would hold every target's last round until its next one
   * (2.5 s and more), long enough for the young generation to promote each; route changes are
   * rare and the queue is short unless evaluation is behind.
   */
  #routeChange(targetId: number): void {
    for (let i = this.#items.length - 1; i >= 0; i--) {
      if (this.#items[i].round.targetId !== targetId) continue;
      this.#items[i].routeChanged = true;
      return;
    }
    this.#pendingRouteChange.add(targetId);
  }

  /** The next round, or null when empty. */
  take(): QueuedRound | null {
    return this.#items.shift() ?? null;
  }

  /** Resolves when something is pushed (or at once if something waits). */
  wait(signal: AbortSignal): Promise<void> {
    if (this.#items.length || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#wake = null;
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
