// One sample of a rule on one target: after each finished round, does the condition hold (bad),
// is it clear of the recovery threshold (clear), and what value at which hop. Pure.
import { type HopStats, hopStats, type Round } from "../engine/mod.ts";
import type { Condition, NumericMetric, Operator, RuleSpec } from "./rule.ts";

export interface Sample {
  /** The condition holds. */
  bad: boolean;
  /** The value is on the clear side of the recovery threshold (never true while `bad`). */
  clear: boolean;
  /** The value that decided (null: no data, e.g. no reply to time). */
  value: number | null;
  /** TTL of the hop that decided, and its address. */
  hop: number | null;
  hopIp: string | null;
}

export interface SampleInput {
  /** The target's recent rounds, oldest first; the newest is the round just finished. */
  rounds: Round[];
  /** The engine reported a route change with the newest round. */
  routeChanged: boolean;
  /**
   * TTL at which the destination last answered (from rounds older than the focus too): while
   * the destination is silent, rounds run to max hops and the "final" hop is still this one.
   */
  destinationTtl?: number | null;
}

const NO_DATA: Sample = { bad: false, clear: false, value: null, hop: null, hopIp: null };

export function compare(value: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
  }
}

/**
 * Mean opinion score (1..4.5) from latency, jitter and loss, by the simplified E-model that
 * PingPlotter and most VoIP monitors use: effective latency = avg + 2 * jitter + 10 ms.
 */
export function mosOf(avgMs: number | null, jitterMs: number | null, lossPct: number | null) {
  if (lossPct === null) return null;
  if (lossPct >= 100 || avgMs === null) return 1;
  const effectiveMs = avgMs + 2 * (jitterMs ?? 0) + 10;
  let r = effectiveMs < 160 ? 93.2 - effectiveMs / 40 : 93.2 - (effectiveMs - 120) / 10;
  r -= 2.5 * lossPct;
  if (r < 0) return 1;
  return Math.min(4.5, 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r));
}

function metricOf(stats: HopStats, metric: NumericMetric): number | null {
  if (metric === "mos") return mosOf(stats.avgMs, stats.jitterMs, stats.lossPct);
  return stats[metric];
}

/**
 * Rounds over which a loss rule on "any" hop attributes loss, as the trace graph does ("loss does
 * not carry"): a two-proportion z-test (z >= 2) between a hop and a later one needs about
 * 4·p̄(1−p̄)·2/p² rounds to see a router dropping a share p of its own replies while later hops
 * lose none (p̄ = p/2): 38 rounds for p = 10 %, 18 for 20 %, 8 for 50 %. Over a 10-sample window
 * a router rate-limiting 30 % of its replies gives z ≈ 1.9 and looked like an outage; 50 rounds
 * tell a 10 % rate limiter from real loss. Until a target has that many rounds, only the last
 * hop's loss is judged (real forwarding loss reaches it too).
 */
export const LOSS_ATTRIBUTION_ROUNDS = 50;

/** Hops whose loss over the attribution window does not carry to later hops (rate limiting). */
function notCarried(rounds: Round[]): Set<number> {
  const stats = hopStats(rounds.slice(-LOSS_ATTRIBUTION_ROUNDS));
  return new Set(stats.filter((s) => s.lossNotCarried).map((s) => s.hop));
}

function selectHops(
  rule: RuleSpec,
  stats: HopStats[],
  destinationTtl: number | null,
  rounds: Round[],
): HopStats[] {
  const hop = rule.hop;
  if (hop === "final") {
    const known = destinationTtl === null ? undefined : stats.find((s) => s.hop === destinationTtl);
    return known ? [known] : stats.length ? [stats[stats.length - 1]] : [];
  }
  if (hop === "any") {
    // Loss a router's own replies show but later hops do not is rate limiting, not an outage.
    if (rule.condition.metric !== "lossPct") return stats;
    // Until the window holds enough rounds to tell, a router's loss is judged only where it
    // shows at the last hop too (forwarding loss carries there); the last hop is always judged.
    const rateLimited = notCarried(rounds);
    const enough = rounds.length >= LOSS_ATTRIBUTION_ROUNDS;
    const last = stats[stats.length - 1]?.hop;
    return stats.filter((s) =>
      s.hop === last || (enough && !s.lossNotCarried && !rateLimited.has(s.hop))
    );
  }
  if ("hop" in hop) return stats.filter((s) => s.hop === hop.hop);
  return stats.filter((s) => s.ips.includes(hop.address));
}

function judge(value: number | null, c: Condition): { bad: boolean; clear: boolean } {
  if (value === null || c.op === undefined || c.threshold === undefined) {
    return { bad: false, clear: false };
  }
  const bad = compare(value, c.op, c.threshold);
  const clear = !bad && !compare(value, c.op, c.recoverThreshold ?? c.threshold);
  return { bad, clear };
}

function numericSample(rule: RuleSpec, rounds: Round[], destinationTtl: number | null): Sample {
  const metric = rule.condition.metric as NumericMetric;
  const focus = metric === "curMs" ? rounds.slice(-1) : rounds.slice(-rule.focusSamples);
  const hops = selectHops(rule, hopStats(focus), destinationTtl, rounds);
  if (!hops.length) return NO_DATA;
  const samples = hops.map((stats): Sample => {
    const value = metricOf(stats, metric);
    return { ...judge(value, rule.condition), value, hop: stats.hop, hopIp: stats.ip };
  });
  // Hops that never answered have no latency to judge: with "any" they neither alarm nor block
  // recovery; a single selected hop without data holds the current state.
  const judged = samples.length > 1 ? samples.filter((s) => s.value !== null) : samples;
  if (!judged.length) return NO_DATA;
  const pick = judged.find((s) => s.bad) ?? judged.find((s) => !s.clear) ?? judged[0];
  return { ...pick, clear: judged.every((s) => s.clear) };
}

function flag(bad: boolean, hop: number | null, hopIp: string | null): Sample {
  return { bad, clear: !bad, value: bad ? 1 : 0, hop, hopIp };
}

function addressSample(rule: RuleSpec, newest: Round): Sample {
  const selector = rule.hop;
  const found = newest.hops.find((h) =>
    h.ip === rule.condition.address &&
    (typeof selector !== "object" || !("hop" in selector) || h.ttl === selector.hop)
  );
  return flag(found !== undefined, found?.ttl ?? null, found?.ip ?? null);
}

/** Evaluates a rule's condition on the newest round (and the focus window before it). */
export function sampleOf(rule: RuleSpec, input: SampleInput): Sample {
  const newest = input.rounds[input.rounds.length - 1];
  if (!newest) return NO_DATA;
  const last = newest.hops[newest.hops.length - 1];
  switch (rule.condition.metric) {
    case "routeChanged":
      return flag(input.routeChanged, null, null);
    case "unreachable":
      return flag(!newest.destinationReached, last?.ttl ?? null, last?.ip ?? null);
    case "addressInRoute":
      return addressSample(rule, newest);
    default: {
      const sample = numericSample(rule, input.rounds, input.destinationTtl ?? null);
      // A silent destination is still the address that was probed.
      const silentFinal = rule.hop === "final" && sample.hop !== null && sample.hopIp === null;
      return silentFinal ? { ...sample, hopIp: newest.address } : sample;
    }
  }
}
