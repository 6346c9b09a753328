// Bench: probes per second and CPU time per probe of the native, mtr-packet and ping probers, driven
// through their Prober interface, next to fping on the same targets in the same run.
//
// As root it builds the network lab (no injected delay or loss) and runs the measurements inside
// the agent namespace, echo probes to r1, r2, r3 and the target (1 to 4 hops away). Without root
// (or without the lab's tools) it probes 127.0.0.1..127.0.0.4 on loopback instead, and says so.
//
// CPU time: this process's utime+stime from /proc/self/stat, plus the children's: cutime+cstime
// for children that have been reaped (ping, fping), /proc/<pid>/stat for the long-lived
// mtr-packet child. Ticks are 10 ms, so each run is made long enough for that not to matter.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { selectProber } from "../../engine/probers/mod.ts";
import type { Prober, ProbeRequest } from "../../engine/types.ts";
import { createLab, labSkipReason } from "../netlab/lab.ts";
import { childCpuMs, childPids, selfAndReapedCpuMs } from "./proc_stats.ts";

export interface BenchRow {
  tool: string;
  probes: number;
  received: number;
  inFlight: number;
  wallMs: number;
  cpuMs: number;
  /** Of cpuMs, what the long-lived mtr-packet child used. */
  childCpuMs?: number;
  /** Set when the tool could not run. */
  error?: string;
}

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(dirname(SELF), "..", "..");
async function drive(
  prober: Prober,
  targets: string[],
  options: { probes: number; inFlight: number },
): Promise<number> {
  let next = 0;
  let received = 0;
  const worker = async () => {
    while (next < options.probes) {
      const address = targets[next++ % targets.length];
      const request: ProbeRequest = {
        address,
        ipVersion: address.includes(":") ? 6 : 4,
        ttl: 64,
        protocol: "icmp",
        sizeBytes: 64,
        timeoutMs: 1000,
      };
      const result = await prober.probe(request);
      if (result.kind === "reply") received++;
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  return received;
}

async function benchProber(
  name: "native" | "mtr-packet" | "ping",
  targets: string[],
  options: { probes: number; inFlight: number },
): Promise<BenchRow> {
  const selected = await selectProber(name);
  if (!selected.ok) {
    return {
      tool: name,
      probes: 0,
      received: 0,
      inFlight: 0,
      wallMs: 0,
      cpuMs: 0,
      error: selected.reason,
    };
  }
  const prober = selected.prober;
  try {
    await drive(prober, targets, { probes: Math.min(200, options.probes), inFlight: 8 }); // warm-up
    const helpers = childPids("mtr-packet");
    const childBefore = childCpuMs(helpers);
    const cpuBefore = selfAndReapedCpuMs() + childBefore;
    const start = performance.now();
    const received = await drive(prober, targets, options);
    const wallMs = performance.now() - start;
    const childUsedMs = childCpuMs(helpers) - childBefore;
    const cpu = selfAndReapedCpuMs() + childUsedMs + childBefore - cpuBefore;
    return {
      tool: `${name} prober`,
      probes: options.probes,
      received,
      inFlight: options.inFlight,
      wallMs,
      cpuMs: cpu,
      childCpuMs: helpers.length ? childUsedMs : undefined,
    };
  } finally {
    await prober.close();
  }
}

async function benchFping(targets: string[], probes: number): Promise<BenchRow> {
  const perTarget = Math.ceil(probes / targets.length);
  const cpuBefore = selfAndReapedCpuMs();
  const start = performance.now();
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("fping", {
      args: ["-q", "-c", String(perTarget), "-i", "0", "-p", "0", "-t", "1000", ...targets],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    return {
      tool: "fping",
      probes: 0,
      received: 0,
      inFlight: 0,
      wallMs: 0,
      cpuMs: 0,
      error: String(error),
    };
  }
  const wallMs = performance.now() - start;
  const cpu = selfAndReapedCpuMs() - cpuBefore;
  const text = new TextDecoder().decode(out.stderr);
  let sent = 0, received = 0;
  for (const m of text.matchAll(/xmt\/rcv\/%loss = (\d+)\/(\d+)/g)) {
    sent += Number(m[1]);
    received += Number(m[2]);
  }
  if (sent === 0) {
    return {
      tool: "fping",
      probes: 0,
      received: 0,
      inFlight: 0,
      wallMs,
      cpuMs: cpu,
      error: text.trim(),
    };
  }
  return { tool: "fping", probes: sent, received, inFlight: 1, wallMs, cpuMs: cpu };
}

/** The measurements themselves, in the current namespace. */
export async function measure(targets: string[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  rows.push(await benchProber("native", targets, { probes: 20_000, inFlight: 256 }));
  rows.push(await benchProber("mtr-packet", targets, { probes: 20_000, inFlight: 256 }));
  rows.push(await benchProber("ping", targets, { probes: 2_000, inFlight: 32 }));
  rows.push(await benchFping(targets, 40_000));
  return rows;
}

export function formatTable(rows: BenchRow[]): string {
  const fping = rows.find((r) => r.tool === "fping" && !r.error);
  const perProbeUs = (r: BenchRow) => (r.cpuMs * 1000) / r.probes;
  const rate = (r: BenchRow) => r.probes / (r.wallMs / 1000);
  const header = [
    "tool",
    "probes",
    "replies",
    "in flight",
    "wall s",
    "probes/s",
    "CPU ms",
    "CPU µs/probe",
    "CPU vs fping",
    "rate vs fping",
  ];
  const lines = rows.map((r) => {
    if (r.error) return [r.tool, `not run: ${r.error.split("\n")[0]}`];
    return [
      r.tool,
      String(r.probes),
      String(r.received),
      String(r.inFlight),
      (r.wallMs / 1000).toFixed(2),
      rate(r).toFixed(0),
      r.cpuMs.toFixed(0),
      perProbeUs(r).toFixed(1),
      fping ? `${(perProbeUs(r) / perProbeUs(fping)).toFixed(1)}x` : "-",
      fping ? `${(rate(r) / rate(fping)).toFixed(2)}x` : "-",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const notes = rows.filter((r) => r.childCpuMs !== undefined).map((r) =>
    `${r.tool}: ${r.childCpuMs!.toFixed(0)} ms of its CPU in the mtr-packet child, ` +
    `${(r.cpuMs - r.childCpuMs!).toFixed(0)} ms in Deno`
  );
  return [
    fmt(header),
    ...lines.map((l) => (l.length === 2 ? `${l[0].padEnd(widths[0])}  ${l[1]}` : fmt(l))),
    ...notes,
  ].join("\n");
}

/** Runs the bench (in the lab when it can) and returns the text to print. */
export async function runProbersLabBench(): Promise<string> {
  const title =
    "probers: echo probes, as fast as they go (native, mtr-packet and ping via the Prober interface)";
  const skip = Deno.env.get("PW_BENCH_LOOPBACK") === "1"
    ? "PW_BENCH_LOOPBACK=1"
    : await labSkipReason();
  if (skip) {
    const targets = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"];
    const rows = await measure(targets);
    return `${title}\nNOT the network lab (${skip}): probing ${targets.join(", ")} on loopback.\n` +
      formatTable(rows);
  }
  const lab = await createLab({ lowLatency: false });
  try {
    const targets = (["r1", "r2", "r3", "target"] as const).map((node) => lab.address(node, 4));
    const out = await lab.command([Deno.execPath(), "run", "-A", SELF, "--inside", ...targets], {
      cwd: ROOT,
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      throw new Error(`bench in the lab failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    const rows = JSON.parse(text) as BenchRow[];
    return `${title}\nnetwork lab, agent namespace, targets ${targets.join(", ")} ` +
      `(1-4 hops, no injected delay):\n${formatTable(rows)}`;
  } finally {
    await lab.destroy();
  }
}

if (import.meta.main) {
  if (Deno.args[0] === "--inside") {
    console.log(JSON.stringify(await measure(Deno.args.slice(1))));
  } else {
    console.log(await runProbersLabBench());
  }
}
