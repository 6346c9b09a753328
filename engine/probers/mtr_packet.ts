// The mtr-packet prober: one long-lived child carrying every probe, multiplexed by token.
// mtr-packet allows 1024 probes in flight; a probe holds its slot until mtr-packet answers it,
// even after our own (exact, millisecond) timeout has already reported it lost.
import { whenAborted } from "../abort.ts";
import { systemClock } from "../clock.ts";
import { log } from "../log.ts";
import type { Clock, Prober, ProbeRequest, ProbeResult } from "../types.ts";
import { checkMtrPacket } from "./check.ts";
import { Deadlines } from "./deadlines.ts";
import {
  executableFor,
  type ProberEntry,
  type ProberSelection,
  type SelectOptions,
} from "./entry.ts";
import { readLines } from "./lines.ts";
import { isUnspecificUnreachable } from "../unreachable.ts";
import { iputilsPing, UnreachableKinds } from "./unreachable_kind.ts";
import {
  effectiveTimeoutMs,
  formatProbeRequest,
  mtrTimeoutSeconds,
  parseReplyLine,
  probeResultOf,
} from "./mtr_packet_parse.ts";

export interface MtrPacketOptions {
  /** Program to run (default "mtr-packet"); tests substitute a scripted stand-in. */
  executable?: string;
  args?: string[];
  clock?: Clock;
  /** Probes in flight at once (mtr-packet's own limit is 1024). */
  maxInFlight?: number;
  /** Tells the kind of a router's unreachable (mtr-packet reports only `no-route`). */
  unreachableKinds?: UnreachableKinds;
}

interface Pending {
  request: ProbeRequest;
  settle: (result: ProbeResult) => void;
  /** Times sent again after a local send error (see #onLine). */
  resends?: number;
}

/**
 * Sends after a local send error, at most. Each failed send consumes one stale error; under load
 * more than one can be pending (several probes answered by unreachables before the next send),
 * while a real local error (no route here) fails every time and ends as an unreachable.
 */
const MAX_RESENDS = 3;

interface Generation {
  child: Deno.ChildProcess;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  held: Map<number, Pending>;
  lastStderr: string;
  /** Request lines waiting for the write in progress to finish (see #write). */
  outbox: string[];
  writing: boolean;
}

const MAX_RESTART_DELAY_MS = 1000;
const CRASH_MEMORY_MS = 60_000;
const encoder = new TextEncoder();

export class MtrPacketProber implements Prober {
  readonly name = "mtr-packet";
  readonly #executable: string;
  readonly #args: string[];
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #kinds: UnreachableKinds | null;
  #generation: Generation | null = null;
  #waiters: (() => void)[] = [];
  #inFlight = 0;
  #nextToken = 1;
  #closed = false;
  #restartAt = 0;
  #restarts = 0;
  #restartDelayMs = 0;
  #lastCrashAt = -Infinity;
  #lastWritten: string | null = null;
  /** Addresses whose probes crashed mtr-packet twice in a row: address -> monotonic ms until. */
  readonly #quarantine = new Map<string, number>();
  readonly #crashSuspects = new Map<string, number>();
  /** Number of times the child has been (re)started. */
  starts = 0;
  /** Our exact timeout of each probe, then the grace period after which its token is given up. */
  readonly #timeouts: Deadlines;
  readonly #graces: Deadlines;

