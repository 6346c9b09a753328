// Scale run (a script, not a test): N targets (default 1,000) at 2.5 s on the network lab, each
// the final hop behind r1, r2 and r3 (addresses on the target namespace, tests/netlab/lab_many.ts),
// probed with mtr-packet by the engine, the SQLite store writing to a temporary database: the
// monitor's wiring, running in the lab's agent namespace, for --minutes (default 10).
//
//   deno run -A tests/bench/scale_lab.ts [--minutes 10] [--targets 1000] [--interval 2.5]
//                                        [--v8-flags=FLAGS]
// The process under test gets the V8 flags the start task uses (START_TASK_V8_FLAGS, see
// deno.json) unless --v8-flags says otherwise (--v8-flags= for V8's defaults).
//
// Reports rounds due/started/completed/late/skipped (engine counters), round-start lateness
// p50/p99/max over every round of the run (when the round's first probe reached the prober minus
// when the round was due), the max VmRSS of the process running engine and store, CPU % (of one
// core; Deno and the mtr-packet child), probes/s and the store's size. Needs root: without it,
// it says why and does nothing.
import { parseArgs } from "node:util";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../engine/clock.ts";
import { Engine } from "../../engine/engine.ts";
import { recordEngineEvent } from "../../engine/record.ts";
import { DEFAULT_OPTIONS } from "../../engine/options.ts";
import { selectProber } from "../../engine/probers/mod.ts";
import type { Prober, ProbeRequest, ProbeResult } from "../../engine/types.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { createLab, labSkipReason } from "../netlab/lab.ts";
import { startTaskV8Flags } from "./bench_server.ts";
import { addManyTargets, manyAddresses } from "../netlab/lab_many.ts";
import {
  childCpuMs,
  childPids,
  loadAverage,
  percentile,
  selfCpuMs,
  vmRssKb,
} from "./proc_stats.ts";

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(dirname(SELF), "..", "..");
const STEADY_AFTER_MS = 30_000;

export interface ScaleOptions {
  minutes: number;
  targets: number;
  intervalS: number;
  /** V8 flags for the process under test (default: the start task's, START_TASK_V8_FLAGS). */
  v8Flags?: string;
}

interface Spread {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ScaleResult extends ScaleOptions {
  wallS: number;
  /** Rounds that fell due during the run: targets x run time / interval. */
  roundsDue: number;
  roundsStarted: number;
  roundsSkipped: number;
  roundsLate: number;
  roundsCompleted: number;
  roundsReached: number;
  lateness: Spread;
  /** Rounds due after the first 30 s (start-up excluded). */
  latenessSteady: Spread;
  /** The engine's own window (its last 10,000 rounds). */
  engineLateness: { p50Ms: number | null; p99Ms: number | null };
  maxRssMb: number;
  cpuPct: number;
  mtrPacketCpuPct: number;
  probes: number;
  probesPerS: number;
  storeBytes: number;
  storedRounds: number;
  loadBefore: string;
  loadAfter: string;
  /** The store's writer: duration of each flush (rounds, rollups, retention step). */
  flush: Spread;
  /** How late a 10 ms timer fired: event-loop stalls (GC, flushes, CPU contention). */
  loopLag: Spread;
}

/** Samples how late a 10 ms timer fires, until stopped. */
function eventLoopLag(): { values: number[]; stop(): void } {
  const values: number[] = [];
  let expected = performance.now() + 10;
  const timer = setInterval(() => {
    const now = performance.now();
    values.push(Math.max(0, now - expected));
    expected = now + 10;
  }, 10);
  return { values, stop: () => clearInterval(timer) };
}

/** Wraps the prober to note when each round's first probe (TTL 1) reached it, per address. */
function timedProber(inner: Prober, firstSends: Map<string, number[]>, count: { probes: number }) {
  const prober: Prober = {
    name: inner.name,
    intermediateHops: inner.intermediateHops,
    probe(request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
      count.probes++;
      if (request.ttl === 1) {
        let list = firstSends.get(request.address);
        if (!list) firstSends.set(request.address, list = []);
        list.push(Date.now());
      }
      return inner.probe(request, signal);
    },
    close: () => inner.close(),
  };
  return prober;
}

function spread(values: number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : 0,
  };
}

