// Synthetic history for demos and benchmarks: rounds and route changes as the engine would publish
// them, from a seeded PRNG (same seed, same history). Pure: no clock, no I/O.
//
// Each target gets its own profile, drawn from its own PRNG stream (so target k looks the same
// whatever --targets says): per-link latency growing along the path (a long-haul link in the
// middle), a diurnal swell from the access link on (peak in the target's evening), per-hop jitter
// with a slow control-plane tail on routers (it does not carry to later hops), bursts of real
// loss from one link on (Gilbert-Elliott: rare short bad spells), intermediate routers that
// rate-limit their own replies (loss that does not carry), sometimes a silent hop or an ECMP pair,
// and a few route changes that swap the tail of the path.
//
// Addresses: targets are loopback (127.77.x.y) so a seeded database can never make the monitor
// probe anything outside this machine; hop addresses are data only and never probed.
import {
  type HopSample,
  mulberry32,
  type Round,
  type RouteChange,
  type RoutePath,
} from "../engine/ground.ts";

export const MAX_SYNTHETIC_TARGETS = 65_536;
const DAY_MS = 86_400_000;

export interface SyntheticOptions {
  /** Epoch ms the history ends at (exclusive): "now". */
  endMs: number;
  days: number;
  intervalMs: number;
  /** Hops per path, destination included (default 10). */
  hops?: number;
  /** PRNG seed (default 1). */
  seed?: number;
}

export interface SyntheticTarget {
  /** 0-based index: the target's PRNG stream and its address. */
  index: number;
  host: string;
  label: string;
}

/** One published item, in time order: a round, possibly with the route change it revealed. */
export interface SyntheticItem {
  round: Round;
  change: RouteChange | null;
}

interface Route {
  ips: (string | null)[][];
  /** Cumulative base RTT per hop, µs. */
  baseUs: number[];
}

interface Profile {
  targetId: number;
  host: string;
  offsetMs: number;
  rand: () => number;
  routes: [Route, Route];
  /** Round indexes at which the route flips (ascending). */
  flips: number[];
  nextFlip: number;
  current: 0 | 1;
  diurnalFrom: number;
  diurnalAmp: number;
  peakPhase: number;
  jitter: number;
  replyDrop: number[];
  lossLink: number;
  burstEnter: number;
  burstExit: number;
  burstLoss: number;
  inBurst: boolean;
  ecmpHop: number;
}

export function syntheticHost(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_SYNTHETIC_TARGETS) {
    throw new RangeError(`target index must be 0..${MAX_SYNTHETIC_TARGETS - 1}, got ${index}`);
  }
  return `127.77.${index >> 8}.${index & 255}`;
}

/** `count` targets, indexes from `first` on. */
export function syntheticTargets(count: number, first = 0): SyntheticTarget[] {
  if (first + count > MAX_SYNTHETIC_TARGETS) {
    throw new RangeError(`at most ${MAX_SYNTHETIC_TARGETS} synthetic targets in one database`);
  }
  return Array.from({ length: count }, (_, i) => ({
    index: first + i,
    host: syntheticHost(first + i),
    label: `synthetic-${String(first + i + 1).padStart(4, "0")}`,
  }));
}

/** Rounds each target gets over `days` at `intervalMs`. */
export function roundsPerTarget(options: { days: number; intervalMs: number }): number {
  return Math.floor((options.days * DAY_MS) / options.intervalMs);
}

function streamSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
}

/** Roughly normal (mean 0, sd 1): sum of 4 uniforms, cheap and bounded. */
function gauss(rand: () => number): number {
  return (rand() + rand() + rand() + rand() - 2) * 1.732;
}

function linkLatencyUs(rand: () => number, link: number, hops: number): number {
  if (link === 0) return 300 + rand() * 1200; // LAN to the gateway
  if (link === 1) return 2000 + rand() * 8000; // the access link
  if (link === Math.floor(hops / 2)) return 8000 + rand() * 40_000; // long haul
  return 300 + rand() * 3000;
}

function hopAddress(index: number, hop: number, hops: number, alternate: boolean): string {
  if (hop === 0) return "198.18.0.1";
  if (hop === 1) return "198.18.1.1";
  if (hop === 2) return `198.18.2.${1 + (index % 4)}`;
  if (hop < Math.floor(hops / 2)) return `198.18.${8 + hop}.${1 + (index % 32)}`;
  const tail = alternate ? 128 + hop : hop;
  return `10.${(index >> 8) & 255}.${index & 255}.${tail}`;
}

function makeRoute(
  rand: () => number,
  target: { index: number; host: string; hops: number; alternate: boolean; ecmpHop: number },
  primary?: Route,
): Route {
  const { index, host, hops, alternate, ecmpHop } = target;
  const ips: (string | null)[][] = [];
  const baseUs: number[] = [];
  let sum = 0;
  // The alternate route shares the head of the path and diverges at the middle.
  const diverge = Math.floor(hops / 2);
  for (let hop = 0; hop < hops; hop++) {
    const shared = primary !== undefined && hop < diverge;
    sum = shared ? primary.baseUs[hop] : sum + linkLatencyUs(rand, hop, hops);
    baseUs.push(Math.round(sum));
    if (hop === hops - 1) ips.push([host]);
    else if (shared) ips.push(primary.ips[hop]);
    else if (hop === ecmpHop) {
      ips.push([
        hopAddress(index, hop, hops, alternate),
        `198.18.${8 + hop}.${129 + (index % 32)}`,
      ]);
    } else ips.push([hopAddress(index, hop, hops, alternate)]);
  }
  return { ips, baseUs };
}

