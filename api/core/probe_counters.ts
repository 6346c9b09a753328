// Probe and route-change counts per target since the process started, for /metrics. They live in
// the monitor service rather than in the engine's target runners, so editing, pausing or
// resuming a target (which replaces its runner) never resets them: Prometheus counters must only
// go up. Removing a target forgets its counts; its series end with it.
import type { EngineEvent, HopSample, Round } from "../../engine/mod.ts";

/** Probes at one hop: `sent` leaves prober errors out (their fate is unknown), as hop stats do. */
export interface ProbeCount {
  sent: number;
  /** Sent probes that nothing answered. */
  lost: number;
  /** Probes that could not be sent or whose fate is unknown. */
  errors: number;
}

export interface TargetCounts {
  /** The destination's hop of every round: answered only when the round reached it. */
  final: ProbeCount;
  /** Every hop by TTL. */
  hops: ReadonlyMap<number, ProbeCount>;
  routeChanges: number;
  rounds: number;
}

interface MutableCounts {
  final: ProbeCount;
  hops: Map<number, ProbeCount>;
  routeChanges: number;
  rounds: number;
}

function zero(): ProbeCount {
  return { sent: 0, lost: 0, errors: 0 };
}

function countHop(count: ProbeCount, hop: HopSample, answered: boolean): void {
  if (hop.kind === "error") count.errors++;
  else {
    count.sent++;
    if (!answered) count.lost++;
  }
}

export class ProbeCounters {
  readonly #targets = new Map<number, MutableCounts>();

  /** Counts a recorded engine event (rounds and route changes; the rest is ignored). */
  record(event: EngineEvent): void {
    if (event.type === "round") this.#round(event.round);
    else if (event.type === "routeChange") this.#of(event.change.targetId).routeChanges++;
  }

  /** The counts of a target (all zero when it published nothing since the start). */
  counts(targetId: number): TargetCounts {
    const found = this.#targets.get(targetId);
    return found ?? { final: zero(), hops: new Map(), routeChanges: 0, rounds: 0 };
  }

  forget(targetId: number): void {
    this.#targets.delete(targetId);
  }

  #of(targetId: number): MutableCounts {
    let counts = this.#targets.get(targetId);
    if (!counts) {
      counts = { final: zero(), hops: new Map(), routeChanges: 0, rounds: 0 };
      this.#targets.set(targetId, counts);
    }
    return counts;
  }

  #round(round: Round): void {
    const counts = this.#of(round.targetId);
    counts.rounds++;
    for (const hop of round.hops) {
      let count = counts.hops.get(hop.ttl);
      if (!count) counts.hops.set(hop.ttl, count = zero());
      countHop(count, hop, hop.rttUs !== null);
    }
    // The same final hop the summary uses (store/sqlite/latest.ts): the round's last hop, which
    // answered only if the round reached the destination.
    const last = round.hops.at(-1);
    if (last) countHop(counts.final, last, round.destinationReached && last.rttUs !== null);
  }
}
