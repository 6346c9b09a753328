// The engine: schedules rounds for many targets, traces them, and publishes what it finds.
// It knows nothing of storage, the API or alerts: they subscribe.
import { systemClock } from "./clock.ts";
import { type AddressLookup, ReverseDns, systemAddressLookup } from "./dns.ts";
import { ProbeLimiter } from "./limiter.ts";
import { RouteTracker, type RouteTrackerOptions } from "./route.ts";
import { TargetRunner, type TargetRuntime } from "./target_runner.ts";
import type {
  AddressChange,
  Clock,
  Prober,
  Round,
  RouteChange,
  RoutePath,
  Target,
} from "./types.ts";
import { LatenessWindow } from "./schedule.ts";
import { TimerQueue } from "./timer_queue.ts";
import { log } from "./log.ts";

export type EngineEvent =
  | { type: "round"; round: Round }
  | { type: "routeChange"; change: RouteChange }
  | { type: "addressChange"; change: AddressChange }
  | { type: "dnsName"; ip: string; name: string | null }
  | { type: "targetError"; targetId: number; at: number; message: string };

export interface EngineOptions {
  prober: Prober;
  clock?: Clock;
  /** Engine-wide limit of probes in flight (mtr-packet itself allows 1024). */
  maxProbesInFlight?: number;
  addressLookup?: AddressLookup;
  /** Reverse DNS cache; false turns reverse lookups off. */
  reverseDns?: ReverseDns | false;
  /** How often hostname targets are resolved again (dynamic DNS). */
  reresolveIntervalMs?: number;
  /** A round whose first probe left later than this behind schedule counts as late. */
  lateThresholdMs?: number;
  /** Spread first rounds of targets over their interval (off for a single `trace`). */
  spreadStart?: boolean;
  route?: RouteTrackerOptions;
}

export interface EngineCounters {
  targets: number;
  probesInFlight: number;
  probesWaiting: number;
  roundsStarted: number;
  roundsCompleted: number;
  roundsLate: number;
  roundsSkipped: number;
  latenessP50Ms: number | null;
  latenessP99Ms: number | null;
}

export interface TargetInit {
  /** Resolved address to start with (else resolved from target.host). */
  address?: string;
  /** The route known from history, so tracking resumes without a fresh warm-up. */
  route?: RoutePath | null;
  /** Run this many rounds, then stop (the `trace --count` case). */
  roundLimit?: number;
}

export class Engine {
  readonly clock: Clock;
  readonly dns: ReverseDns | null;
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  readonly #runners = new Map<number, TargetRunner>();
  readonly #runtime: TargetRuntime;

  constructor(options: EngineOptions) {
    this.clock = options.clock ?? systemClock;
    const clock = this.clock;
    this.dns = options.reverseDns === false ? null : options.reverseDns ??
      new ReverseDns({
        clock,
        onResolved: (ip, name) => this.#emit({ type: "dnsName", ip, name }),
      });
    this.#runtime = {
      clock,
      timers: new TimerQueue(clock),
      prober: options.prober,
      limiter: new ProbeLimiter(options.maxProbesInFlight ?? 1024),
      addressLookup: options.addressLookup ?? systemAddressLookup,
      reresolveIntervalMs: options.reresolveIntervalMs ?? 300_000,
      lateThresholdMs: options.lateThresholdMs ?? 100,
      spreadStart: options.spreadStart ?? true,
      counters: { roundsStarted: 0, roundsSkipped: 0, roundsCompleted: 0, roundsLate: 0 },
      lateness: new LatenessWindow(),
      slotted: { roundsPerSecond: 0 },
      emit: (event) => this.#emit(event),
      requestName: (ip) => this.dns?.request(ip),
      newTracker: (id, route) => new RouteTracker(id, { ...options.route, initial: route }),
    };
  }

  /** Adds a target, or applies new settings to a running one at once. */
  setTarget(target: Target, init: TargetInit = {}): void {
    const existing = this.#runners.get(target.id);
    if (existing) {
      existing.update(target);
      return;
    }
    const runner = new TargetRunner(target, this.#runtime, init);
    this.#runners.set(target.id, runner);
    runner.start();
  }

  /** Stops probing a target. Rounds already in flight are dropped, not published. */
  async removeTarget(id: number): Promise<void> {
    const runner = this.#runners.get(id);
    if (!runner) return;
    this.#runners.delete(id);
    await runner.stop({ publishInFlight: false });
  }

  /** Resolves once a target with a round limit has published its last round. */
  whenIdle(id: number): Promise<void> {
    return this.#runners.get(id)?.finished ?? Promise.resolve();
  }

  targetIds(): number[] {
    return [...this.#runners.keys()];
  }

  /** Current address and learned distance of a target, or null if unknown to the engine. */
  targetStatus(id: number): { address: string | null; knownDistance: number | null } | null {
    return this.#runners.get(id)?.status() ?? null;
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  counters(): EngineCounters {
    const { counters, limiter, lateness } = this.#runtime;
    return {
      targets: this.#runners.size,
      probesInFlight: limiter.inFlight,
      probesWaiting: limiter.waiting,
      ...counters,
      latenessP50Ms: lateness.percentile(50),
      latenessP99Ms: lateness.percentile(99),
    };
  }

  /** Stops every schedule; rounds in flight finish and are published before this resolves. */
  async stop(): Promise<void> {
    const runners = [...this.#runners.values()];
    this.#runners.clear();
    await Promise.all(runners.map((runner) => runner.stop({ publishInFlight: true })));
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // A failing subscriber must not stop probing or starve the other subscribers.
        log.error("engine subscriber failed", { event: event.type, error: String(error) });
      }
    }
  }
}
