// Bench (issue 14): CPU per probe of the product's server next to fping on the same lab targets.
//
//   deno task bench fping [--targets 1000] [--seconds 60] [--warmup 30] [--mode final|full|both]
//                         [--interval 2.5] [--starts 10] [--history HOURS]
//
// As root it builds the network lab and puts N addresses behind r1, r2 and r3 (lab_bench.ts).
// Per mode, one after the other: the server (`deno task start`'s V8 flags and permissions,
// `--headless --port 0 --metrics-all-hops`, its own temporary data directory and database, the N
// targets declared in the directory's pingwatcher.yaml with `interval` and, for `final`,
// `finalHopOnly: true`; API and alert service wired, no clients, no rules) runs for --warmup s,
// then --seconds s are measured; then `fping -l -p INTERVAL -i 1` on the same addresses, warmed
// up for at most 10 s and measured over the same length of window.
//
// CPU: utime+stime of the process and all its descendants (mtr-packet; reaped children such as
// the interface monitor's via cutime+cstime) from /proc, over the window. Probes: the product's
// own counters (/metrics, every hop's probes_sent_total + probes_errors_total, read just before
// and after the window and scaled to its length), fping's from its output (results printed in the
// window). The kernel's count of echo requests that left the agent namespace over the same window
// is shown beside both as a check. Max RSS: the server's VmHWM, and beside it the largest RssAnon
// sampled every 250 ms over warm-up and window (its own pages, without the deno binary's). Then
// --starts starts of the server on the last mode's database: spawn to first /healthz answer
// (start_time.ts). With --history, each mode's database is first given that many hours of rounds
// (aged_history.ts), as a server that has run that long has: a fresh one flatters the store.
import type { Lab } from "../netlab/lab.ts";
import { createLab, labSkipReason } from "../netlab/lab.ts";
import { join } from "node:path";
import { labGet, startServer, stopServer, sumMetrics, writeConfig } from "./bench_server.ts";
import { startFping } from "./fping_run.ts";
import { addTargets, checkTargetsAndInterval, echoRequestCounter } from "./lab_bench.ts";
import {
  anonPeakSampler,
  type CpuSplit,
  loadAverage,
  median,
  peakRssKb,
  percentile,
  threadCpuDelta,
  threadCpuMs,
  treeCpuMs,
} from "./proc_stats.ts";
import { timeStarts } from "./start_time.ts";
import { ageDatabase, targetsWithRounds } from "./aged_history.ts";

export type FpingMode = "final" | "full";

export interface FpingBenchOptions {
  targets: number;
  seconds: number;
  warmupS: number;
  modes: FpingMode[];
  intervalS: number;
  starts: number;
  /** Hours of history each target's database holds before the measured start (0: a fresh one). */
  historyHours: number;
}

interface Window {
  cpuMs: number;
  wallMs: number;
  /** Echo requests that left the agent namespace (kernel counter). */
  kernelProbes: number;
  /** The process's own CPU over the window by thread name (its children not included). */
  threads: [string, CpuSplit][];
}

interface ServerFigures extends Window {
  /** From the product's counters, scaled to the CPU window. */
  probes: number;
  maxRssMb: number;
  /** The largest RssAnon sampled over warm-up and window: VmHWM without the binary's pages. */
  maxAnonMb: number;
  dataDir: string;
  /** The prober the server chose (GET /api/probers). */
  prober: string;
  /** Median over the targets of their average RTT (GET /api/summary): what it measured. */
  rttMedianUs: number;
}