  constructor(options: MtrPacketOptions = {}) {
    this.#executable = options.executable ?? "mtr-packet";
    this.#args = options.args ?? [];
    this.#clock = options.clock ?? systemClock;
    this.#capacity = options.maxInFlight ?? 1024;
    this.#kinds = options.unreachableKinds ?? null;
    // A deadline matters only while its token is held: answered probes are skipped, not waited for.
    const live = { live: (token: number) => this.#generation?.held.has(token) ?? false };
    this.#timeouts = new Deadlines(this.#clock, (token) => this.#timedOut(token), live);
    this.#graces = new Deadlines(this.#clock, (token) => this.#givenUp(token), live);
  }

  /** Times mtr-packet died and was restarted (GET /api/system/health reports it). */
  get restarts(): number {
    return this.#restarts;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async probe(request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
    if (this.#closed) return closedResult();
    const until = this.#quarantine.get(request.address);
    if (until !== undefined && until > this.#clock.monotonic()) {
      return {
        kind: "error",
        code: "prober-crash-suspect",
        message: `probes to ${request.address} crashed mtr-packet; paused for a minute`,
      };
    }
    if (!await this.#acquire(signal)) return abortedResult();
    try {
      const generation = await this.#running(signal);
      if (generation === null) {
        this.#release();
        return this.#closed ? closedResult() : abortedResult();
      }
      return await this.#send(generation, request, signal);
    } catch (error) {
      this.#release();
      return unavailableResult(this.#executable, error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of this.#waiters.splice(0)) wake();
    this.#timeouts.stop();
    this.#graces.stop();
    const generation = this.#generation;
    this.#generation = null;
    if (!generation) return;
    this.#failHeld(generation, closedResult());
    await generation.writer.close().catch(() => {});
    try {
      generation.child.kill("SIGTERM");
    } catch { /* already gone */ }
    await generation.child.status;
  }

  #send(generation: Generation, request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
    const token = this.#takeToken();
    return new Promise<ProbeResult>((resolve) => {
      let settled = false;
      const settle = (result: ProbeResult) => {
        if (settled) return;
        settled = true;
        stopWatching?.();
        resolve(result);
      };
      // One listener per signal, not per probe (see engine/abort.ts).
      const stopWatching = signal ? whenAborted(signal, () => settle(abortedResult())) : undefined;
      generation.held.set(token, { request, settle });
      this.#lastWritten = request.address;
      this.#write(generation, formatProbeRequest(token, request));
      this.#timeouts.add(effectiveTimeoutMs(request), token);
    });
  }

  #resend(generation: Generation, pending: Pending): void {
    const token = this.#takeToken();
    generation.held.set(token, pending);
    this.#write(generation, formatProbeRequest(token, pending.request));
    this.#timeouts.add(effectiveTimeoutMs(pending.request), token);
  }

  /**
   * Writes a request line at once when no write is in progress; lines requested meanwhile go out
   * together in the next write. One write per probe cost more than the probe itself (an async op,
   * the stream's queue, a syscall); a batch costs the same as one line.
   */
  #write(generation: Generation, line: string): void {
    generation.outbox.push(line);
    if (generation.writing) return;
    generation.writing = true;
    (async () => {
      while (generation.outbox.length) {
        const text = generation.outbox.join("");
        generation.outbox = [];
        // A failed write means the child is gone; its exit handler fails every held probe.
        await generation.writer.write(encoder.encode(text)).catch(() => {});
      }
      generation.writing = false;
    })();
  }

  /** Our exact timeout passed: the probe is lost, but mtr-packet still holds its slot a while. */
  #timedOut(token: number): void {
    const pending = this.#generation?.held.get(token);
    if (!pending) return; // answered, or its child is gone (failHeld settled it)
    pending.settle({ kind: "timeout" });
    const timeoutMs = effectiveTimeoutMs(pending.request);
    this.#graces.add(mtrTimeoutSeconds(timeoutMs) * 1000 - timeoutMs + 5000, token);
  }

  /** mtr-packet never answered, even after its own timeout: give the slot back. */
  #givenUp(token: number): void {
    if (this.#generation?.held.delete(token)) this.#release();
  }

  #onLine(generation: Generation, line: string): void {
    const reply = parseReplyLine(line);
    if (!reply) {
      if (line.trim()) log.warn("mtr-packet: unreadable reply", { line });
      return;
    }
    const pending = generation.held.get(reply.token);
    if (!pending) return; // given up earlier
    generation.held.delete(reply.token);
    const result = probeResultOf(reply, pending.request);
    if (
      result.kind === "unreachable" && result.ip === null && (pending.resends ?? 0) < MAX_RESENDS
    ) {
      // A local send error (ENETUNREACH, EHOSTUNREACH) can be stale: Linux keeps an ICMP
      // unreachable that answered an earlier probe as the raw socket's pending error and fails
      // the next send with it, so right after a router's unreachable some other probe would be
      // "lost" (a phantom row). The failed send consumed the error: send again.
      return this.#resend(generation, { ...pending, resends: (pending.resends ?? 0) + 1 });
    }
    this.#release();
    if (result.kind !== "unreachable" || result.ip === null || !this.#kinds) {
      return pending.settle(result);
    }
    if (!isUnspecificUnreachable(result.code)) return pending.settle(result);
    // Answered already (no longer held, so our timeout cannot turn it into a loss); only its
    // kind is still to be learned.
    const ip = result.ip;
    this.#kinds.kindOf(pending.request, ip).then(
      (code) => pending.settle(code ? { ...result, code } : result),
      () => pending.settle(result),
    );
  }

  async #running(signal?: AbortSignal): Promise<Generation | null> {
    while (!this.#closed && !this.#generation) {
      const waitMs = this.#restartAt - this.#clock.monotonic();
      if (waitMs > 0) {
        try {
          await this.#clock.sleep(waitMs, signal);
        } catch {
          return null;
        }
        continue;
      }
      this.#generation = this.#spawn();
    }
    return this.#closed ? null : this.#generation;
  }

  #spawn(): Generation {
    const child = new Deno.Command(this.#executable, {
      args: this.#args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.starts++;
    const generation: Generation = {
      child,
      writer: child.stdin.getWriter(),
      held: new Map(),
      lastStderr: "",
      outbox: [],
      writing: false,
    };
    (async () => {
      for await (const line of readLines(child.stdout)) this.#onLine(generation, line);
    })().catch((error) => log.debug("mtr-packet: stdout closed", { error: String(error) }));
    (async () => {
      for await (const line of readLines(child.stderr)) {
        generation.lastStderr = line;
        log.debug("mtr-packet stderr", { line });
      }
    })().catch(() => {});
    child.status.then((status) => this.#onExit(generation, status));
    return generation;
  }

  #onExit(generation: Generation, status: Deno.CommandStatus): void {
    if (this.#generation === generation) this.#generation = null;
    if (this.#closed) return;
    const how = status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
    const detail = generation.lastStderr ? `: ${generation.lastStderr}` : "";
    log.warn(`mtr-packet exited (${how})${detail}; restarting`, {
      heldProbes: generation.held.size,
      lastRequestTo: this.#lastWritten,
    });
    this.#restarts++;
    this.#failHeld(generation, {
      kind: "error",
      code: "prober-restarted",
      message: `mtr-packet exited (${how}) while the probe was in flight`,
    });
    this.#planRestart();
  }

  /** Restart at once, backing off (up to a second) while it keeps crashing. */
  #planRestart(): void {
    const now = this.#clock.monotonic();
    this.#restartDelayMs = now - this.#lastCrashAt < 10_000
      ? Math.min(MAX_RESTART_DELAY_MS, Math.max(50, this.#restartDelayMs * 2))
      : 0;
    this.#lastCrashAt = now;
    this.#restartAt = now + this.#restartDelayMs;
    const suspect = this.#lastWritten;
    if (suspect === null) return;
    const previous = this.#crashSuspects.get(suspect);
    this.#crashSuspects.set(suspect, now);
    if (previous !== undefined && now - previous < CRASH_MEMORY_MS) {
      log.warn(`mtr-packet keeps crashing on probes to ${suspect}; pausing them for a minute`);
      this.#quarantine.set(suspect, now + CRASH_MEMORY_MS);
    }
  }

  #failHeld(generation: Generation, result: ProbeResult): void {
    for (const pending of generation.held.values()) {
      pending.settle(result);
      this.#release();
    }
    generation.held.clear();
  }

  #takeToken(): number {
    const token = this.#nextToken;
    this.#nextToken = this.#nextToken >= 2_000_000_000 ? 1 : this.#nextToken + 1;
    return token;
  }

  async #acquire(signal?: AbortSignal): Promise<boolean> {
    while (this.#inFlight >= this.#capacity) {
      if (this.#closed || signal?.aborted) return false;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        signal?.addEventListener("abort", () => resolve(), { once: true });
      });
    }
    if (this.#closed || signal?.aborted) return false;
    this.#inFlight++;
    return true;
  }

  #release(): void {
    this.#inFlight--;
    this.#waiters.shift()?.();
  }
}