function makeProfile(
  target: SyntheticTarget & { targetId: number },
  options: Required<SyntheticOptions>,
  totalRounds: number,
): Profile {
  const rand = mulberry32(streamSeed(options.seed, target.index));
  const { hops, intervalMs } = options;
  const ecmpHop = hops > 4 && rand() < 0.1 ? 2 + Math.floor(rand() * (hops - 3)) : -1;
  const route = makeRoute(rand, { ...target, hops, alternate: false, ecmpHop });
  const alternate = makeRoute(rand, { ...target, hops, alternate: true, ecmpHop: -1 }, route);
  // A silent router on the primary route, now and then.
  if (hops > 3 && rand() < 0.08) route.ips[2 + Math.floor(rand() * (hops - 3))] = [null];
  const replyDrop = Array.from(
    { length: hops },
    (_, hop) => hop > 0 && hop < hops - 1 && rand() < 0.12 ? 0.1 + rand() * 0.5 : 0,
  );
  const changes = totalRounds < 100 ? 0 : Math.min(4, Math.floor(rand() * (1 + options.days)));
  const flips = Array.from({ length: changes }, () => Math.floor(rand() * totalRounds))
    .sort((a, b) => a - b);
  const meanGapMs = (3 + rand() * 9) * 3_600_000;
  const meanBurstMs = (30 + rand() * 270) * 1000;
  return {
    targetId: target.targetId,
    host: target.host,
    offsetMs: Math.floor(rand() * intervalMs),
    rand,
    routes: [route, alternate],
    flips,
    nextFlip: 0,
    current: 0,
    diurnalFrom: Math.min(1, hops - 1),
    diurnalAmp: 0.05 + rand() * 0.35,
    peakPhase: rand(),
    jitter: 0.02 + rand() * 0.08,
    replyDrop,
    lossLink: 1 + Math.floor(rand() * Math.max(1, hops - 1)),
    burstEnter: Math.min(1, intervalMs / meanGapMs),
    burstExit: Math.min(1, intervalMs / meanBurstMs),
    burstLoss: 0.2 + rand() * 0.6,
    inBurst: false,
    ecmpHop,
  };
}

function routePath(route: Route): RoutePath {
  return route.ips.map((ips) => ips.filter((ip): ip is string => ip !== null).sort());
}

function diurnal(profile: Profile, startedAt: number): number {
  const phase = (startedAt % DAY_MS) / DAY_MS - profile.peakPhase;
  return 1 + profile.diurnalAmp * (0.5 + 0.5 * Math.cos(2 * Math.PI * phase));
}

function makeRound(profile: Profile, seq: number, startedAt: number): Round {
  const { rand } = profile;
  const route = profile.routes[profile.current];
  const hopsCount = route.ips.length;
  const swell = diurnal(profile, startedAt);
  if (profile.inBurst ? rand() < profile.burstExit : rand() < profile.burstEnter) {
    profile.inBurst = !profile.inBurst;
  }
  const linkLoss = profile.inBurst ? profile.burstLoss : 0.0005;
  const hops: HopSample[] = new Array(hopsCount);
  let reached = false;
  for (let i = 0; i < hopsCount; i++) {
    const ttl = i + 1;
    const last = i === hopsCount - 1;
    const candidates = route.ips[i];
    const ip = candidates.length > 1 ? candidates[seq & 1] : candidates[0];
    const lost = (i >= profile.lossLink && rand() < linkLoss) || ip === null ||
      rand() < profile.replyDrop[i];
    if (lost) {
      hops[i] = { ttl, kind: "timeout", ip: null, rttUs: null, approximate: false };
      continue;
    }
    const base = route.baseUs[i] * (i >= profile.diurnalFrom ? swell : 1);
    let rtt = base * (1 + profile.jitter * Math.abs(gauss(rand)));
    // Routers answer from their slow path: an occasional extra delay that later hops do not see.
    if (!last && rand() < 0.03) rtt += -Math.log(1 - rand()) * 2000;
    hops[i] = {
      ttl,
      kind: last ? "reply" : "ttlExceeded",
      ip,
      rttUs: Math.max(20, Math.round(rtt)),
      approximate: false,
    };
    if (last) reached = true;
  }
  return {
    targetId: profile.targetId,
    seq,
    startedAt,
    address: profile.host,
    hops,
    destinationReached: reached,
  };
}

/**
 * Every target's rounds over [endMs - days, endMs), interleaved in time order as the engine would
 * publish them. `targets` pairs each synthetic target with its store id.
 */
export function* syntheticHistory(
  targets: (SyntheticTarget & { targetId: number })[],
  options: SyntheticOptions,
): Generator<SyntheticItem> {
  const resolved: Required<SyntheticOptions> = { hops: 10, seed: 1, ...options };
  const total = roundsPerTarget(resolved);
  const profiles = targets.map((target) => makeProfile(target, resolved, total));
  const start = resolved.endMs - total * resolved.intervalMs;
  for (let seq = 0; seq < total; seq++) {
    const slot = start + seq * resolved.intervalMs;
    for (const profile of profiles) {
      // Offsets (< interval) spread targets over the interval; the last slot still ends by endMs.
      const startedAt = slot + profile.offsetMs;
      let change: RouteChange | null = null;
      if (profile.nextFlip < profile.flips.length && profile.flips[profile.nextFlip] <= seq) {
        while (profile.nextFlip < profile.flips.length && profile.flips[profile.nextFlip] <= seq) {
          profile.nextFlip++;
        }
        const before = routePath(profile.routes[profile.current]);
        profile.current = profile.current === 0 ? 1 : 0;
        change = {
          targetId: profile.targetId,
          at: startedAt,
          before,
          after: routePath(profile.routes[profile.current]),
        };
      }
      yield { round: makeRound(profile, seq, startedAt), change };
    }
  }
}
