// Ground truth for delay checks, measured in the same test at the same time as the product.
//
// A fixed tolerance around the injected delay is a race with the machine: under a second job's
// load the lab's forwarding and the probers' wake-ups add delay the test did not inject. So while
// the product measures, the system's ping runs in the agent namespace against every hop address,
// and each hop's average is compared with ping's over the same seconds. ping is the reference
// because it timestamps replies in the kernel (SO_TIMESTAMP), so it sees what the network did.
import type { Lab } from "./lab.ts";

export interface TruthStats {
  ip: string;
  samples: number;
  meanMs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  stdevMs: number;
}

export interface Measured {
  avgMs: number | null;
  stdevMs: number | null;
  samples: number;
}

/**
 * The two tools' own timing difference, measured on an idle machine at 0.03–0.10 ms per hop
 * (ping timestamps replies in the kernel, mtr-packet and the ping prober after waking up).
 */
export const TOOL_DIFFERENCE_MS = 0.2;
/** Standard errors allowed: a failure at 4 σ is a real disagreement, not a noisy second. */
const Z = 4;

/** Summary statistics of `time=X ms` samples. */
export function statsOf(ip: string, timesMs: number[]): TruthStats {
  if (timesMs.length === 0) throw new Error(`ground truth: no reply from ${ip}`);
  const sorted = [...timesMs].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((sum, t) => sum + t, 0) / n;
  const variance = sorted.reduce((sum, t) => sum + (t - mean) ** 2, 0) / Math.max(1, n - 1);
  const mid = Math.floor(n / 2);
  return {
    ip,
    samples: n,
    meanMs: mean,
    medianMs: n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    minMs: sorted[0],
    maxMs: sorted[n - 1],
    stdevMs: Math.sqrt(variance),
  };
}

/** Per-reply round-trip times from iputils ping's output (run with -n). */
export function pingTimes(stdout: string, options: { skipFirst?: boolean } = {}): number[] {
  const times = [...stdout.matchAll(/icmp_seq=(\d+) .*time=([\d.]+) ms/g)]
    // The first reply may include ARP / neighbour discovery.
    .filter((m) => !(options.skipFirst && m[1] === "1"))
    .map((m) => Number(m[2]));
  return times;
}

export interface GroundTruth {
  /** Stops the pings and returns each address's statistics. */
  stop(): Promise<Map<string, TruthStats>>;
}

/** Starts `ping -n -i INTERVAL ADDR` in the agent namespace for every address until stop(). */
export function startGroundTruth(
  lab: Lab,
  ips: string[],
  options: { intervalS?: number } = {},
): GroundTruth {
  const interval = String(options.intervalS ?? 0.1);
  const children = ips.map((ip) =>
    lab.command(["ping", "-n", "-i", interval, ip], {
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn()
  );
  return {
    async stop() {
      // `ip netns exec` execs ping, so the signal reaches ping itself.
      for (const child of children) child.kill("SIGINT");
      const outputs = await Promise.all(children.map((child) => child.output()));
      const decoder = new TextDecoder();
      return new Map(ips.map((ip, i) => {
        const times = pingTimes(decoder.decode(outputs[i].stdout), { skipFirst: true });
        return [ip, statsOf(ip, times)];
      }));
    },
  };
}

/** Runs fn while ping measures every address; returns fn's result and the truth. */
export async function withGroundTruth<T>(
  lab: Lab,
  ips: string[],
  fn: () => Promise<T>,
): Promise<{ result: T; truth: Map<string, TruthStats> }> {
  const truth = startGroundTruth(lab, ips);
  const outcome = await fn().then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  const stats = await truth.stop();
  if ("error" in outcome) throw outcome.error;
  return { result: outcome.result, truth: stats };
}

export interface Agreement {
  ok: boolean;
  diffMs: number;
  allowedMs: number;
}

/**
 * Whether a measured average agrees with ground truth: within the tools' own difference plus
 * Z standard errors of the difference of the two means (so a noisy second widens the check by
 * exactly the noise both tools saw), plus `extraMs` for display rounding.
 */
export function agreement(measured: Measured, truth: TruthStats, extraMs = 0): Agreement {
  if (measured.avgMs === null) return { ok: false, diffMs: NaN, allowedMs: 0 };
  const measuredSd = measured.stdevMs ?? 0;
  const se = Math.sqrt(
    measuredSd ** 2 / Math.max(1, measured.samples) + truth.stdevMs ** 2 / truth.samples,
  );
  const allowedMs = TOOL_DIFFERENCE_MS + Z * se + extraMs;
  const diffMs = measured.avgMs - truth.meanMs;
  return { ok: Math.abs(diffMs) <= allowedMs, diffMs, allowedMs };
}

/** A log line for one hop: injected, truth, measured. */
export function truthLine(hop: number, injectedMs: number, truth: TruthStats, got: Agreement) {
  return `    hop ${hop}: injected ${injectedMs.toFixed(3)} ms, ping truth avg ` +
    `${truth.meanMs.toFixed(3)} ms (median ${truth.medianMs.toFixed(3)}, sd ` +
    `${truth.stdevMs.toFixed(3)}, n ${truth.samples}); measured − truth ` +
    `${got.diffMs.toFixed(3)} ms, allowed ±${got.allowedMs.toFixed(3)} ms`;
}
