// One round of a trace: probe TTL 1..n, spaced by the inter-packet delay, all in flight at once,
// stopping at the TTL where the destination (or an unreachable) answers.
import { ipVersionOf } from "./options.ts";
import { flowSourcePort } from "./flow.ts";
import type {
  Clock,
  HopSample,
  Prober,
  ProbeRequest,
  ProbeResult,
  Round,
  TargetOptions,
} from "./types.ts";

export interface RoundPlan {
  targetId: number;
  seq: number;
  /** Epoch ms the round was scheduled for. */
  startedAt: number;
  address: string;
  options: TargetOptions;
  /** TTLs to probe, ascending (see plannedTtls). */
  ttls: number[];
}

/** Where probe slots come from: the engine-wide limiter, or a wrapper of it. */
export interface ProbeSlots {
  /** A free slot taken at once (no promise, no turn of the event loop), or false. */
  tryAcquire(): boolean;
  acquire(signal?: AbortSignal): Promise<void>;
  release(): void;
}

export interface TracerDeps {
  prober: Prober;
  clock: Clock;
  limiter: ProbeSlots;
}

export interface TracedRound {
  round: Round;
  /** Monotonic ms at which the first probe went out (for lateness accounting). */
  firstSendAt: number;
}

/** Per-target memory between rounds: how far away the destination (or the unreachable) is. */
export interface DistanceMemory {
  knownDistance: number | null;
  /** Rounds in a row that timed out at the known distance (see updateDistance). */
  missedRounds: number;
}

/** TTLs at which a probe is worth sending this round. */
export function plannedTtls(options: TargetOptions, memory: DistanceMemory): number[] {
  if (options.finalHopOnly) return [options.maxHops];
  const limit = Math.min(options.maxHops, memory.knownDistance ?? options.maxHops);
  return Array.from({ length: limit }, (_, i) => i + 1);
}

function isTerminal(result: ProbeResult): boolean {
  return result.kind === "reply" || (result.kind === "unreachable" && result.ip !== null);
}

export function toHopSample(ttl: number, result: ProbeResult): HopSample {
  switch (result.kind) {
    case "reply":
    case "ttlExceeded": {
      const sample: HopSample = {
        ttl,
        kind: result.kind,
        ip: result.ip,
        rttUs: result.rttUs,
        approximate: result.approximate ?? false,
      };
      // Set only when there are labels: a spread of an empty object cost a copy every probe.
      if (result.mpls?.length) sample.mpls = result.mpls;
      return sample;
    }
    case "unreachable": {
      const sample: HopSample = {
        ttl,
        kind: "unreachable",
        ip: result.ip,
        rttUs: result.rttUs,
        approximate: result.approximate ?? false,
        code: result.code,
      };
      if (result.mpls?.length) sample.mpls = result.mpls;
      return sample;
    }
    case "timeout":
      return { ttl, kind: "timeout", ip: null, rttUs: null, approximate: false };
    case "error":
      return { ttl, kind: "error", ip: null, rttUs: null, approximate: false, code: result.code };
  }
}

/**
 * Runs one round. Sends are paced by the inter-packet delay and by the engine-wide limiter
 * (back-pressure); each probe carries its own timeout, so the round ends when its slowest probe
 * does. Results past the first terminal TTL are discarded: the path ends there.
 */
export function traceRound(
  plan: RoundPlan,
  deps: TracerDeps,
  signal?: AbortSignal,
): Promise<TracedRound> {
  return plan.ttls.length === 1 ? traceOne(plan, deps, signal) : traceMany(plan, deps, signal);
}

async function traceMany(
  plan: RoundPlan,
  deps: TracerDeps,
  signal?: AbortSignal,
): Promise<TracedRound> {
  const { options, ttls } = plan;
  const results = new Map<number, ProbeResult>();
  const pending: Promise<void>[] = [];
  let stopAt = Infinity;
  let firstSendAt: number | null = null;

  for (const [index, ttl] of ttls.entries()) {
    if (ttl > stopAt || signal?.aborted) break;
    if (!deps.limiter.tryAcquire()) await deps.limiter.acquire(signal);
    if (ttl > stopAt) {
      deps.limiter.release();
      break;
    }
    firstSendAt ??= deps.clock.monotonic();
    pending.push(
      sendOne(plan, ttl, deps, signal).then((result) => {
        results.set(ttl, result);
        if (isTerminal(result)) stopAt = Math.min(stopAt, ttl);
        // Only now: a slot freed by the destination's reply must not go to a TTL beyond it.
        deps.limiter.release();
      }),
    );
    const last = index === ttls.length - 1;
    if (!last && options.interPacketDelayMs > 0) {
      await deps.clock.sleep(options.interPacketDelayMs, signal);
    }
  }
  await Promise.all(pending);
  const round = assembleRound(plan, ttls, (ttl) => results.get(ttl));
  return { round, firstSendAt: firstSendAt ?? deps.clock.monotonic() };
}

