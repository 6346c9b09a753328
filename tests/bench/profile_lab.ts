// CPU profile of the server as a user runs it (a script, not a test): `main.ts serve --headless`
// with the start task's V8 flags, API and alert service wired, no clients, no rules, probing N lab
// targets (default 1,000) at 2.5 s through mtr-packet, declared in a config file. After a warm-up
// it takes a V8 CPU profile of the steady state through the inspector (Profiler domain) and the
// process's CPU from /proc over the same window, then writes the .cpuprofile and prints a summary
// (tests/bench/profile_summary.ts).
//
//   deno run -A tests/bench/profile_lab.ts [--targets 1000] [--interval 2.5] [--seconds 60]
//                                          [--warmup 30] [--full-path] [--out DIR]
//                                          [--perf | --syscalls | --heap [--survivors] | --cpu]
//                                          [--root CHECKOUT] [--v8-flags FLAGS]
// --cpu measures the process's CPU only (no profiler attached): two of them started together with
// their own --prefix, one with --root pointing at another checkout, compare two versions of the
// server under the same load at the same time.
// Needs root: without it, it says why and does nothing.
import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLab, labSkipReason } from "../netlab/lab.ts";
import { addTargets, labAddresses } from "./lab_bench.ts";
import {
  childCpuMs,
  childPids,
  type CpuSplit,
  processCpuMs,
  threadCpuDelta,
  threadCpuMs,
} from "./proc_stats.ts";
import { START_TASK_V8_FLAGS } from "./scale_lab.ts";
import { type CpuProfile, formatSummary, summarise } from "./profile_summary.ts";

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(dirname(SELF), "..", "..");

interface ProfileOptions {
  targets: number;
  intervalS: number;
  seconds: number;
  warmupS: number;
  fullPath: boolean;
  /** Sample with Linux perf (native frames too: the event loop, syscalls, SQLite) instead. */
  perf: boolean;
  /** Count the server's system calls (strace -c) instead: wake-ups, reads and writes per probe. */
  syscalls: boolean;
  /** Lab namespace prefix: two runs side by side (A/B under the same load) need two. */
  prefix: string;
  /** Sample allocations (V8's sampling heap profiler, collected objects included) instead. */
  heap: boolean;
  /**
   * With heap: only objects that outlived a young-generation collection (promoted, or still
   * alive): what the old generation's collections have to mark and sweep later.
   */
  survivors: boolean;
  /** GET /api/summary (all targets) every this many seconds during the window (0: never). */
  summaryEvery: number;
  /** Only the process's CPU over the window (per thread), nothing attached. */
  cpu: boolean;
  /** The checkout whose main.ts is run (default: this one). */
  root: string;
  /** The server's V8 flags (default: the start task's). */
  v8Flags: string;
  out: string;
}

function parse(argv: string[]): ProfileOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      targets: { type: "string", default: "1000" },
      interval: { type: "string", default: "2.5" },
      seconds: { type: "string", default: "60" },
      warmup: { type: "string", default: "30" },
      "full-path": { type: "boolean", default: false },
      perf: { type: "boolean", default: false },
      syscalls: { type: "boolean", default: false },
      prefix: { type: "string", default: "pwp" },
      heap: { type: "boolean", default: false },
      survivors: { type: "boolean", default: false },
      "summary-every": { type: "string", default: "0" },
      cpu: { type: "boolean", default: false },
      root: { type: "string", default: ROOT },
      "v8-flags": { type: "string", default: START_TASK_V8_FLAGS },
      out: { type: "string", default: "/tmp/pw-profile" },
    },
  });
  const summaryEvery = Number(values["summary-every"]);
  if (!(summaryEvery >= 0)) throw new Error("--summary-every must be a number of seconds >= 0");
  if (summaryEvery > 0 && (values.perf || values.syscalls || values.heap || values.cpu)) {
    // Those modes sleep out their window in perf, strace or the heap profiler instead.
    throw new Error(
      "--summary-every goes with the CPU profile only (not --perf/--syscalls/--heap/--cpu)",
    );
  }
  return {
    targets: Number(values.targets),
    intervalS: Number(values.interval),
    seconds: Number(values.seconds),
    warmupS: Number(values.warmup),
    fullPath: values["full-path"],
    perf: values.perf,
    syscalls: values.syscalls,
    prefix: values.prefix,
    heap: values.heap || values.survivors,
    survivors: values.survivors,
    summaryEvery,
    cpu: values.cpu,
    root: values.root,
    v8Flags: values["v8-flags"],
    out: values.out,
  };
}

