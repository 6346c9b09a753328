// A prober over a simulated network, for tests of the engine, store, API and UI without root.
import type { Clock, Prober, ProbeRequest, ProbeResult } from "../types.ts";
import { mulberry32 } from "../random.ts";

/** What an `rttMs` function is told about the probe it times. */
export interface FakeProbeInfo {
  ttl: number;
  /** Clock monotonic ms when the probe was sent. */
  nowMs: number;
  /** How many probes this hop has answered (or tried to) before this one, 0-based. */
  index: number;
}

/**
 * One router (or the destination, as the last hop of a route).
 * - ip / ips: who answers; several `ips` are ECMP and alternate probe by probe. The
 *   destination's ip defaults to the probed address, a router's to 192.0.2.<hop>.
 * - rttMs: round trip to this hop (default: 1 ms per hop of distance).
 * - lossPct: real loss here; it carries to every later hop.
 * - silent: forwards traffic but never answers itself (a `*` hop).
 * - dropsOwnRepliesPct: rate-limits its own answers only; later hops are unaffected.
 * - unreachable: answers every probe reaching it with this unreachable code.
 */
export interface FakeHop {
  ip?: string;
  ips?: string[];
  rttMs?: number | ((probe: FakeProbeInfo) => number);
  lossPct?: number;
  silent?: boolean;
  dropsOwnRepliesPct?: number;
  unreachable?: string;
}

/** Routes by destination address: hop 1 first, the destination last. */
export type FakeNetwork = Record<string, FakeHop[]>;

export interface FakeProberOptions {
  clock: Clock;
  network?: FakeNetwork;
  /** Seed of the loss PRNG. Each address has its own stream: targets do not disturb each other. */
  seed?: number;
  name?: string;
  /** False imitates busybox ping: the engine must trace final hop only. */
  intermediateHops?: boolean;
  /** How many recent sends `sends` keeps (default 100,000); counts are never trimmed. */
  sendLogLimit?: number;
}

/** A probe as the fake saw it go out. */
export interface FakeSend {
  address: string;
  ttl: number;
  atMs: number;
}

/** Makes matching probes fail: resolve as kind "error", or reject when `throws` is set. */
export interface FakeError {
  code: string;
  address?: string;
  ttl?: number;
  throws?: boolean;
}

/** A route of plain answering routers, `stepMs` further away each: `straightRoute(["a", "b"])`. */
export function straightRoute(ips: string[], options: { stepMs?: number } = {}): FakeHop[] {
  const stepMs = options.stepMs ?? 1;
  return ips.map((ip, i) => ({ ip, rttMs: (i + 1) * stepMs }));
}

function countKey(kind: "sent" | "flight", address?: string, ttl?: number): string {
  return [kind, address, ttl].filter((part) => part !== undefined).join("|");
}

