// The ping prober: one `ping -c 1` (Windows: `ping.exe -n 1`) child per probe. Echo replies carry
// ping's own RTT. Time Exceeded lines carry none, so intermediate hops are timed around the child
// with the monotonic clock — from the spawn to the moment the deciding line is read (macOS ping
// keeps waiting after a Time Exceeded, so its exit would be too late) — minus the spawn overhead
// (calibrated continuously from echo replies: that time minus the RTT ping printed), and marked
// approximate.
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
import { readAll, readLines } from "./lines.ts";
import { OverheadEstimate } from "./overhead.ts";
import {
  localFailure,
  parsePingLine,
  pingCommand,
  type PingFlavor,
  pingFlavorOf,
  type PingOutcome,
} from "./ping_parse.ts";

export interface PingProberOptions {
  executable?: string;
  /** The IPv6 program of the bsd flavour (macOS ping6); default "ping6". */
  executable6?: string;
  flavor: PingFlavor;
  clock?: Clock;
  /** Child processes at once (each costs a process; the engine's own limit is higher). */
  maxInFlight?: number;
}

export class PingProber implements Prober {
  readonly name = "ping";
  readonly flavor: PingFlavor;
  /** busybox ping never reports Time Exceeded: it can only probe the destination. */
  readonly intermediateHops: boolean;
  readonly overhead = new OverheadEstimate();
  readonly #executable: string;
  readonly #executable6: string;
  readonly #clock: Clock;
  readonly #limiter: ProbeLimiter;
  readonly #children = new Set<Deno.ChildProcess>();
  #closed = false;

  constructor(options: PingProberOptions) {
    this.flavor = options.flavor;
    this.intermediateHops = options.flavor !== "busybox";
    this.#executable = options.executable ?? "ping";
    this.#executable6 = options.executable6 ?? "ping6";
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
    const command = pingCommand(request, this.flavor);
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(command.program === "ping6" ? this.#executable6 : this.#executable, {
        args: command.args,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        kind: "error",
        code: "prober-unavailable",
        message: `cannot run ${command.program}: ${message}`,
      };
    }
    this.#children.add(child);
    const outcome = await this.#collect(child, request, startedAt, signal);
    this.#children.delete(child);
    if (outcome === "timeout") return { kind: "timeout" };
    if (outcome === "aborted") return { kind: "error", code: "aborted", message: "cancelled" };
    return this.#interpret(outcome.parsed, outcome.wallMs, request);
  }

  /**
   * Reads the child's lines until one decides the probe (then timed, and the child killed), or
   * the child ends; kills it when our exact timeout (plus spawn overhead) passes first.
   */
  async #collect(
    child: Deno.ChildProcess,
    request: ProbeRequest,
    startedAt: number,
    signal?: AbortSignal,
  ): Promise<{ parsed: PingOutcome; wallMs: number } | "timeout" | "aborted"> {
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
    const stderr = readAll(child.stderr);
    let decided: { parsed: PingOutcome; wallMs: number } | null = null;
    for await (const line of readLines(child.stdout)) {
      const parsed: PingOutcome | null = decided || ended ? null : parsePingLine(line, this.flavor);
      if (!parsed) continue;
      decided = { parsed, wallMs: this.#clock.monotonic() - startedAt };
      stop.abort("done");
      kill(child);
    }
    const errors = await stderr;
    await child.status;
    signal?.removeEventListener("abort", onAbort);
    if (decided) return decided;
    if (ended) return ended;
    stop.abort("done");
    return { parsed: localFailure(errors) ?? { kind: "timeout" }, wallMs: 0 };
  }

  #interpret(
    parsed: PingOutcome,
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

/** Where ping comes from on each platform, for "not found" reasons. */
export function pingInstallHint(os: string): string {
  switch (os) {
    case "windows":
      return "ping.exe is part of Windows: make sure C:\\Windows\\System32 is on PATH";
    case "darwin":
      return "macOS ships /sbin/ping and /sbin/ping6: make sure /sbin is on PATH";
    case "freebsd":
      return "FreeBSD ships /sbin/ping and /sbin/ping6: make sure /sbin is on PATH";
    default:
      return "install iputils-ping (apt install iputils-ping)";
  }
}

/** Which ping this is: Windows by platform, the rest by what `ping -V` answers. */
async function flavorHere(
  executable: string,
  os: string,
  options: SelectOptions,
): Promise<{ flavor: PingFlavor } | { reason: string }> {
  if (os === "windows") return { flavor: "windows" }; // ping.exe has no version option
  let version: string;
  try {
    const run = await runOnce(executable, { args: ["-V"], clock: options.clock });
    version = run.stdout + run.stderr;
  } catch (error) {
    return { reason: spawnFailure("ping", error, pingInstallHint(os)) };
  }
  const flavor = pingFlavorOf(version, os);
  if (flavor !== null) return { flavor };
  const first = version.trim().split("\n")[0] ?? "";
  return { reason: `ping: unrecognised implementation (${first}) — ${pingInstallHint(os)}` };
}

/** Works where iputils, BSD/macOS, busybox or Windows ping runs and may send ICMP. */
async function openPing(options: SelectOptions): Promise<ProberSelection> {
  const os = options.os ?? Deno.build.os;
  const executable = executableFor(options, "ping", "ping");
  const found = await flavorHere(executable, os, options);
  if ("reason" in found) return { ok: false, reason: found.reason };
  const prober = new PingProber({
    executable,
    executable6: executableFor(options, "ping6", "ping6"),
    flavor: found.flavor,
    clock: options.clock,
  });
  const results = await prober.calibrate();
  const check = results.find((result) => result.kind === "error");
  if (check?.kind === "error" && results.every((result) => result.kind === "error")) {
    await prober.close();
    const install = pingInstallHint(os);
    const why = check.code === "permission-denied"
      ? `permission denied (${check.message}) — ${install}; ping needs cap_net_raw or ` +
        `net.ipv4.ping_group_range to include your group`
      : check.code === "prober-unavailable"
      ? `${check.message.replace(/^cannot run ping: /, "")} — ${install}`
      : `${check.message} — ${install}`;
    return { ok: false, reason: `ping: ${why}` };
  }
  return { ok: true, prober };
}

export const pingEntry: ProberEntry = {
  name: "ping",
  description: "one ping child per probe (ping.exe on Windows); ICMP only, approximate RTTs at " +
    "intermediate hops",
  capabilities: {
    protocols: ["icmp"],
    families: ["ipv4", "ipv6"],
    timing: "approximate",
    platforms: ["linux", "darwin", "freebsd", "windows"],
    programs: ["ping", "ping6"],
  },
  open: openPing,
};