function configYaml(addresses: string[], options: ProfileOptions): string {
  const lines = ["targets:"];
  for (const host of addresses) {
    lines.push(`  - host: ${host}`);
    lines.push(`    interval: ${options.intervalS}`);
    if (!options.fullPath) lines.push(`    finalHopOnly: true`);
  }
  return lines.join("\n") + "\n";
}

/** Inspector client: one WebSocket, numbered requests. */
async function inspector(url: string) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let id = 0;
  const pending = new Map<number, (value: unknown) => void>();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? message.error);
  };
  return {
    send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
      const n = ++id;
      ws.send(JSON.stringify({ id: n, method, params }));
      return new Promise((resolve) => pending.set(n, resolve));
    },
    close: () => ws.close(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function threadLines(before: Map<string, CpuSplit>, after: Map<string, CpuSplit>): string {
  return threadCpuDelta(before, after)
    .map(([name, ms]) =>
      `  thread ${name}: ${ms.user + ms.system} ms (user ${ms.user} + system ${ms.system})`
    ).join("\n");
}

/** perf record of the server over the window, then the report by shared object and symbol. */
async function perfInside(child: Deno.ChildProcess, dir: string, options: ProfileOptions) {
  const data = join(options.out, `perf-${options.fullPath ? "full" : "final"}.data`);
  Deno.mkdirSync(options.out, { recursive: true });
  const cpu0 = processCpuMs(child.pid);
  const threads0 = threadCpuMs(child.pid);
  await new Deno.Command("perf", {
    args: ["record", "-F", "499", "-g", "-p", String(child.pid), "-o", data, "--", "sleep"]
      .concat(String(options.seconds)),
    stdout: "null",
    stderr: "null",
  }).output();
  const cpuMs = processCpuMs(child.pid) - cpu0;
  const threads = threadLines(threads0, threadCpuMs(child.pid));
  child.kill("SIGTERM");
  await child.status;
  Deno.removeSync(dir, { recursive: true });
  const report = await new Deno.Command("perf", {
    args: ["report", "-i", data, "--stdio", "--no-children", "--sort", "comm,dso,sym"],
    stdout: "piped",
    stderr: "null",
  }).output();
  const lines = new TextDecoder().decode(report.stdout).split("\n")
    .filter((line) => /^\s+\d/.test(line)).slice(0, 60);
  console.log([`perf: ${data}; server CPU ${cpuMs} ms`, threads, ...lines].join("\n"));
}

/** The server's CPU over the window, per probe and per thread, with nothing attached to it. */
async function cpuInside(child: Deno.ChildProcess, dir: string, options: ProfileOptions) {
  const cpu0 = processCpuMs(child.pid);
  const threads0 = threadCpuMs(child.pid);
  const wall0 = performance.now();
  await sleep(options.seconds * 1000);
  const wallMs = performance.now() - wall0;
  const cpuMs = processCpuMs(child.pid) - cpu0;
  const threads = threadLines(threads0, threadCpuMs(child.pid));
  child.kill("SIGTERM");
  await child.status;
  Deno.removeSync(dir, { recursive: true });
  const probes = (options.targets / options.intervalS) * (options.fullPath ? 4 : 1) *
    (wallMs / 1000);
  console.log(
    [
      `${options.root} (--v8-flags=${options.v8Flags}): server CPU ${cpuMs} ms over ${
        (wallMs / 1000).toFixed(1)
      } s, ` +
      `${(cpuMs * 1000 / probes).toFixed(1)} µs/probe`,
      threads,
    ].join("\n"),
  );
}

/** strace -c of the server's threads over the window: what the event loop does per probe. */
async function syscallsInside(child: Deno.ChildProcess, dir: string, options: ProfileOptions) {
  const out = await new Deno.Command("timeout", {
    args: ["-s", "INT", String(options.seconds), "strace", "-c", "-f", "-p", String(child.pid)],
    stdout: "null",
    stderr: "piped",
  }).output();
  child.kill("SIGTERM");
  await child.status;
  Deno.removeSync(dir, { recursive: true });
  const probes = (options.targets / options.intervalS) * (options.fullPath ? 4 : 1) *
    options.seconds;
  const lines = new TextDecoder().decode(out.stderr).split("\n")
    .filter((line) => /^\s*[\d.]+\s+[\d.]+\s+\d+\s+\d+/.test(line) || /total/.test(line))
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      const calls = Number(fields[3]);
      return `${line}   (${(calls / probes).toFixed(2)} per probe)`;
    });
  console.log(
    [`syscalls over ${options.seconds} s, ~${probes.toFixed(0)} probes:`, ...lines].join("\n"),
  );
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** Bytes allocated per function over the window (sampled; objects already collected included). */
async function heapInside(
  client: Awaited<ReturnType<typeof inspector>>,
  child: Deno.ChildProcess,
  dir: string,
  options: ProfileOptions,
) {
  await client.send("HeapProfiler.enable");
  await client.send("HeapProfiler.startSampling", {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !options.survivors,
  });
  await sleep(options.seconds * 1000);
  const { profile } = await client.send("HeapProfiler.stopSampling") as {
    profile: { head: HeapNode };
  };
  client.close();
  child.kill("SIGTERM");
  await child.status;
  Deno.removeSync(dir, { recursive: true });
  const bytes = new Map<string, number>();
  let total = 0;
  const name = ({ functionName, url, lineNumber }: HeapNode["callFrame"]) =>
    `${functionName || "(anonymous)"} ${url.replace(/^.*\/(?=[^/]+\/[^/]+$)/, "")}:${
      lineNumber + 1
    }`;
  // A builtin (Map's delete, a Promise) is named with its caller: which map, whose promise.
  const walk = (node: HeapNode, caller: string) => {
    const own = name(node.callFrame);
    const key = node.callFrame.url === "" && caller ? `${own} <- ${caller}` : own;
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) walk(child, node.callFrame.url === "" ? caller : own);
  };
  walk(profile.head, "");
  const probes = (options.targets / options.intervalS) * (options.fullPath ? 4 : 1) *
    options.seconds;
  const rows = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 30)
    .map(([name, n]) =>
      `  ${(n / 1e6).toFixed(1).padStart(7)} MB ${(n / probes).toFixed(0)} B/probe  ${name}`
    );
  console.log(
    [
      `${options.survivors ? "outlived a young-generation collection" : "allocated"} ~${
        (total / 1e6).toFixed(0)
      } MB, ${(total / probes).toFixed(0)} B per probe`,
      ...rows,
    ]
      .join("\n"),
  );
}