interface FpingFigures extends Window {
  /** Results fping printed in the window. */
  probes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FPING_WARMUP_MAX_S = 10;
const PROBE_FAMILIES = ["pingwatcher_hop_probes_sent_total", "pingwatcher_hop_probes_errors_total"];

/** Reads CPU and the kernel count over `ms`; `pid`'s tree is what is charged. */
async function measureWindow(pid: number, ms: number, kernel: () => Promise<number>) {
  const kernel0 = await kernel();
  const threads0 = threadCpuMs(pid);
  const cpu0 = treeCpuMs(pid);
  const wall0 = performance.now();
  await sleep(ms);
  const cpu1 = treeCpuMs(pid);
  const threads1 = threadCpuMs(pid);
  const wall1 = performance.now();
  const kernel1 = await kernel();
  return {
    cpuMs: cpu1 - cpu0,
    wallMs: wall1 - wall0,
    kernelProbes: kernel1 - kernel0,
    threads: threadCpuDelta(threads0, threads1),
    wall0,
    wall1,
  };
}

/** Probes the server counted so far, and when (the middle of the scrape). */
async function productProbes(lab: Lab, url: string): Promise<{ probes: number; at: number }> {
  const before = performance.now();
  const { body } = await labGet(lab, `${url}/metrics`);
  return { probes: sumMetrics(body, PROBE_FAMILIES), at: (before + performance.now()) / 2 };
}

async function measureServer(
  lab: Lab,
  addresses: string[],
  mode: FpingMode,
  options: FpingBenchOptions & { kernel: () => Promise<number> },
): Promise<ServerFigures> {
  const dataDir = Deno.makeTempDirSync({ prefix: `pw-fping-${mode}-` });
  const finalHopOnly = mode === "final";
  writeConfig(
    dataDir,
    addresses.map((host) => ({ host, intervalS: options.intervalS, finalHopOnly })),
  );
  if (options.historyHours > 0) await age(lab, dataDir, addresses.length, options);
  const server = await startServer(lab, serverArgs(dataDir).concat(["--port", "0"]));
  const anon = anonPeakSampler(server.pid);
  try {
    await sleep(options.warmupS * 1000);
    const before = await productProbes(lab, server.url);
    const window = await measureWindow(server.pid, options.seconds * 1000, options.kernel);
    const after = await productProbes(lab, server.url);
    // The counters were read around the window; scale them to the CPU window's length.
    const probes = (after.probes - before.probes) * window.wallMs / (after.at - before.at);
    const maxRssMb = peakRssKb(server.pid) / 1024;
    const maxAnonMb = anon.stop() / 1024;
    const prober = JSON.parse((await labGet(lab, `${server.url}/api/probers`)).body).active;
    const rttMedianUs = await measuredRttUs(lab, server.url);
    return { ...window, probes, maxRssMb, maxAnonMb, dataDir, prober, rttMedianUs };
  } finally {
    anon.stop();
    await stopServer(server);
  }
}

/**
 * Runs the server until every target has a stored round, then writes `historyHours` of copies of
 * it before it (aged_history.ts): the measured server then starts on a database that has run.
 */
async function age(lab: Lab, dataDir: string, targets: number, options: FpingBenchOptions) {
  const db = join(dataDir, "pingwatcher.db");
  const server = await startServer(lab, serverArgs(dataDir).concat(["--port", "0"]));
  try {
    const deadline = performance.now() + 60_000;
    while (targetsWithRounds(db) < targets) {
      if (performance.now() > deadline) throw new Error("the targets' first rounds never came");
      await sleep(500);
    }
  } finally {
    await stopServer(server);
  }
  const began = performance.now();
  const rounds = await ageDatabase(db, options.historyHours, options.intervalS * 1000);
  console.error(
    `[fping] ${rounds} rounds of history written in ${
      ((performance.now() - began) / 1000).toFixed(0)
    } s`,
  );
}

/** The median of the targets' average RTTs: batching must not make them longer than they are. */
async function measuredRttUs(lab: Lab, url: string): Promise<number> {
  const { targets } = JSON.parse((await labGet(lab, `${url}/api/summary`)).body) as {
    targets: { avgMs: number | null }[];
  };
  const avgs = targets.flatMap((t) => t.avgMs === null ? [] : [t.avgMs * 1000]);
  return avgs.length ? median(avgs) : NaN;
}

/** The server's arguments on a data directory (database and config file in it). */
function serverArgs(dataDir: string): string[] {
  return ["--headless", "--metrics-all-hops", "--data-dir", dataDir]
    .concat(["--db", join(dataDir, "pingwatcher.db")]);
}

async function measureFping(
  lab: Lab,
  addresses: string[],
  options: FpingBenchOptions & { kernel: () => Promise<number> },
): Promise<FpingFigures> {
  const fping = startFping(lab, addresses, options.intervalS * 1000);
  try {
    await sleep(Math.min(options.warmupS, FPING_WARMUP_MAX_S) * 1000);
    const results0 = fping.results();
    const window = await measureWindow(fping.pid, options.seconds * 1000, options.kernel);
    return { ...window, probes: fping.results() - results0 };
  } finally {
    await fping.stop();
  }
}

interface ModeRow {
  mode: FpingMode;
  server: ServerFigures;
  fping: FpingFigures;
}

const perProbeUs = (w: { cpuMs: number; probes: number }) =>
  w.probes > 0 ? (w.cpuMs * 1000) / w.probes : NaN;

function formatRows(rows: ModeRow[], options: FpingBenchOptions): string[] {
  const label = { final: "final hop only", full: "full path" };
  const lines = [
    "| mode | PingWatcher CPU per probe | fping CPU per probe | ratio | PingWatcher max RSS |",
    "|---|---|---|---|---|",
  ];
  for (const { mode, server, fping } of rows) {
    const pw = perProbeUs(server);
    const fp = perProbeUs(fping);
    lines.push(
      `| ${label[mode]} | ${pw.toFixed(1)} µs | ${fp.toFixed(1)} µs | ${(pw / fp).toFixed(1)}× | ` +
        `${server.maxRssMb.toFixed(0)} MB (anonymous ${server.maxAnonMb.toFixed(0)}) |`,
    );
  }
  lines.push("");
  for (const { mode, server, fping } of rows) {
    const s = (w: Window) => `${(w.wallMs / 1000).toFixed(1)} s, CPU ${w.cpuMs.toFixed(0)} ms`;
    lines.push(
      `${label[mode]}: PingWatcher (${server.prober} prober; median of the targets' average RTT ` +
        `${server.rttMedianUs.toFixed(0)} µs) ${s(server)}, probes ${
          server.probes.toFixed(0)
        } (its /metrics ` +
        `counters; kernel: ${server.kernelProbes} echo requests sent); fping ${s(fping)}, probes ` +
        `${fping.probes} (its output; kernel: ${fping.kernelProbes}); targets x window / ` +
        `interval = ${(options.targets * options.seconds / options.intervalS).toFixed(0)} rounds`,
    );
  }
  for (const { mode, server, fping } of rows) {
    lines.push(
      `${label[mode]}, CPU per probe by thread (user + system µs): PingWatcher ` +
        `${threadShares(server)}; fping ${threadShares(fping)}`,
    );
  }
  const least = Math.min(...rows.flatMap((r) => [r.server.cpuMs, r.fping.cpuMs]));
  if (least < 2000) {
    lines.push(
      `(CPU is counted in 10 ms clock ticks per process: ${least.toFixed(0)} ms is good to ` +
        `about ±${(1000 / Math.max(least, 1)).toFixed(0)} %; use more targets or seconds)`,
    );
  }
  return lines;
}

/**
 * A window's CPU per probe by thread name (the store's Worker is "worker-1", V8's helper threads
 * for GC and compiling "V8 DefaultWorke"), then what no live thread of the process holds: its
 * children (mtr-packet, the interface monitor's commands) and threads that ended.
 */
function threadShares(w: Window & { probes: number }): string {
  const us = (ms: number) => (ms * 1000 / w.probes).toFixed(1);
  const named = w.threads.map(([name, cpu]) => `${name} ${us(cpu.user)} + ${us(cpu.system)}`);
  const rest = w.cpuMs - w.threads.reduce((sum, [, cpu]) => sum + cpu.user + cpu.system, 0);
  if (Math.abs(rest) >= 10) named.push(`children and ended threads ${us(rest)}`);
  return named.join(", ");
}

function formatStarts(times: number[]): string {
  if (times.length === 0) return "start to serving: not measured (--starts 0)";
  const sorted = Float64Array.from(times).sort();
  return `start to serving (spawn to first /healthz answer, ${times.length} starts on the ` +
    `existing database): median ${median(times).toFixed(0)} ms, p25 ${
      percentile(sorted, 25).toFixed(0)
    }, p75 ${percentile(sorted, 75).toFixed(0)}, min ${sorted[0].toFixed(0)}, max ${
      sorted[sorted.length - 1].toFixed(0)
    } ms`;
}

function checkOptions(o: FpingBenchOptions): void {
  checkTargetsAndInterval(o.targets, o.intervalS);
  if (!(o.seconds > 0)) throw new Error("--seconds must be > 0");
  if (!(o.warmupS >= 0)) throw new Error("--warmup must be >= 0");
  if (!Number.isInteger(o.starts) || o.starts < 0) throw new Error("--starts must be >= 0");
  if (!(o.historyHours >= 0)) throw new Error("--history must be >= 0 (hours)");
}

/** Builds the lab, runs every mode (server, then fping) and the timed starts; the report. */
export async function runFpingLab(options: FpingBenchOptions): Promise<string> {
  checkOptions(options);
  const skip = await labSkipReason();
  if (skip) return `fping: not run: ${skip}`;
  const loadBefore = loadAverage();
  const lab = await createLab({ lowLatency: false });
  const dirs: string[] = [];
  try {
    const addresses = await addTargets(lab, options.targets);
    const kernel = await echoRequestCounter(lab);
    const rows: ModeRow[] = [];
    for (const mode of options.modes) {
      const server = await measureServer(lab, addresses, mode, { ...options, kernel });
      dirs.push(server.dataDir);
      const fping = await measureFping(lab, addresses, { ...options, kernel });
      rows.push({ mode, server, fping });
    }
    const starts = await timeStarts(lab, serverArgs(dirs.at(-1)!), options.starts);
    return [
      `fping: ${options.targets} lab targets (final hop behind r1, r2, r3) every ` +
      `${options.intervalS} s, the prober auto chooses; warm-up ${options.warmupS} s, window ` +
      `${options.seconds} s; ` +
      (options.historyHours > 0
        ? `each database first given ${options.historyHours} h of history; `
        : "fresh databases; ") +
      `load average before ${loadBefore}, after ${loadAverage()}`,
      ...formatRows(rows, options),
      formatStarts(starts),
    ].join("\n");
  } finally {
    await lab.destroy();
    for (const dir of dirs) Deno.removeSync(dir, { recursive: true });
  }
}
