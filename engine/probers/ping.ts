// The ping prober: one `ping -c 1` child per probe. Echo replies carry ping's own RTT. Time
// Exceeded lines carry none, so intermediate hops are timed around the child with the monotonic
// clock, minus the spawn overhead (calibrated continuously from echo replies: child wall time
// minus the RTT ping printed), and marked approximate.
import { systemClock } from "../clock.ts";
import { log } from "../log.ts";
import type { Clock, Prober, ProbeRequest, ProbeResult } from "../types.ts";
import { ProbeLimiter } from "../limiter.ts";
import { runOnce, spawnFailure } from "./check.ts";
import {
  executableFor,
  type ProberEntry,
  type ProberSelection,
  type SelectOptions,
} from "./entry.ts";
import { readAll } from "./lines.ts";
import { parsePingOutput, pingArgs, type PingFlavor, pingFlavorOf } from "./ping_parse.ts";

export interface PingProberOptions {
  executable?: string;
  flavor: PingFlavor;
  clock?: Clock;
  /** Child processes at once (each costs a process; the engine's own limit is higher). */
  maxInFlight?: number;
}

/** Rolling median of spawn overhead samples, in ms. */
export class OverheadEstimate {
  readonly #samples: number[] = [];
  constructor(readonly size = 31) {}

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#samples.push(ms);
    if (this.#samples.length > this.size) this.#samples.shift();
  }

  get count(): number {
    return this.#samples.length;
  }

  /** Median overhead in ms; null before the first sample. */
  get ms(): number | null {
    if (this.#samples.length === 0) return null;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}

export class PingProber implements Prober {
  readonly name = "ping";
  readonly flavor: PingFlavor;
  /** busybox ping never reports Time Exceeded: it can only probe the destination. */
  readonly intermediateHops: boolean;
  readonly overhead = new OverheadEstimate();
  readonly #executable: string;
  readonly #clock: Clock;
  readonly #limiter: ProbeLimiter;
  readonly #children = new Set<Deno.ChildProcess>();
  #closed = false;

  constructor(options: PingProberOptions) {
    this.flavor = options.flavor;
    this.intermediateHops = options.flavor !== "busybox";
    this.#executable = options.executable ?? "ping";
    this.#clock = options.clock ?? systemClock;
    this.#limiter = new ProbeLimiter(options.maxInFlight ?? 256);
  }

  async probe(request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
    if (request.protocol !== "icmp") {
      return { kind: "error", code: "unsupported", message: "the ping prober only sends ICMP" };
    }
    if (this.#closed) return { kind: "error", code: "closed", message: "the prober was closed" };
    try {
      await this.#limiter.acquire(signal);
    } catch {
      return { kind: "error", code: "aborted", message: "the probe was cancelled" };
    }
    try {
      return await this.#run(request, signal);
    } finally {
      this.#limiter.release();
    }
  }

  async #run(request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
    const startedAt = this.#clock.monotonic();
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#executable, {
        args: pingArgs(request, this.flavor),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: "error", code: "prober-unavailable", message: `cannot run ping: ${message}` };
    }
    this.#children.add(child);
    const outcome = await this.#collect(child, request, signal);
    this.#children.delete(child);
    if (outcome === "timeout") return { kind: "timeout" };
    if (outcome === "aborted") return { kind: "error", code: "aborted", message: "cancelled" };
    const wallMs = this.#clock.monotonic() - startedAt;
    return this.#interpret(parsePingOutput(outcome.stdout, outcome.stderr), wallMs, request);
  }

  /** Waits for the child; kills it when our exact timeout (plus spawn overhead) passes. */
  async #collect(
    child: Deno.ChildProcess,
    request: ProbeRequest,
    signal?: AbortSignal,
  ): Promise<{ stdout: string; stderr: string } | "timeout" | "aborted"> {
    const stop = new AbortController();
    const onAbort = () => stop.abort("aborted");
    signal?.addEventListener("abort", onAbort, { once: true });
    let ended: "timeout" | "aborted" | null = null;
    this.#clock.sleep(request.timeoutMs + (this.overhead.ms ?? 0), stop.signal).then(
      () => (ended = "timeout"),
      () => (ended = stop.signal.reason === "aborted" ? "aborted" : null),
    ).then(() => {
      if (ended) kill(child);
    });
    const [stdout, stderr] = await Promise.all([readAll(child.stdout), readAll(child.stderr)]);
    await child.status;
    signal?.removeEventListener("abort", onAbort);
    if (ended) return ended;
    stop.abort("done");
    return { stdout, stderr };
  }

  #interpret(
    parsed: ReturnType<typeof parsePingOutput>,
    wallMs: number,
    request: ProbeRequest,
  ): ProbeResult {
    const approximateUs = () => Math.max(0, Math.round((wallMs - (this.overhead.ms ?? 0)) * 1000));
    switch (parsed.kind) {
      case "reply":
        if (parsed.rttUs === null) {
          return { kind: "reply", ip: parsed.ip, rttUs: approximateUs(), approximate: true };
        }
        this.overhead.add(wallMs - parsed.rttUs / 1000);
        if (parsed.rttUs > request.timeoutMs * 1000) return { kind: "timeout" };
        return { kind: "reply", ip: parsed.ip, rttUs: parsed.rttUs };
      case "ttlExceeded":
        return { kind: "ttlExceeded", ip: parsed.ip, rttUs: approximateUs(), approximate: true };
      case "unreachable":
        return {
          kind: "unreachable",
          ip: parsed.ip,
          rttUs: parsed.ip === null ? null : approximateUs(),
          code: parsed.code,
          approximate: parsed.ip !== null,
        };
      default:
        return parsed;
    }
  }

  /** Times a few echo requests to loopback so approximate RTTs are right from the start. */
  async calibrate(samples = 5): Promise<ProbeResult[]> {
    const results: ProbeResult[] = [];
    for (let i = 0; i < samples; i++) {
      results.push(
        await this.probe({
          address: "127.0.0.1",
          ipVersion: 4,
          ttl: 64,
          protocol: "icmp",
          sizeBytes: 84,
          timeoutMs: 1000,
        }),
      );
    }
    if (this.overhead.count === 0) {
      log.warn("ping: could not calibrate spawn overhead on 127.0.0.1");
    }
    return results;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const child of this.#children) kill(child);
    this.#children.clear();
    await Promise.resolve();
  }
}

