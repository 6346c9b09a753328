// Everything the engine does for one target: resolve its host, run its schedule, trace rounds,
// publish them in sequence order, learn its distance and its route.
import type { AddressLookup } from "./dns.ts";
import type { EngineEvent } from "./engine.ts";
import type { ProbeLimiter } from "./limiter.ts";
import { isIpv4, isIpv6 } from "./options.ts";
import type { RouteTracker } from "./route.ts";
import { type LatenessWindow, runSchedule, spreadOffsetMs, spreadSlotMs } from "./schedule.ts";
import {
  type DistanceMemory,
  plannedTtls,
  type ProbeSlots,
  type RoundPlan,
  type TracerDeps,
  traceRound,
  updateDistance,
} from "./tracer.ts";
import { log } from "./log.ts";
import type { TimerQueue } from "./timer_queue.ts";
import type { Clock, Prober, Round, RoutePath, Target } from "./types.ts";

/** What all runners share: the engine's tools and counters. */
export interface TargetRuntime {
  clock: Clock;
  /** Where every target's schedule waits for its next round. */
  timers: TimerQueue;
  prober: Prober;
  limiter: ProbeLimiter;
  addressLookup: AddressLookup;
  reresolveIntervalMs: number;
  lateThresholdMs: number;
  spreadStart: boolean;
  counters: {
    roundsStarted: number;
    roundsSkipped: number;
    roundsCompleted: number;
    roundsLate: number;
  };
  lateness: LatenessWindow;
  /** Rounds a second of the schedules running in slots (see spreadSlotMs). */
  slotted: { roundsPerSecond: number };
  emit(event: EngineEvent): void;
  requestName(ip: string): void;
  newTracker(targetId: number, route: RoutePath | null): RouteTracker;
}

const RESOLVE_RETRY_MS = 30_000;

export class TargetRunner {
  #target: Target;
  #address: string | null;
  readonly #memory: DistanceMemory = { knownDistance: null, missedRounds: 0 };
  readonly #tracker: RouteTracker;
  #nextSeq = 0;
  #nextToPublish = 0;
  /** Rounds finished before an earlier one, by seq (published in order). */
  readonly #finished = new Map<number, Round | null>();
  /** Rounds being traced, and who waits for there to be none (stop). */
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  /** Seq of a round still waiting for its first probe slot (back-pressure), if any. */
  #waitingStart: number | null = null;
  #loop: { abort: AbortController; done: Promise<void> } | null = null;
  /** Resolves when the last schedule that was told to stop has stopped (see update). */
  #lastLoopDone: Promise<void> = Promise.resolve();
  #stopped = false;
  #roundsAbort = new AbortController();
  #publishInFlight = true;
  /** Only the very first schedule is spread; a restart after an update begins at once. */
  #spread: boolean;

