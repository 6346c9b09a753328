// `deno task bench`: runs the bench scripts in turn and prints their figures.
//
//   deno task bench                       every bench but scale5000 and aged (scale takes 10 minutes,
//                                         fping about 6; the lab ones need root)
//   deno task bench history probers_lab   only these (names: probers_lab, interfaces,
//                                         ws_latency, ui, history, stores, scale, fping,
//                                         scale5000, summary, recovery)
//   deno task bench scale --minutes 2     options after the names go to the selected benches
// Options: --minutes/--targets/--interval/--v8-flags (scale), --reseed/--repeats/--dir (history),
// --targets/--repeats (stores: SQLite beside PostgreSQL on the same data),
// --targets (1000)/--seconds (60)/--warmup (30)/--mode final|full|both (both)/--interval (2.5)/
// --starts (10)/--history (0 hours) (fping: the server's CPU per probe next to fping's on the same
// lab targets, max RSS, start to serving; --history ages each database first),
// --targets (5000)/--minutes (10)/--interval (2.5)/--every (10) (scale5000: the server alone on
// final-hop targets: skipped rounds, lateness, summary over HTTP),
// --targets/--repeats/--compare DIR (summary: GET /api/summary from a server process, another
// checkout alternately), --targets (1000) (recovery: the rollups' rebuild after a crash),
// --targets (1000)/--hours (6)/--minutes (10) (aged: the store's cost per round written once the
// database holds hours of history).
import { parseArgs } from "node:util";
import { runHistoryBench } from "./history.ts";
import { runStoresBench } from "./stores.ts";
import { type FpingMode, runFpingLab } from "./fping_lab.ts";
import { runScaleServerLab } from "./scale_server_lab.ts";
import { runInterfacesBench } from "./interfaces.ts";
import { runProbersLabBench } from "./probers_lab.ts";
import { runScaleLab, START_TASK_V8_FLAGS } from "./scale_lab.ts";
import { runUiSummaryBench, runUiTimelineBench } from "./ui_browser.ts";
import { runWsLatencyBench } from "./ws_latency.ts";
import { runSummaryApiBench } from "./summary_api.ts";
import { runRecoveryBench } from "./rollup_recovery.ts";
import { runAgedStoreBench } from "./store_aged.ts";
import { skipReason as browserSkipReason } from "../ui/harness.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    minutes: { type: "string", default: "10" },
    targets: { type: "string" },
    seconds: { type: "string", default: "60" },
    warmup: { type: "string", default: "30" },
    mode: { type: "string", default: "both" },
    starts: { type: "string", default: "10" },
    every: { type: "string", default: "10" },
    interval: { type: "string", default: "2.5" },
    "v8-flags": { type: "string", default: START_TASK_V8_FLAGS },
    reseed: { type: "boolean", default: false },
    repeats: { type: "string", default: "30" },
    dir: { type: "string", default: "/tmp/pingwatcher-bench" },
    compare: { type: "string", multiple: true, default: [] },
    hours: { type: "string", default: "6" },
    history: { type: "string", default: "0" },
  },
});

function fpingModes(mode: string): FpingMode[] {
  if (mode === "both") return ["final", "full"];
  if (mode === "final" || mode === "full") return [mode];
  throw new Error(`--mode must be final, full or both, got ${mode}`);
}

/** `onlyNamed`: too long or too heavy for a plain `deno task bench`; run when named. */
const BENCHES: { name: string; run: () => Promise<string>; onlyNamed?: boolean }[] = [
  { name: "probers_lab", run: runProbersLabBench },
  { name: "interfaces", run: runInterfacesBench },
  { name: "ws_latency", run: () => runWsLatencyBench() },
  {
    name: "ui",
    run: async () => {
      const skip = browserSkipReason();
      if (skip) return `ui: not run: ${skip}`;
      return `${await runUiTimelineBench()}\n${await runUiSummaryBench()}`;
    },
  },
  {
    name: "history",
    run: () =>
      runHistoryBench({
        dir: values.dir,
        reseed: values.reseed,
        repeats: Number(values.repeats),
      }),
  },
  {
    name: "stores",
    run: () =>
      runStoresBench({
        repeats: Number(values.repeats) > 15 ? 15 : Number(values.repeats),
        targets: Number(values.targets ?? "1000"),
        days: 7,
        intervalS: 600,
      }),
  },
  {
    name: "scale",
    run: () =>
      runScaleLab({
        minutes: Number(values.minutes),
        targets: Number(values.targets ?? "1000"),
        intervalS: Number(values.interval),
        v8Flags: values["v8-flags"],
      }),
  },
  {
    name: "fping",
    run: () =>
      runFpingLab({
        targets: Number(values.targets ?? "1000"),
        seconds: Number(values.seconds),
        warmupS: Number(values.warmup),
        modes: fpingModes(values.mode),
        intervalS: Number(values.interval),
        starts: Number(values.starts),
        historyHours: Number(values.history),
      }),
  },
  {
    name: "scale5000",
    onlyNamed: true,
    run: () =>
      runScaleServerLab({
        targets: Number(values.targets ?? "5000"),
        minutes: Number(values.minutes),
        intervalS: Number(values.interval),
        everyS: Number(values.every),
      }),
  },
  {
    name: "summary",
    run: () =>
      runSummaryApiBench({
        // Its own defaults (5,000 targets, 20 requests) unless given.
        targets: values.targets === undefined ? undefined : Number(values.targets),
        repeats: Deno.args.includes("--repeats") ? Number(values.repeats) : undefined,
        compare: values.compare,
      }),
  },
  {
    name: "recovery",
    run: () => runRecoveryBench({ targets: Number(values.targets ?? "1000") }),
  },
  {
    name: "aged",
    onlyNamed: true,
    run: () =>
      runAgedStoreBench({
        targets: Number(values.targets ?? "1000"),
        hours: Number(values.hours),
        minutes: Number(values.minutes),
      }),
  },
];

const unknown = positionals.filter((name) => !BENCHES.some((bench) => bench.name === name));
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(", ")}; known: ${BENCHES.map((b) => b.name)}`);
  Deno.exit(2);
}
const selected = positionals.length
  ? BENCHES.filter((bench) => positionals.includes(bench.name))
  : BENCHES.filter((bench) => !bench.onlyNamed);

for (const bench of selected) {
  const started = performance.now();
  console.log(`== ${bench.name}`);
  try {
    console.log(await bench.run());
  } catch (error) {
    console.log(`FAILED: ${error instanceof Error ? error.stack : error}`);
    Deno.exitCode = 1;
  }
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
