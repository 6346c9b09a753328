// Route change detection on the sequence of responding addresses.
//
// A timeout (*) says nothing about the route and is ignored. An address new to a hop starts a
// streak; if a known address of that hop answers again before the streak is confirmed, the new
// address joins the hop as another ECMP member. Only when a hop answers with new addresses for
// `confirmRounds` rounds in a row is the route considered changed.
//
// The destination answering one TTL further on than it used to is usually its own reply to the
// nearer probe getting lost, not a longer path (mtr shows it as the destination on two rows).
// A longer path behind a silent router looks the same round by round, so that case needs
// ECHO_CONFIRM_FACTOR times the evidence; any round reaching the destination nearer ends it.
import type { Round, RouteChange, RoutePath } from "./types.ts";

export interface RouteTrackerOptions {
  /** Consecutive rounds of new addresses at a hop that make a change. */
  confirmRounds?: number;
  /** Rounds (with at least one answer) used to learn the first route, ECMP members included. */
  warmupRounds?: number;
}

interface HopStreak {
  novel: Set<string>;
  count: number;
  since: number;
  /** Only the destination has been seen here, and it is known at a lower TTL. */
  echo: boolean;
}

/** How many more rounds it takes to believe the destination moved farther away. */
export const ECHO_CONFIRM_FACTOR = 3;

export class RouteTracker {
  readonly #confirmRounds: number;
  readonly #warmupRounds: number;
  #known: Set<string>[] | null;
  #warmup: Round[] = [];
  #streaks = new Map<number, HopStreak>();

  constructor(
    readonly targetId: number,
    options: RouteTrackerOptions & { initial?: RoutePath | null } = {},
  ) {
    this.#confirmRounds = options.confirmRounds ?? 3;
    this.#warmupRounds = options.warmupRounds ?? 5;
    this.#known = options.initial ? options.initial.map((ips) => new Set(ips)) : null;
  }

  /** The route as currently known (null while still learning it). */
  get path(): RoutePath | null {
    return this.#known ? toPath(this.#known) : null;
  }

  /** Forgets everything, e.g. after the target's address changed. */
  reset(): void {
    this.#known = null;
    this.#warmup = [];
    this.#streaks.clear();
  }

  /** Feeds one finished round; returns the change it confirms, if any. */
  observe(round: Round): RouteChange | null {
    if (!answered(round)) return null;
    if (!this.#known) {
      this.#learn(round);
      return null;
    }
    const known = this.#known;
    for (const hop of round.hops) {
      if (hop.ip === null) continue;
      const index = hop.ttl - 1;
      if (known[index]?.has(hop.ip)) {
        const streak = this.#streaks.get(hop.ttl);
        // New addresses seen between known ones are load-balancing siblings, not a new route.
        if (streak) { for (const ip of streak.novel) (known[index] ??= new Set()).add(ip); }
        this.#streaks.delete(hop.ttl);
        continue;
      }
      const streak = this.#streaks.get(hop.ttl) ??
        { novel: new Set<string>(), count: 0, since: round.startedAt, echo: true };
      streak.novel.add(hop.ip);
      streak.echo &&= hop.ip === round.address &&
        known.slice(0, index).some((ips) => ips.has(hop.ip!));
      streak.count++;
      this.#streaks.set(hop.ttl, streak);
    }
    if (this.#streaks.size === 0) return null;
    // A round that reached the destination shows that no hop lies beyond it: novelty seen out
    // there before (the destination answering one TTL late after a lost reply) is contradicted.
    if (round.destinationReached) {
      const distance = lastTtl(round);
      for (const ttl of this.#streaks.keys()) {
        if (ttl > distance) this.#streaks.delete(ttl);
      }
    }
    for (const s of this.#streaks.values()) {
      if (s.count >= this.#confirmRounds * (s.echo ? ECHO_CONFIRM_FACTOR : 1)) {
        return this.#commit(round);
      }
    }
    return null;
  }

  #learn(round: Round): void {
    this.#warmup.push(round);
    if (this.#warmup.length < this.#warmupRounds) return;
    const sets: Set<string>[] = [];
    for (const r of this.#warmup) {
      for (const hop of r.hops) {
        sets[hop.ttl - 1] ??= new Set();
        if (hop.ip !== null) sets[hop.ttl - 1].add(hop.ip);
      }
    }
    this.#known = trimToDestination(fill(sets), this.#warmup);
    this.#warmup = [];
  }

  #commit(round: Round): RouteChange {
    const before = toPath(this.#known!);
    let after = fill(this.#known!.map((set) => new Set(set)));
    let at = round.startedAt;
    for (const [ttl, streak] of this.#streaks) {
      after[ttl - 1] = new Set(streak.novel);
      at = Math.min(at, streak.since);
    }
    after = fill(after);
    if (round.destinationReached) {
      after = after.slice(0, lastTtl(round));
      // The destination is at one distance: where it answers now.
      for (const set of after.slice(0, -1)) set.delete(round.address);
    }
    this.#known = after;
    this.#streaks.clear();
    return { targetId: this.targetId, at, before, after: toPath(after) };
  }
}

function fill(sets: (Set<string> | undefined)[]): Set<string>[] {
  return Array.from({ length: sets.length }, (_, i) => sets[i] ?? new Set<string>());
}

function trimToDestination(sets: Set<string>[], rounds: Round[]): Set<string>[] {
  const reached = rounds.filter((r) => r.destinationReached);
  if (!reached.length) return sets;
  return sets.slice(0, lastTtl(reached[reached.length - 1]));
}

/**
 * The TTL of a round's last hop: where the destination answered, when it did. Not the number of
 * hops: a final-hop-only round has one, at the largest TTL.
 */
function lastTtl(round: Round): number {
  return round.hops.length ? round.hops[round.hops.length - 1].ttl : 0;
}

function answered(round: Round): boolean {
  for (const hop of round.hops) if (hop.ip !== null) return true;
  return false;
}

function toPath(sets: Set<string>[]): RoutePath {
  return sets.map((set) => [...set].sort());
}