function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch { /* already exited */ }
}

export function createPingProber(options: PingProberOptions): PingProber {
  return new PingProber(options);
}

const PING_INSTALL = "install iputils-ping (apt install iputils-ping)";

/** Works where iputils, BSD/macOS or busybox ping answers `-V` and may send ICMP. */
async function openPing(options: SelectOptions): Promise<ProberSelection> {
  const executable = executableFor(options, "ping", "ping");
  let version: string;
  try {
    const run = await runOnce(executable, { args: ["-V"], clock: options.clock });
    version = run.stdout + run.stderr;
  } catch (error) {
    return { ok: false, reason: spawnFailure("ping", error, PING_INSTALL) };
  }
  const flavor = pingFlavorOf(version, Deno.build.os);
  if (flavor === null) {
    const first = version.trim().split("\n")[0] ?? "";
    return { ok: false, reason: `ping: unrecognised implementation (${first}) — ${PING_INSTALL}` };
  }
  const prober = new PingProber({ executable, flavor, clock: options.clock });
  const results = await prober.calibrate();
  const check = results.find((result) => result.kind === "error");
  if (check?.kind === "error" && results.every((result) => result.kind === "error")) {
    await prober.close();
    const why = check.code === "permission-denied"
      ? `permission denied (${check.message}) — ${PING_INSTALL}; ping needs cap_net_raw or ` +
        `net.ipv4.ping_group_range to include your group`
      : `${check.message} — ${PING_INSTALL}`;
    return { ok: false, reason: `ping: ${why}` };
  }
  return { ok: true, prober };
}

export const pingEntry: ProberEntry = {
  name: "ping",
  description: "one ping child per probe; ICMP only, approximate RTTs at intermediate hops",
  capabilities: {
    protocols: ["icmp"],
    families: ["ipv4", "ipv6"],
    timing: "approximate",
    platforms: ["linux", "darwin", "freebsd"],
  },
  open: openPing,
};