/**
 * A round of one probe (final hop only), as traceRound runs it without the bookkeeping of many:
 * at a thousand such rounds a second, its map, list and promise chain were a third of what a
 * round allocated.
 */
async function traceOne(
  plan: RoundPlan,
  deps: TracerDeps,
  signal?: AbortSignal,
): Promise<TracedRound> {
  const ttl = plan.ttls[0];
  if (signal?.aborted) {
    return { round: assembleRound(plan, [], () => undefined), firstSendAt: deps.clock.monotonic() };
  }
  if (!deps.limiter.tryAcquire()) await deps.limiter.acquire(signal);
  const firstSendAt = deps.clock.monotonic();
  let result: ProbeResult;
  try {
    result = await deps.prober.probe(probeRequest(plan, ttl), signal);
  } catch (error) {
    result = proberFailed(error);
  } finally {
    deps.limiter.release();
  }
  return { round: assembleRound(plan, plan.ttls, () => result), firstSendAt };
}

async function sendOne(
  plan: RoundPlan,
  ttl: number,
  deps: TracerDeps,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  try {
    return await deps.prober.probe(probeRequest(plan, ttl), signal);
  } catch (error) {
    return proberFailed(error);
  }
}

function probeRequest(plan: RoundPlan, ttl: number): ProbeRequest {
  return {
    address: plan.address,
    ipVersion: ipVersionOf(plan.address),
    ttl,
    protocol: plan.options.protocol,
    port: plan.options.protocol === "icmp" ? undefined : plan.options.port,
    localPort: flowSourcePort(plan.options),
    sizeBytes: plan.options.packetSizeBytes,
    timeoutMs: plan.options.timeoutMs,
  };
}

/** A prober that threw (it should resolve with an error instead): the probe's error. */
function proberFailed(error: unknown): ProbeResult {
  return { kind: "error", code: "prober-failed", message: String(error) };
}

function assembleRound(
  plan: RoundPlan,
  ttls: number[],
  resultAt: (ttl: number) => ProbeResult | undefined,
): Round {
  const hops: HopSample[] = [];
  let destinationReached = false;
  for (const ttl of ttls) {
    const result = resultAt(ttl);
    if (!result) break; // never sent: the path ended earlier
    if (isTerminal(result)) {
      destinationReached = result.kind === "reply";
      const at = plan.options.finalHopOnly ? ttl : placeUnreachable(hops, ttl, result);
      hops.push(toHopSample(at, result));
      break;
    }
    hops.push(toHopSample(ttl, result));
  }
  return {
    targetId: plan.targetId,
    seq: plan.seq,
    startedAt: plan.startedAt,
    address: plan.address,
    hops,
    destinationReached,
  };
}

/**
 * The TTL a round's terminal answer is recorded at. A router's unreachable goes to the distance
 * its quote of the probe implies (`ttl - quotedTtl + 1`) when that is nearer and the round's
 * probes from there on were all lost; those lost probes leave the round, as probes past its end.
 * An unreachable router answers every probe that reaches it, so when it drops its answer to the
 * probe of its own TTL (rate limiting), the answer to a later probe of the same round would show
 * it one or more hops too far (mtr shows such a router twice). Routers quote the packet as it
 * reached them, before their own decrement; one that quotes it after places itself a hop further,
 * never nearer. A quote that puts it at or beyond the TTL sent, or where some router answered
 * this round, is not followed.
 */
function placeUnreachable(hops: HopSample[], ttl: number, result: ProbeResult): number {
  if (result.kind !== "unreachable" || result.quotedTtl === undefined) return ttl;
  const distance = ttl - result.quotedTtl + 1;
  if (distance < 1 || distance >= ttl) return ttl;
  const from = hops.findIndex((hop) => hop.ttl >= distance);
  if (from < 0 || hops.slice(from).some((hop) => hop.kind !== "timeout")) return ttl;
  hops.length = from;
  return distance;
}

/** Rounds in a row that time out at the known distance before the tracer looks further again. */
export const MISSES_BEFORE_REPROBE = 3;

/**
 * Learns the path's length from a finished round: the TTL of the destination's answer, or of a
 * router's unreachable (the path ends there just the same: probing beyond it only collects the
 * same router's unreachables, or timeouts when it drops some). A longer path shows up as a router
 * answering at the old distance, or, when the router now there is silent, as timeouts at the old
 * distance round after round; then the next round probes out to maxHops again.
 */
export function updateDistance(memory: DistanceMemory, round: Round, options: TargetOptions): void {
  if (options.finalHopOnly) return;
  const last = round.hops[round.hops.length - 1];
  if (round.destinationReached || (last?.kind === "unreachable" && last.ip !== null)) {
    memory.knownDistance = last.ttl;
    memory.missedRounds = 0;
    return;
  }
  if (memory.knownDistance === null || !last || last.ttl !== memory.knownDistance) return;
  const missed = last.kind === "timeout" ? ++memory.missedRounds : 0;
  if (last.kind === "ttlExceeded" || missed >= MISSES_BEFORE_REPROBE) {
    memory.knownDistance = null;
    memory.missedRounds = 0;
  }
}
