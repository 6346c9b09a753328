// Name resolution off the probing path: reverse DNS for hop addresses (cached, with lifetimes)
// and forward resolution of hostname targets.
import { isIpv4 } from "./options.ts";
import type { Clock, IpVersion } from "./types.ts";

/** Shown where an address has no PTR record. */
export const NO_NAME = "----------";

/** Resolves a PTR; resolves [] when there is no record; rejects on failure or abort. */
export type PtrLookup = (ip: string, signal: AbortSignal) => Promise<string[]>;

/** Resolves a host name to addresses (first preferred). */
export type AddressLookup = (host: string, ipVersion: IpVersion | null) => Promise<string[]>;

export function reverseName(ip: string): string {
  if (isIpv4(ip)) return ip.split(".").reverse().join(".") + ".in-addr.arpa";
  return expandIpv6(ip).replaceAll(":", "").split("").reverse().join(".") + ".ip6.arpa";
}

/** Full 32-hex-digit form of an IPv6 address, groups joined by ":". */
export function expandIpv6(ip: string): string {
  let text = ip.toLowerCase();
  const v4 = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const b = v4[1].split(".").map(Number);
    text = text.slice(0, -v4[1].length) + `${(b[0] << 8 | b[1]).toString(16)}:` +
      (b[2] << 8 | b[3]).toString(16);
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, null];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === null ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((g) => g.padStart(4, "0")).join(":");
}

export const denoPtrLookup: PtrLookup = async (ip, signal) => {
  try {
    const names = await Deno.resolveDns(reverseName(ip), "PTR", { signal });
    return names.map((name) => name.replace(/\.$/, ""));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
};

/** getaddrinfo: honours /etc/hosts and the system resolver, like ping and mtr do. */
export const systemAddressLookup: AddressLookup = async (host, ipVersion) => {
  // Loaded on first use: node:dns costs the server's start ~8 ms, and IP literals never need it.
  const { lookup } = await import("node:dns/promises");
  const found = await lookup(host, { all: true, family: ipVersion ?? 0 });
  return found.map((entry) => entry.address);
};

export interface ReverseDnsOptions {
  clock: Clock;
  lookup?: PtrLookup;
  timeoutMs?: number;
  /** Deno.resolveDns does not expose record TTLs, so cached answers get these lifetimes. */
  positiveTtlMs?: number;
  negativeTtlMs?: number;
  failureRetryMs?: number;
  concurrency?: number;
  onResolved?: (ip: string, name: string | null) => void;
}

interface Entry {
  /** undefined: every lookup so far failed (not the same as "no PTR"). */
  name: string | null | undefined;
  expiresAt: number;
}

/** A PTR cache that never blocks: request() queues a lookup, name() answers from the cache. */
export class ReverseDns {
  readonly #cache = new Map<string, Entry>();
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  #active = 0;
  #idleWaiters: Array<() => void> = [];
  readonly #options: Required<Omit<ReverseDnsOptions, "onResolved">> & ReverseDnsOptions;

  constructor(options: ReverseDnsOptions) {
    this.#options = {
      lookup: denoPtrLookup,
      timeoutMs: 2000,
      positiveTtlMs: 3_600_000,
      negativeTtlMs: 600_000,
      failureRetryMs: 60_000,
      concurrency: 4,
      ...options,
    };
  }

  /** The cached name: a string, null (no PTR), or undefined (not looked up yet). */
  name(ip: string): string | null | undefined {
    return this.#cache.get(ip)?.name;
  }

  /** Loads a known answer (e.g. from the store) without a lookup. */
  seed(ip: string, name: string | null, resolvedAt: number): void {
    const ttl = name === null ? this.#options.negativeTtlMs : this.#options.positiveTtlMs;
    this.#cache.set(ip, { name, expiresAt: resolvedAt + ttl });
  }

  /** Asks for a lookup if the address is unknown or its answer expired. Never waits. */
  request(ip: string): void {
    const entry = this.#cache.get(ip);
    if (entry && entry.expiresAt > this.#options.clock.now()) return;
    if (this.#queued.has(ip)) return;
    this.#queued.add(ip);
    this.#queue.push(ip);
    this.#pump();
  }

  /** Resolves when no lookup is queued or running (for tests and orderly shutdown). */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#active < this.#options.concurrency && this.#queue.length > 0) {
      const ip = this.#queue.shift()!;
      this.#active++;
      this.#resolve(ip).finally(() => {
        this.#active--;
        this.#queued.delete(ip);
        this.#pump();
      });
    }
    if (this.#active === 0 && this.#queue.length === 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  async #resolve(ip: string): Promise<void> {
    const { clock, lookup, timeoutMs } = this.#options;
    const controller = new AbortController();
    const timer = clock.sleep(timeoutMs, controller.signal).then(() => controller.abort());
    timer.catch(() => {});
    try {
      const names = await lookup(ip, controller.signal);
      const name = names[0] ?? null;
      const ttl = name === null ? this.#options.negativeTtlMs : this.#options.positiveTtlMs;
      this.#cache.set(ip, { name, expiresAt: clock.now() + ttl });
      this.#options.onResolved?.(ip, name);
    } catch {
      // Timeouts and server failures are not "no name": keep any old answer, retry later.
      const old = this.#cache.get(ip);
      this.#cache.set(ip, {
        name: old?.name,
        expiresAt: clock.now() + this.#options.failureRetryMs,
      });
    } finally {
      controller.abort();
    }
  }
}