function passEnv(name: string): Record<string, string> {
  const value = Deno.env.get(name);
  return value === undefined ? {} : { [name]: value };
}

function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/** The run itself, in the current namespace (the agent's). */
export async function runInside(addresses: string[], scale: ScaleOptions): Promise<ScaleResult> {
  const loadBefore = loadAverage();
  const selected = await selectProber("mtr-packet");
  if (!selected.ok) throw new Error(`no mtr-packet: ${selected.reason}`);
  const dir = Deno.makeTempDirSync({ prefix: "pw-scale-" });
  const dbPath = join(dir, "scale.db");
  // The store's own clock, timed: its writer loop sleeps a second, flushes (synchronously), and
  // sleeps again, so the time from a wake-up to the next sleep is one flush (+ retention step).
  const flushes: number[] = [];
  let wokeAt: number | null = null;
  const timedClock = {
    ...systemClock,
    async sleep(ms: number, signal?: AbortSignal) {
      if (wokeAt !== null) flushes.push(performance.now() - wokeAt);
      wokeAt = null;
      await systemClock.sleep(ms, signal);
      wokeAt = performance.now();
    },
  };
  const store = openSqliteStore(dbPath, { clock: timedClock });
  const lag = eventLoopLag();
  const firstSends = new Map<string, number[]>();
  const count = { probes: 0 };
  const prober = timedProber(selected.prober, firstSends, count);
  const engine = new Engine({ prober });
  const intervalMs = Math.round(scale.intervalS * 1000);
  const options = { ...DEFAULT_OPTIONS, intervalMs };
  const targets = [];
  for (const [i, host] of addresses.entries()) {
    targets.push(await store.addTarget({ host, label: `scale-${i + 1}`, options }));
  }
  const lateness: number[] = [];
  const steady: number[] = [];
  let reached = 0;
  const steadyFrom = Date.now() + STEADY_AFTER_MS;
  // PW_SCALE_NO_STORE=1 (experiments only): rounds are not stored, to tell engine from store.
  const noStore = Deno.env.get("PW_SCALE_NO_STORE") === "1";
  // As the monitor wires it (api/core/monitor.ts), plus the lateness bookkeeping.
  engine.subscribe((event) => {
    if (!noStore) recordEngineEvent(store, event, engine.clock.now());
    if (event.type === "round") {
      const round = event.round;
      if (round.destinationReached) reached++;
      const sentAt = firstSends.get(round.address)?.shift();
      if (sentAt !== undefined) {
        const late = Math.max(0, sentAt - round.startedAt);
        lateness.push(late);
        if (round.startedAt >= steadyFrom) steady.push(late);
      }
    }
  });
  const cpu0 = selfCpuMs();
  const wall0 = performance.now();
  for (const target of targets) engine.setTarget(target, { route: null });
  let mtrPids: number[] = [];
  let mtr0 = 0;
  let maxRssKb = vmRssKb();
  const endAt = wall0 + scale.minutes * 60_000;
  let nextReport = wall0 + 60_000;
  while (performance.now() < endAt) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (mtrPids.length === 0) {
      mtrPids = childPids("mtr-packet");
      mtr0 = childCpuMs(mtrPids);
    }
    maxRssKb = Math.max(maxRssKb, vmRssKb());
    if (Deno.env.get("PW_SCALE_VERBOSE") === "1") {
      const m = Deno.memoryUsage();
      const mb = (n: number) => (n / 1048576).toFixed(1);
      console.error(
        `[scale] rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} ` +
          `external ${mb(m.external)} MB`,
      );
    }
    if (performance.now() >= nextReport) {
      nextReport += 60_000;
      const c = engine.counters();
      console.error(
        `[scale] ${((performance.now() - wall0) / 60_000).toFixed(1)} min: started ` +
          `${c.roundsStarted}, completed ${c.roundsCompleted}, late ${c.roundsLate}, skipped ` +
          `${c.roundsSkipped}, engine p99 ${c.latenessP99Ms?.toFixed(1)} ms, max RSS ` +
          `${(maxRssKb / 1024).toFixed(0)} MB, probes in flight ${c.probesInFlight}`,
      );
    }
  }
  const wallMs = performance.now() - wall0;
  lag.stop();
  const cpuMs = selfCpuMs() - cpu0;
  const mtrMs = childCpuMs(mtrPids) - mtr0;
  const counters = engine.counters();
  await engine.stop();
  await store.flush();
  let storedRounds = 0;
  for (const target of targets) storedRounds += (await store.rounds(target.id, {})).length;
  await store.close();
  await prober.close();
  const storeBytes = fileSize(dbPath) + fileSize(`${dbPath}-wal`);
  Deno.removeSync(dir, { recursive: true });
  return {
    ...scale,
    wallS: wallMs / 1000,
    roundsDue: Math.floor((targets.length * wallMs) / intervalMs),
    roundsStarted: counters.roundsStarted,
    roundsSkipped: counters.roundsSkipped,
    roundsLate: counters.roundsLate,
    roundsCompleted: counters.roundsCompleted,
    roundsReached: reached,
    lateness: spread(lateness),
    latenessSteady: spread(steady),
    engineLateness: { p50Ms: counters.latenessP50Ms, p99Ms: counters.latenessP99Ms },
    maxRssMb: maxRssKb / 1024,
    cpuPct: (cpuMs / wallMs) * 100,
    mtrPacketCpuPct: (mtrMs / wallMs) * 100,
    probes: count.probes,
    probesPerS: count.probes / (wallMs / 1000),
    storeBytes,
    storedRounds,
    loadBefore,
    loadAfter: loadAverage(),
    flush: spread(flushes),
    loopLag: spread(lag.values),
  };
}