function closedResult(): ProbeResult {
  return { kind: "error", code: "closed", message: "the prober was closed" };
}

function abortedResult(): ProbeResult {
  return { kind: "error", code: "aborted", message: "the probe was cancelled" };
}

function unavailableResult(executable: string, error: unknown): ProbeResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: "error",
    code: "prober-unavailable",
    message: `cannot run ${executable}: ${message}`,
  };
}

export function createMtrPacketProber(options: MtrPacketOptions = {}): MtrPacketProber {
  return new MtrPacketProber(options);
}

/** Works where mtr-packet (mtr-tiny) runs and can open its sockets (cap_net_raw or root). */
async function openMtrPacket(options: SelectOptions): Promise<ProberSelection> {
  const executable = executableFor(options, "mtr-packet", "mtr-packet");
  const support = await checkMtrPacket(executable, options.clock);
  if (!support.ok) return support;
  const clock = options.clock ?? systemClock;
  const ping = await iputilsPing(executableFor(options, "ping", "ping"), clock);
  const unreachableKinds = ping ? new UnreachableKinds(ping, clock) : undefined;
  return { ok: true, prober: new MtrPacketProber({ executable, clock, unreachableKinds }) };
}

export const mtrPacketEntry: ProberEntry = {
  name: "mtr-packet",
  description: "one long-lived mtr-packet child for every probe; ICMP, UDP, TCP, exact RTTs",
  capabilities: {
    protocols: ["icmp", "udp", "tcp"],
    families: ["ipv4", "ipv6"],
    timing: "exact",
    platforms: ["linux", "darwin", "freebsd"],
  },
  open: openMtrPacket,
};