function hashText(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * `FakeProber` answers probes from a simulated network on an injected Clock: replies arrive after
 * `clock.sleep(rttMs)`, lost probes resolve as timeouts after their `timeoutMs`, unknown
 * addresses never answer. With a ManualClock the test decides when anything arrives.
 *
 *   const fake = new FakeProber({ clock, network: { [dest]: straightRoute(["10.0.0.1", dest]) } });
 *   fake.setRoute(dest, [{ ip: "10.0.0.1" }, { silent: true }, { lossPct: 10 }]);
 *   fake.sent(dest, 2); fake.inFlight(); fake.sends; fake.setError({ code: "send-failed" });
 */
export class FakeProber implements Prober {
  readonly name: string;
  readonly intermediateHops: boolean;
  #sends: FakeSend[] = [];
  readonly #sendLogLimit: number;
  /** Counters keyed by countKey: "sent", "sent|addr", "sent|addr|ttl", "flight", "flight|addr". */
  #counts = new Map<string, number>();
  #answered = new WeakMap<FakeHop, number>();
  #routes = new Map<string, FakeHop[]>();
  #random = new Map<string, () => number>();
  #error: FakeError | null = null;
  #closing = new AbortController();
  readonly #clock: Clock;
  readonly #seed: number;

  constructor(options: FakeProberOptions) {
    this.#clock = options.clock;
    this.#seed = options.seed ?? 1;
    this.name = options.name ?? "fake";
    this.intermediateHops = options.intermediateHops ?? true;
    this.#sendLogLimit = options.sendLogLimit ?? 100_000;
    for (const [address, hops] of Object.entries(options.network ?? {})) {
      this.setRoute(address, hops);
    }
  }

  /** Replaces the route to `address` from the next probe on; `null` makes it unknown. */
  setRoute(address: string, hops: FakeHop[] | null): void {
    if (hops === null) this.#routes.delete(address);
    else this.#routes.set(address, hops);
  }

  /** Injects failures for matching probes (no address/ttl = all); `null` clears it. */
  setError(error: FakeError | null): void {
    this.#error = error;
  }

  /** Probes sent in total, to one address, or to one address at one TTL. */
  sent(address?: string, ttl?: number): number {
    return this.#counts.get(countKey("sent", address, ttl)) ?? 0;
  }

  /** Recent probes sent, oldest first, with the clock's monotonic time of sending. */
  get sends(): readonly FakeSend[] {
    return this.#sends;
  }

  /** Probes sent and not yet answered, timed out or aborted: in total or to one address. */
  inFlight(address?: string): number {
    return this.#counts.get(countKey("flight", address)) ?? 0;
  }

  async probe(request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
    const aborted = (): ProbeResult =>
      this.#closing.signal.aborted
        ? { kind: "error", code: "closed", message: "prober closed" }
        : { kind: "error", code: "aborted", message: "probe aborted" };
    if (signal?.aborted || this.#closing.signal.aborted) return aborted();
    const { address, ttl } = request;
    this.#count([countKey("sent"), countKey("sent", address), countKey("sent", address, ttl)], 1);
    this.#sends.push({ address, ttl, atMs: this.#clock.monotonic() });
    if (this.#sends.length > 2 * this.#sendLogLimit) {
      this.#sends = this.#sends.slice(-this.#sendLogLimit);
    }
    const error = this.#error;
    if (error && (error.address ?? address) === address && (error.ttl ?? ttl) === ttl) {
      if (error.throws) throw new Error(`fake prober failure: ${error.code}`);
      return { kind: "error", code: error.code, message: "injected by the fake prober" };
    }
    const fate = this.#fate(request);
    const rttMs = "rttUs" in fate && fate.rttUs !== null ? fate.rttUs / 1000 : Infinity;
    const late = fate.kind === "timeout" || rttMs > request.timeoutMs;
    const stop = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    const inFlightKeys = [countKey("flight"), countKey("flight", address)];
    this.#count(inFlightKeys, 1);
    try {
      await this.#clock.sleep(late ? request.timeoutMs : rttMs, stop);
      return late ? { kind: "timeout" } : fate;
    } catch {
      return aborted();
    } finally {
      this.#count(inFlightKeys, -1);
    }
  }

  /** Pending probes resolve as errors (code "closed"); later probes fail the same way. */
  close(): Promise<void> {
    this.#closing.abort();
    return Promise.resolve();
  }

  /** Decides now what becomes of a probe: who answers, how, and after how long. */
  #fate(request: ProbeRequest): ProbeResult {
    const route = this.#routes.get(request.address);
    if (!route || route.length === 0) return { kind: "timeout" };
    const random = this.#randomFor(request.address);
    const last = Math.min(request.ttl, route.length) - 1;
    let at = last;
    for (let i = 0; i <= last; i++) {
      if (route[i].lossPct && random() * 100 < route[i].lossPct!) return { kind: "timeout" };
      if (route[i].unreachable !== undefined) {
        at = i;
        break;
      }
    }
    const hop = route[at];
    const index = this.#answered.get(hop) ?? 0;
    this.#answered.set(hop, index + 1);
    if (hop.silent) return { kind: "timeout" };
    if (hop.dropsOwnRepliesPct && random() * 100 < hop.dropsOwnRepliesPct) {
      return { kind: "timeout" };
    }
    const isDestination = at === route.length - 1;
    const ips = hop.ips ?? [hop.ip ?? (isDestination ? request.address : `192.0.2.${at + 1}`)];
    const ip = ips[index % ips.length];
    const info = { ttl: request.ttl, nowMs: this.#clock.monotonic(), index };
    const rttMs = typeof hop.rttMs === "function" ? hop.rttMs(info) : hop.rttMs ?? at + 1;
    const rttUs = Math.round(rttMs * 1000);
    if (hop.unreachable !== undefined) {
      // Quoted as it reached the router, as the native prober reads it (mtr-packet does not).
      return { kind: "unreachable", ip, rttUs, code: hop.unreachable, quotedTtl: request.ttl - at };
    }
    return { kind: isDestination ? "reply" : "ttlExceeded", ip, rttUs };
  }

  #count(keys: string[], delta: number): void {
    for (const key of keys) this.#counts.set(key, (this.#counts.get(key) ?? 0) + delta);
  }

  #randomFor(address: string): () => number {
    let random = this.#random.get(address);
    if (!random) {
      random = mulberry32(this.#seed ^ hashText(address));
      this.#random.set(address, random);
    }
    return random;
  }
}
