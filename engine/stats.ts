// Hop statistics over a focus window: pure functions of rounds.
import type { HopSample, MplsLabel, Round } from "./types.ts";
import { type UnreachableMarker, unreachableMarker } from "./unreachable.ts";

export interface HopStats {
  /** TTL of the hop (1-based). */
  hop: number;
  /** The address that answered most recently (null: never answered in the window). */
  ip: string | null;
  /** Every address that answered at this hop, most frequent first (several = ECMP). */
  ips: string[];
  sent: number;
  received: number;
  /** Probes that could not be sent or whose fate is unknown: neither sent nor lost. */
  errors: number;
  lossPct: number | null;
  avgMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** The newest sample: null when it was lost (shown as ERR). */
  curMs: number | null;
  stdevMs: number | null;
  /** Mean absolute difference between consecutive received RTTs. */
  jitterMs: number | null;
  /** Some RTTs were measured around a child process rather than from the packet exchange. */
  approximate: boolean;
  /** Loss here that later hops do not show: probably a router rate-limiting its own replies. */
  lossNotCarried: boolean;
  /** The newest "destination unreachable" answered at this hop: !N, !H, !P, !A or ! (unknown). */
  unreachable?: UnreachableMarker;
  /** The MPLS label stack of the newest answer at this hop that carried one. */
  mpls?: MplsLabel[];
}

/** A focus window: the last N rounds, or a time range [start, end) on startedAt. */
export type Focus = { last: number } | { start: number; end: number } | "all";

export function selectFocus(rounds: Round[], focus: Focus): Round[] {
  if (focus === "all") return rounds;
  if ("last" in focus) return focus.last <= 0 ? [] : rounds.slice(-focus.last);
  return rounds.filter((r) => r.startedAt >= focus.start && r.startedAt < focus.end);
}

interface Accumulator {
  sent: number;
  received: number;
  errors: number;
  rttsUs: number[];
  addressCounts: Map<string, number>;
  lastIp: string | null;
  current: { rttUs: number | null } | null;
  approximate: boolean;
  unreachable: UnreachableMarker | null;
  mpls: MplsLabel[] | null;
}

function accumulate(rounds: Round[]): Map<number, Accumulator> {
  const byTtl = new Map<number, Accumulator>();
  for (const round of rounds) {
    for (const hop of round.hops) {
      let acc = byTtl.get(hop.ttl);
      if (!acc) {
        acc = {
          sent: 0,
          received: 0,
          errors: 0,
          rttsUs: [],
          addressCounts: new Map(),
          lastIp: null,
          current: null,
          approximate: false,
          unreachable: null,
          mpls: null,
        };
        byTtl.set(hop.ttl, acc);
      }
      if (hop.kind === "error") {
        acc.errors++;
        continue;
      }
      acc.sent++;
      acc.current = { rttUs: hop.rttUs };
      if (hop.kind === "unreachable" && hop.ip !== null) {
        // A sample whose kind is unknown ("!") does not hide a kind learned before.
        const marker = unreachableMarker(hop.code);
        if (marker !== "!" || acc.unreachable === null) acc.unreachable = marker;
      }
      if (hop.mpls?.length) acc.mpls = hop.mpls;
      if (hop.ip !== null) {
        acc.lastIp = hop.ip;
        acc.addressCounts.set(hop.ip, (acc.addressCounts.get(hop.ip) ?? 0) + 1);
      }
      if (hop.rttUs !== null) {
        acc.received++;
        acc.rttsUs.push(hop.rttUs);
        acc.approximate ||= hop.approximate;
      }
    }
  }
  return byTtl;
}

const US_PER_MS = 1000;

/**
 * Jitter: the mean absolute difference of consecutive answered RTTs (µs, in probe order);
 * 0 for a single answer, null for none.
 */
export function jitterUs(rttsUs: readonly number[]): number | null {
  if (!rttsUs.length) return null;
  let sum = 0;
  for (let i = 1; i < rttsUs.length; i++) sum += Math.abs(rttsUs[i] - rttsUs[i - 1]);
  return rttsUs.length > 1 ? sum / (rttsUs.length - 1) : 0;
}