const ms = (value: number | null) => value === null ? "-" : `${value.toFixed(1)} ms`;

export function formatScale(r: ScaleResult): string {
  const verdict = (ok: boolean) => ok ? "met" : "NOT met";
  const missed = r.roundsSkipped;
  return [
    `scale: ${r.targets} targets x 4 hops (r1, r2, r3, final) at ${r.intervalS} s, mtr-packet, ` +
    `engine + SQLite store in the lab's agent namespace, ${r.wallS.toFixed(0)} s, V8 flags: ` +
    `${r.v8Flags ?? "none"}`,
    `load average before ${r.loadBefore}, after ${r.loadAfter} (2 cores, shared)`,
    `rounds: due ${r.roundsDue}, started ${r.roundsStarted}, completed ${r.roundsCompleted}, ` +
    `late (>100 ms) ${r.roundsLate}, skipped ${r.roundsSkipped}; ${r.roundsReached} reached the ` +
    `destination; ${r.storedRounds} stored`,
    `round-start lateness, all ${r.lateness.count} rounds: p50 ${ms(r.lateness.p50Ms)}, p99 ` +
    `${ms(r.lateness.p99Ms)}, max ${ms(r.lateness.maxMs)}`,
    `  after the first 30 s (${r.latenessSteady.count} rounds): p50 ${
      ms(r.latenessSteady.p50Ms)
    }, ` +
    `p99 ${ms(r.latenessSteady.p99Ms)}, max ${ms(r.latenessSteady.maxMs)}`,
    `  engine's window (last 10,000): p50 ${ms(r.engineLateness.p50Ms)}, p99 ` +
    `${ms(r.engineLateness.p99Ms)}`,
    `store flushes (one a second): p50 ${ms(r.flush.p50Ms)}, p99 ${ms(r.flush.p99Ms)}, max ` +
    `${ms(r.flush.maxMs)}; event-loop lag of a 10 ms timer: p50 ${ms(r.loopLag.p50Ms)}, p99 ` +
    `${ms(r.loopLag.p99Ms)}, max ${ms(r.loopLag.maxMs)}`,
    `memory: max VmRSS ${r.maxRssMb.toFixed(1)} MB (engine + store process)`,
    `CPU: Deno ${r.cpuPct.toFixed(1)} %, mtr-packet ${
      r.mtrPacketCpuPct.toFixed(1)
    } % (of one core)`,
    `probes: ${r.probes} (${r.probesPerS.toFixed(0)}/s); store ${
      (r.storeBytes / 1e6).toFixed(1)
    } MB`,
    `goals: no missed rounds ${verdict(missed === 0)}; lateness p99 <= 50 ms ` +
    `${verdict(r.lateness.p99Ms <= 50)}; RSS <= 200 MB ${verdict(r.maxRssMb <= 200)}`,
  ].join("\n");
}