  readonly #roundLimit: number | undefined;
  #markFinished!: () => void;
  /** Resolves when every round up to the round limit has been published. */
  readonly finished = new Promise<void>((resolve) => this.#markFinished = resolve);

  constructor(
    target: Target,
    readonly rt: TargetRuntime,
    init: { address?: string; route?: RoutePath | null; roundLimit?: number },
  ) {
    this.#roundLimit = init.roundLimit;
    this.#target = target;
    this.#address = init.address ??
      (isIpv4(target.host) || isIpv6(target.host) ? target.host : null);
    this.#tracker = rt.newTracker(target.id, init.route ?? null);
    this.#spread = rt.spreadStart;
  }

  status(): { address: string | null; knownDistance: number | null } {
    return { address: this.#address, knownDistance: this.#memory.knownDistance };
  }

  start(): void {
    if (this.#target.paused || this.#loop || this.#stopped) return;
    const abort = new AbortController();
    this.#loop = { abort, done: this.#run(abort.signal) };
  }

  update(target: Target): void {
    const hostChanged = target.host !== this.#target.host;
    this.#target = target;
    if (hostChanged) {
      this.#address = isIpv4(target.host) || isIpv6(target.host) ? target.host : null;
      this.#forgetPath();
    }
    // Restart the schedule so new options apply from the next round; rounds in flight finish.
    // A second update before the first restart must wait for the same old schedule: it hands
    // on the next sequence number only when it has stopped.
    const old = this.#loop;
    this.#loop = null;
    old?.abort.abort();
    if (old) this.#lastLoopDone = old.done;
    this.#lastLoopDone.then(() => this.start());
  }

  async stop(options: { publishInFlight: boolean }): Promise<void> {
    this.#publishInFlight = options.publishInFlight;
    this.#stopped = true;
    this.#loop?.abort.abort();
    await this.#lastLoopDone;
    await this.#loop?.done;
    this.#loop = null;
    if (!options.publishInFlight) this.#roundsAbort.abort();
    if (this.#inFlight > 0) await new Promise<void>((idle) => this.#idleWaiters.push(idle));
  }

  async #run(signal: AbortSignal): Promise<void> {
    if (this.#address === null && !(await this.#resolveUntilDone(signal))) return;
    const reresolve = this.#reresolveLoop(signal);
    const spread = this.#spread;
    this.#spread = false;
    const { rt } = this;
    const intervalMs = this.#target.options.intervalMs;
    const slotted = spread && rt.prober.kernelTimed?.includes(this.#target.options.protocol);
    const rate = slotted ? 1000 / intervalMs : 0;
    rt.slotted.roundsPerSecond += rate;
    try {
      this.#nextSeq = await runSchedule({
        clock: rt.clock,
        timers: rt.timers,
        intervalMs,
        offsetMs: spread ? spreadOffsetMs(this.#target.id, intervalMs) : 0,
        slotMs: slotted ? spreadSlotMs(rt.slotted.roundsPerSecond) : 0,
        firstSeq: this.#nextSeq,
        endSeq: this.#roundLimit,
        counters: rt.counters,
        start: (seq, scheduledAt, dueMono) => this.#startRound(seq, scheduledAt, dueMono),
        skip: (seq) => this.#settle(seq, null),
      }, signal);
    } finally {
      rt.slotted.roundsPerSecond -= rate;
    }
    await reresolve;
  }

  #startRound(seq: number, scheduledAt: number, dueMono: number): boolean {
    if (this.#waitingStart !== null || this.#address === null) return false;
    const options = this.#target.options;
    const plan = {
      targetId: this.#target.id,
      seq,
      startedAt: scheduledAt,
      address: this.#address,
      options,
      ttls: plannedTtls(options, this.#memory),
    };
    this.#waitingStart = seq;
    // Rounds pace their probes with sleeps in the shared queue: the next TTLs of every round of a
    // slot go out in one pass.
    const { timers, prober } = this.rt;
    const tracked = { clock: timers.queued, prober, limiter: this.#watchFirstSend(seq, dueMono) };
    this.#inFlight++;
    this.#trace(seq, plan, tracked).catch((error) =>
      log.error("a round could not be published", { error: String(error) })
    );
    return true;
  }

  async #trace(seq: number, plan: RoundPlan, deps: TracerDeps): Promise<void> {
    let round: Round | null = null;
    try {
      round = (await traceRound(plan, deps, this.#roundsAbort.signal)).round;
    } catch {
      // Aborted (the target stopped) or failed: the round is skipped, as one never started.
    }
    try {
      this.#settle(seq, round);
    } finally {
      if (this.#waitingStart === seq) this.#waitingStart = null;
      if (--this.#inFlight === 0 && this.#idleWaiters.length > 0) {
        for (const idle of this.#idleWaiters.splice(0)) idle();
      }
    }
  }

  /** Wraps the limiter to record when the round's first probe actually got its slot. */
  #watchFirstSend(seq: number, dueMono: number): ProbeSlots {
    const { limiter, clock, lateness, counters, lateThresholdMs } = this.rt;
    let first = true;
    const got = () => {
      if (!first) return;
      first = false;
      if (this.#waitingStart === seq) this.#waitingStart = null;
      const lateMs = Math.max(0, clock.monotonic() - dueMono);
      lateness.add(lateMs);
      if (lateMs > lateThresholdMs) counters.roundsLate++;
    };
    return {
      tryAcquire: () => limiter.tryAcquire() && (got(), true),
      acquire: (signal?: AbortSignal) => limiter.acquire(signal).then(got),
      release: () => limiter.release(),
    };
  }

  /** Records a finished (or skipped: null) round and publishes every round now in order. */
  #settle(seq: number, round: Round | null): void {
    if (seq === this.#nextToPublish && this.#finished.size === 0) {
      // In order, as nearly every round is: no map entry to add and delete (a Map that empties
      // reallocates its table, hundreds of bytes a round).
      this.#nextToPublish++;
      if (round && this.#publishInFlight) this.#publish(round);
    } else this.#finished.set(seq, round);
    while (this.#finished.has(this.#nextToPublish)) {
      const next = this.#finished.get(this.#nextToPublish)!;
      this.#finished.delete(this.#nextToPublish);
      this.#nextToPublish++;
      if (next && this.#publishInFlight) this.#publish(next);
    }
    if (this.#roundLimit !== undefined && this.#nextToPublish >= this.#roundLimit) {
      this.#markFinished();
    }
  }

  #publish(round: Round): void {
    const { rt } = this;
    rt.counters.roundsCompleted++;
    if (round.address === this.#address) updateDistance(this.#memory, round, this.#target.options);
    for (const hop of round.hops) if (hop.ip !== null) rt.requestName(hop.ip);
    rt.emit({ type: "round", round });
    const change = round.address === this.#address ? this.#tracker.observe(round) : null;
    if (change) rt.emit({ type: "routeChange", change });
  }

  #forgetPath(): void {
    this.#memory.knownDistance = null;
    this.#memory.missedRounds = 0;
    this.#tracker.reset();
  }

  /** Resolves the host name, retrying until it works or the loop stops. */
  async #resolveUntilDone(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.#resolveOnce()) return true;
      try {
        await this.rt.clock.sleep(RESOLVE_RETRY_MS, signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  async #resolveOnce(): Promise<boolean> {
    const { host, options, id } = this.#target;
    const { rt } = this;
    try {
      const addresses = await rt.addressLookup(host, options.ipVersion);
      if (!addresses.length) throw new Error("no address");
      const after = addresses[0];
      if (after !== this.#address) {
        const before = this.#address;
        this.#address = after;
        if (before !== null) {
          this.#forgetPath();
          rt.emit({
            type: "addressChange",
            change: { targetId: id, at: rt.clock.now(), host, before, after },
          });
        }
      }
      return true;
    } catch (error) {
      const message = `cannot resolve ${host}: ${error instanceof Error ? error.message : error}`;
      rt.emit({ type: "targetError", targetId: id, at: rt.clock.now(), message });
      return false;
    }
  }

  async #reresolveLoop(signal: AbortSignal): Promise<void> {
    if (isIpv4(this.#target.host) || isIpv6(this.#target.host)) return;
    while (!signal.aborted) {
      try {
        await this.rt.clock.sleep(this.rt.reresolveIntervalMs, signal);
      } catch {
        return;
      }
      await this.#resolveOnce();
    }
  }
}