/** Sleeps out the window, getting the summary every `summaryEvery` s: each GET's time, ms. */
async function summariesDuring(apiUrl: string, options: ProfileOptions): Promise<number[]> {
  const end = performance.now() + options.seconds * 1000;
  const times: number[] = [];
  if (!(options.summaryEvery > 0)) return (await sleep(options.seconds * 1000), times);
  while (performance.now() + options.summaryEvery * 1000 < end) {
    await sleep(options.summaryEvery * 1000);
    const t0 = performance.now();
    await (await fetch(`${apiUrl}/api/summary`)).arrayBuffer();
    times.push(performance.now() - t0);
  }
  await sleep(Math.max(0, end - performance.now()));
  return times;
}

/** In the agent namespace: start the server, warm up, profile, stop it. */
async function runInside(options: ProfileOptions): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "pw-prof-" });
  const config = join(dir, "pingwatcher.yaml");
  Deno.writeTextFileSync(config, configYaml(labAddresses(options.targets), options));
  // The CPU profile and the heap profile attach the inspector; the other modes attach nothing.
  const attached = !(options.perf || options.syscalls || options.cpu);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `--v8-flags=${options.v8Flags}${options.perf ? ",--perf-basic-prof" : ""}`,
      attached ? "--inspect=127.0.0.1:0" : "--quiet",
      join(options.root, "main.ts"),
      "serve",
      "--headless",
      "--port",
      "0",
      "--data-dir",
      dir,
      "--config",
      config,
      "--interfaces-off",
    ],
    cwd: options.root,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let wsUrl = "";
  let apiUrl = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited:\n${seen}`);
    seen += value;
    wsUrl ||= seen.match(/(ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+)/)?.[1] ?? "";
    apiUrl ||= seen.match(/listening on (http:\/\/[^\s/]+)/)?.[1] ?? "";
    if ((wsUrl || !attached) && /listening on http/.test(seen)) break;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  console.error(`[profile] server up; warming up ${options.warmupS} s`);
  await sleep(options.warmupS * 1000);
  if (options.perf) return await perfInside(child, dir, options);
  if (options.syscalls) return await syscallsInside(child, dir, options);
  if (options.cpu) return await cpuInside(child, dir, options);
  const client = await inspector(wsUrl);
  if (options.heap) return await heapInside(client, child, dir, options);
  await client.send("Profiler.enable");
  await client.send("Profiler.setSamplingInterval", { interval: 1000 });
  const mtr = childPids("mtr-packet", child.pid);
  const cpu0 = processCpuMs(child.pid);
  const threads0 = threadCpuMs(child.pid);
  const mtr0 = childCpuMs(mtr);
  const wall0 = performance.now();
  await client.send("Profiler.start");
  const summaryMs = await summariesDuring(apiUrl, options);
  const result = await client.send("Profiler.stop") as { profile: CpuProfile };
  const wallMs = performance.now() - wall0;
  const cpuMs = processCpuMs(child.pid) - cpu0;
  const threads = threadLines(threads0, threadCpuMs(child.pid));
  const mtrMs = childCpuMs(mtr) - mtr0;
  client.close();
  child.kill("SIGTERM");
  await child.status;
  Deno.removeSync(dir, { recursive: true });
  const probesPerRound = options.fullPath ? 4 : 1;
  const probes = (options.targets / options.intervalS) * probesPerRound * (wallMs / 1000);
  const name = `${options.prefix}-${options.fullPath ? "full" : "final"}-${options.targets}-` +
    Date.now();
  Deno.mkdirSync(options.out, { recursive: true });
  const path = join(options.out, `${name}.cpuprofile`);
  Deno.writeTextFileSync(path, JSON.stringify(result.profile));
  console.log(
    [
      `profile: ${path}`,
      `window ${
        (wallMs / 1000).toFixed(1)
      } s, ${options.targets} targets at ${options.intervalS} s, ` +
      `${options.fullPath ? "full path" : "final hop only"}; ~${probes.toFixed(0)} probes`,
      `server CPU ${cpuMs} ms (${(cpuMs / wallMs * 100).toFixed(1)} % of a core), ` +
      `${(cpuMs * 1000 / probes).toFixed(0)} µs/probe; mtr-packet ${mtrMs} ms, ` +
      `${(mtrMs * 1000 / probes).toFixed(0)} µs/probe`,
      threads,
      ...(summaryMs.length
        ? [`GET /api/summary: ${summaryMs.map((ms) => ms.toFixed(0)).join(" ")} ms`]
        : []),
      formatSummary(summarise(result.profile)),
    ].join("\n"),
  );
}

async function main(): Promise<void> {
  const inside = Deno.args[0] === "--inside";
  const options = parse(inside ? Deno.args.slice(1) : Deno.args);
  if (inside) return await runInside(options);
  const skip = await labSkipReason();
  if (skip) return console.log(`profile: not run: ${skip}`);
  const lab = await createLab({ prefix: options.prefix, lowLatency: false });
  try {
    await addTargets(lab, options.targets);
    const out = await lab.command(
      [Deno.execPath(), "run", "-A", SELF, "--inside", ...Deno.args],
      {
        cwd: ROOT,
        env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
        stdout: "inherit",
        stderr: "inherit",
      },
    ).output();
    if (!out.success) throw new Error(`the profile run failed (exit ${out.code})`);
  } finally {
    await lab.destroy();
  }
}

if (import.meta.main) await main();