/** What `deno task start` passes to V8 (deno.json): a small young generation keeps RSS low. */
export const START_TASK_V8_FLAGS = startTaskV8Flags();

export function parseScaleArgs(argv: string[]): ScaleOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: "string", default: "10" },
      targets: { type: "string", default: "1000" },
      interval: { type: "string", default: "2.5" },
      "v8-flags": { type: "string", default: START_TASK_V8_FLAGS },
    },
  });
  const minutes = Number(values.minutes);
  const targets = Number(values.targets);
  const intervalS = Number(values.interval);
  if (!(minutes > 0)) throw new Error("--minutes must be > 0");
  if (!Number.isInteger(targets) || targets < 1 || targets > 1022) {
    throw new Error("--targets must be 1..1022");
  }
  if (!(intervalS >= 0.1)) throw new Error("--interval must be >= 0.1 s");
  return { minutes, targets, intervalS, v8Flags: values["v8-flags"] };
}

/** Builds the lab, runs the scale run in its agent namespace, returns the report. */
export async function runScaleLab(scale: ScaleOptions): Promise<string> {
  const skip = await labSkipReason();
  if (skip) return `scale: not run: ${skip}`;
  const lab = await createLab({ lowLatency: false });
  try {
    await addManyTargets(lab, scale.targets);
    const args = ["--minutes", String(scale.minutes), "--targets", String(scale.targets)]
      .concat(["--interval", String(scale.intervalS)]);
    const v8Flags = scale.v8Flags ? [`--v8-flags=${scale.v8Flags}`] : [];
    const out = await lab.command(
      [Deno.execPath(), "run", "-A", ...v8Flags, SELF, "--inside", ...args],
      {
        cwd: ROOT,
        env: {
          DENO_NO_UPDATE_CHECK: "1",
          NO_COLOR: "1",
          ...passEnv("PW_SCALE_VERBOSE"),
          ...passEnv("PW_SCALE_NO_STORE"),
        },
        stdout: "piped",
        stderr: "inherit",
      },
    ).output();
    if (!out.success) throw new Error(`the scale run in the lab failed (exit ${out.code})`);
    // The last line is the result; V8 tracing flags may have printed before it.
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    const traced = lines.slice(0, -1);
    if (traced.length) console.error(traced.join("\n"));
    const result = {
      ...JSON.parse(lines[lines.length - 1]),
      v8Flags: scale.v8Flags,
    } as ScaleResult;
    return formatScale(result);
  } finally {
    await lab.destroy();
  }
}

if (import.meta.main) {
  const inside = Deno.args[0] === "--inside";
  const scale = parseScaleArgs(inside ? Deno.args.slice(1) : Deno.args);
  if (inside) console.log(JSON.stringify(await runInside(manyAddresses(scale.targets), scale)));
  else console.log(await runScaleLab(scale));
}
