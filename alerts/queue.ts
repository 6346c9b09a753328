// The hand-off from the engine to evaluation. The engine's listener only pushes (constant time,
// never awaits), so probing never waits for rules, the store or actions. A route change is
// published right after its round: it is attached to that round while it still waits here.
import { type EngineEvent, log, type Round } from "../engine/mod.ts";

export interface QueuedRound {
  round: Round;
  routeChanged: boolean;
  /** Set when taken for evaluation (a later route change then goes to the next round). */
  taken: boolean;
}

export class RoundQueue {
  #items: QueuedRound[] = [];
  #lastByTarget = new Map<number, QueuedRound>();
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
    const item: QueuedRound = { round, routeChanged, taken: false };
    this.#items.push(item);
    this.#lastByTarget.set(round.targetId, item);
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

  #routeChange(targetId: number): void {
    const last = this.#lastByTarget.get(targetId);
    if (last && !last.taken) last.routeChanged = true;
    else this.#pendingRouteChange.add(targetId);
  }

  /** The next round, or null when empty. */
  take(): QueuedRound | null {
    const item = this.#items.shift() ?? null;
    if (item) item.taken = true;
    return item;
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
