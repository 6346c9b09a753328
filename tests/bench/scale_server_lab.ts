// Bench (issue 14): the product's server alone on many final-hop lab targets (default 5,000 at
// 2.5 s: 2,000 rounds/s) for --minutes, run as fping_lab.ts runs it (the start task's flags,
// `--headless --port 0`, targets declared in the data directory's pingwatcher.yaml with
// `finalHopOnly: true`).
//
//   deno task bench scale5000 [--targets 5000] [--minutes 10] [--interval 2.5] [--every 10]
//
// Reports rounds due/started/completed/late/skipped (the engine's counters from GET
// /api/version, which reads no store), the engine's round-start lateness percentiles, sampled as
// often as its window (its last 10,000 rounds) turns over so the samples tile the run, the time
// curl takes to GET /api/summary (all targets) every --every s while it runs, max RSS (VmHWM) and
// the CPU of the server's process tree.
import { createLab, labSkipReason } from "../netlab/lab.ts";
import { join } from "node:path";
import type { EngineCounters } from "../../engine/engine.ts";
import { engineCounters, labGet, startServer, stopServer, writeConfig } from "./bench_server.ts";
import { addTargets, checkTargetsAndInterval } from "./lab_bench.ts";
import { loadAverage, median, peakRssKb, percentile, treeCpuMs } from "./proc_stats.ts";
import type { Lab } from "../netlab/lab.ts";

export interface ScaleServerOptions {
  targets: number;
  minutes: number;
  intervalS: number;
  /** Seconds between GETs of the summary. */
  everyS: number;
}

/** The engine keeps lateness over its last this many rounds (engine/engine.ts). */
const ENGINE_LATENESS_ROUNDS = 10_000;
const STEADY_AFTER_S = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Samples {
  p50: number[];
  p99: number[];
  summaryMs: number[];
  summaryBytes: number;
  steadyFrom: EngineCounters | null;
}

async function sampleRun(lab: Lab, url: string, options: ScaleServerOptions, samples: Samples) {
  const roundsPerS = options.targets / options.intervalS;
  const countersEveryMs = Math.min(
    10_000,
    Math.max(1000, (ENGINE_LATENESS_ROUNDS / roundsPerS) * 1000),
  );
  const start = performance.now();
  const end = start + options.minutes * 60_000;
  let nextSummary = start + options.everyS * 1000;
  let nextCounters = start + countersEveryMs;
  while (performance.now() < end) {
    await sleep(Math.max(0, Math.min(nextSummary, nextCounters, end) - performance.now()));
    const now = performance.now();
    if (now >= nextCounters) {
      nextCounters += countersEveryMs;
      const c = await engineCounters(lab, url);
      if (now - start >= STEADY_AFTER_S * 1000) {
        samples.steadyFrom ??= c;
        if (c.latenessP50Ms !== null) samples.p50.push(c.latenessP50Ms);
        if (c.latenessP99Ms !== null) samples.p99.push(c.latenessP99Ms);
      }
    }
    if (now >= nextSummary) {
      nextSummary += options.everyS * 1000;
      const got = await labGet(lab, `${url}/api/summary`);
      samples.summaryMs.push(got.ms);
      samples.summaryBytes = got.body.length;
    }
  }
  return { countersEveryMs, wallMs: performance.now() - start };
}

function spread(values: number[]): string {
  if (values.length === 0) return "no samples";
  const sorted = Float64Array.from(values).sort();
  return `p50 ${percentile(sorted, 50).toFixed(1)}, p99 ${percentile(sorted, 99).toFixed(1)}, ` +
    `max ${sorted[sorted.length - 1].toFixed(1)} ms (${values.length} samples)`;
}

function rounds(c: EngineCounters): string {
  return `started ${c.roundsStarted}, completed ${c.roundsCompleted}, late ${c.roundsLate}, ` +
    `skipped ${c.roundsSkipped}`;
}

function checkOptions(o: ScaleServerOptions): void {
  checkTargetsAndInterval(o.targets, o.intervalS);
  if (!(o.minutes > 0)) throw new Error("--minutes must be > 0");
  if (!(o.everyS >= 1)) throw new Error("--every must be >= 1 s");
}

export async function runScaleServerLab(options: ScaleServerOptions): Promise<string> {
  checkOptions(options);
  const skip = await labSkipReason();
  if (skip) return `scale5000: not run: ${skip}`;
  const loadBefore = loadAverage();
  const lab = await createLab({ lowLatency: false });
  const dataDir = Deno.makeTempDirSync({ prefix: "pw-scale-server-" });
  try {
    const addresses = await addTargets(lab, options.targets);
    writeConfig(
      dataDir,
      addresses.map((host) => ({ host, intervalS: options.intervalS, finalHopOnly: true })),
    );
    const server = await startServer(lab, [
      ...["--headless", "--port", "0", "--data-dir", dataDir],
      ...["--db", join(dataDir, "pingwatcher.db")],
    ]);
    const samples: Samples = { p50: [], p99: [], summaryMs: [], summaryBytes: 0, steadyFrom: null };
    let end: EngineCounters;
    let run: { countersEveryMs: number; wallMs: number };
    let cpuMs: number;
    let maxRssMb: number;
    try {
      const cpu0 = treeCpuMs(server.pid);
      run = await sampleRun(lab, server.url, options, samples);
      cpuMs = treeCpuMs(server.pid) - cpu0;
      end = await engineCounters(lab, server.url);
      maxRssMb = peakRssKb(server.pid) / 1024;
    } finally {
      await stopServer(server);
    }
    const due = Math.floor(options.targets * run.wallMs / (options.intervalS * 1000));
    const steady = samples.steadyFrom;
    return [
      `scale5000: ${options.targets} final-hop lab targets every ${options.intervalS} s ` +
      `(${(options.targets / options.intervalS).toFixed(0)} rounds/s), the server (start task's ` +
      `flags, --headless), ${(run.wallMs / 60_000).toFixed(1)} min; load average before ` +
      `${loadBefore}, after ${loadAverage()}`,
      `engine targets ${end.targets}; rounds due ${end.roundsStarted + end.roundsSkipped} ` +
      `(engine; ~${due} from the wall time since the server listened): ${rounds(end)}`,
      steady
        ? `  after the first ${STEADY_AFTER_S} s: skipped ${
          end.roundsSkipped - steady.roundsSkipped
        }, ` +
          `late ${end.roundsLate - steady.roundsLate}`
        : `  (the run was shorter than ${STEADY_AFTER_S} s: no steady-state figures)`,
      `round-start lateness, the engine's window (last ${ENGINE_LATENESS_ROUNDS} rounds) read ` +
      `every ${(run.countersEveryMs / 1000).toFixed(1)} s after the first ${STEADY_AFTER_S} s: ` +
      `p99 of each window: median ${median(samples.p99).toFixed(1)}, max ${
        Math.max(...samples.p99, 0).toFixed(1)
      } ms; p50: median ${median(samples.p50).toFixed(1)} ms`,
      `GET /api/summary (all targets, ${(samples.summaryBytes / 1024).toFixed(0)} kB) every ` +
      `${options.everyS} s, curl's total time: ${spread(samples.summaryMs)}`,
      `server: max RSS ${maxRssMb.toFixed(0)} MB; CPU (process tree) ${
        (cpuMs / run.wallMs * 100).toFixed(1)
      } % of one core`,
    ].join("\n");
  } finally {
    await lab.destroy();
    Deno.removeSync(dataDir, { recursive: true });
  }
}