function summarize(hop: number, acc: Accumulator): HopStats {
  const rtts = acc.rttsUs;
  const n = rtts.length;
  let sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += rtts[i];
    if (rtts[i] < min) min = rtts[i];
    if (rtts[i] > max) max = rtts[i];
  }
  const jitter = jitterUs(rtts);
  const mean = n ? sum / n : 0;
  let squares = 0;
  for (const rtt of rtts) squares += (rtt - mean) ** 2;
  const ms = (us: number) => us / US_PER_MS;
  const ips = [...acc.addressCounts.entries()].sort((a, b) => b[1] - a[1]).map(([ip]) => ip);
  return {
    hop,
    ip: acc.lastIp,
    ips,
    sent: acc.sent,
    received: acc.received,
    errors: acc.errors,
    lossPct: acc.sent ? (100 * (acc.sent - acc.received)) / acc.sent : null,
    avgMs: n ? ms(mean) : null,
    minMs: n ? ms(min) : null,
    maxMs: n ? ms(max) : null,
    curMs: acc.current?.rttUs != null ? ms(acc.current.rttUs) : null,
    stdevMs: n ? ms(n > 1 ? Math.sqrt(squares / (n - 1)) : 0) : null,
    jitterMs: jitter === null ? null : ms(jitter),
    approximate: acc.approximate,
    lossNotCarried: false,
    ...(acc.unreachable ? { unreachable: acc.unreachable } : {}),
    ...(acc.mpls ? { mpls: acc.mpls } : {}),
  };
}

/** The probe ended the path: the destination answered, or a router said it cannot go on. */
export function endsPath(hop: HopSample): boolean {
  return hop.kind === "reply" || (hop.kind === "unreachable" && hop.ip !== null);
}

/**
 * Where the path ends: the TTL at which the newest round that reached its end (the destination,
 * or a router's unreachable) ended. A round whose answers at that TTL were lost ends further on
 * (the destination, or the unreachable router answering a later probe); those rows are not hops:
 * when the round only timed out from some nearer TTL on and another round of the window ended at
 * that TTL with the same address, the path ends there. Rows past the end are never shown.
 */
export function pathEnd(rounds: Round[]): number | null {
  const ending = rounds.filter((r) => r.hops.length && endsPath(r.hops[r.hops.length - 1]));
  const newest = ending.at(-1);
  if (!newest) return null;
  const last = newest.hops[newest.hops.length - 1];
  let end = last.ttl;
  const endedAt = (ttl: number) =>
    ending.some((r) => {
      const hop = r.hops[r.hops.length - 1];
      return hop.ttl === ttl && hop.ip === last.ip;
    });
  for (let ttl = last.ttl - 1; ttl >= 1; ttl--) {
    const hop = newest.hops.find((h) => h.ttl === ttl);
    if (hop && hop.kind !== "timeout") break;
    if (endedAt(ttl)) end = ttl;
  }
  return end;
}

/** The destination's distance: kept for callers that only know destinations (see pathEnd). */
export function destinationDistance(rounds: Round[]): number | null {
  return pathEnd(rounds);
}

/** Statistics per hop, in TTL order, over the given rounds (already narrowed to the focus). */
export function hopStats(rounds: Round[]): HopStats[] {
  const byTtl = accumulate(rounds);
  const distance = pathEnd(rounds) ?? Infinity;
  const stats = [...byTtl.entries()].filter(([ttl]) => ttl <= distance)
    .sort((a, b) => a[0] - b[0]).map(([ttl, acc]) => summarize(ttl, acc));
  markLossNotCarried(stats);
  return stats;
}

/** z-score above which a loss difference between two hops counts as real (one-sided ~97.7%). */
const Z_THRESHOLD = 2;

/**
 * Flags hops whose loss mostly does not reach some later hop: packets that got through to the
 * later hop also passed this router, so the missing answers are replies the router chose not to
 * send (ICMP rate limiting), not lost traffic. The later hop must lose less than half of this
 * hop's share, and the difference must be significant (two-proportion z-test). The z-test alone
 * called real loss "not carried" whenever two hops' samples of one loss rate drifted apart by
 * chance — one hop pair in 44 on a path that really lost 20 % — and a hop whose loss mostly does
 * carry (20 % real plus a little rate limiting) is better left unflagged than called harmless.
 */
export function markLossNotCarried(stats: HopStats[]): void {
  for (let i = 0; i < stats.length; i++) {
    const hop = stats[i];
    if (!hop.sent || hop.received === hop.sent) continue;
    hop.lossNotCarried = stats.slice(i + 1).some((later) =>
      later.received > 0 && 2 * lossShare(later) < lossShare(hop) &&
      lossDifferenceZ(hop, later) >= Z_THRESHOLD
    );
  }
}

function lossShare(s: HopStats): number {
  return (s.sent - s.received) / s.sent;
}

function lossDifferenceZ(a: HopStats, b: HopStats): number {
  const lostA = a.sent - a.received, lostB = b.sent - b.received;
  const pA = lostA / a.sent, pB = lostB / b.sent;
  const pooled = (lostA + lostB) / (a.sent + b.sent);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.sent + 1 / b.sent));
  if (se === 0) return pA > pB ? Infinity : 0;
  return (pA - pB) / se;
}
