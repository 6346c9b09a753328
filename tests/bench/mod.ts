// `deno task bench`: runs the bench scripts in turn and prints their figures.
//
//   deno task bench                       every bench (the scale run takes 10 minutes, root)
//   deno task bench history probers_lab   only these (names: probers_lab, interfaces,
//                                         ws_latency, ui, history, stores, scale, summary)
//   deno task bench scale --minutes 2     options after the names go to the selected benches
// Options: --minutes/--targets/--interval/--v8-flags (scale), --reseed/--repeats/--dir (history),
// --targets/--repeats (stores: SQLite beside PostgreSQL on the same data), --targets/--repeats/
// --compare DIR (summary: GET /api/summary from a server process, another checkout alternately).
import { parseArgs } from "node:util";
import { runHistoryBench } from "./history.ts";
import { runStoresBench } from "./stores.ts";
import { runInterfacesBench } from "./interfaces.ts";
import { runProbersLabBench } from "./probers_lab.ts";
import { runScaleLab, START_TASK_V8_FLAGS } from "./scale_lab.ts";
import { runUiSummaryBench, runUiTimelineBench } from "./ui_browser.ts";
import { runWsLatencyBench } from "./ws_latency.ts";
import { runSummaryApiBench } from "./summary_api.ts";
import { skipReason as browserSkipReason } from "../ui/harness.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    minutes: { type: "string", default: "10" },
    targets: { type: "string", default: "1000" },
    interval: { type: "string", default: "2.5" },
    "v8-flags": { type: "string", default: START_TASK_V8_FLAGS },
    reseed: { type: "boolean", default: false },
    repeats: { type: "string", default: "30" },
    dir: { type: "string", default: "/tmp/pingwatcher-bench" },
    compare: { type: "string", multiple: true, default: [] },
  },
});

const BENCHES: { name: string; run: () => Promise<string> }[] = [
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
        targets: Number(values.targets),
        days: 7,
        intervalS: 600,
      }),
  },
  {
    name: "scale",
    run: () =>
      runScaleLab({
        minutes: Number(values.minutes),
        targets: Number(values.targets),
        intervalS: Number(values.interval),
        v8Flags: values["v8-flags"],
      }),
  },
  {
    name: "summary",
    run: () =>
      runSummaryApiBench({
        // Its own defaults (5,000 targets, 20 requests) unless given.
        targets: Deno.args.includes("--targets") ? Number(values.targets) : undefined,
        repeats: Deno.args.includes("--repeats") ? Number(values.repeats) : undefined,
        compare: values.compare,
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
  : BENCHES;

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
