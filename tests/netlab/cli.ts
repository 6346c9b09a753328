// Running the product (main.ts) inside the lab's agent namespace, as a user would: no shell.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TraceJson, TraceJsonHop } from "../../api/cli/trace_output.ts";
import { type HopStats, markLossNotCarried } from "../../engine/stats.ts";
import type { ExpectedHop, Lab } from "./lab.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const MAIN = join(ROOT, "main.ts");

const ENV = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
const decoder = new TextDecoder();

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `ip netns exec <agent> deno run -A main.ts ...args`. */
export async function runCli(lab: Lab, args: string[]): Promise<CliResult> {
  const out = await lab.command([Deno.execPath(), "run", "-A", MAIN, ...args], {
    cwd: ROOT,
    env: ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** `trace HOST --json ...`; throws with stderr when it does not exit 0. */
export async function traceJson(lab: Lab, host: string, args: string[]): Promise<TraceJson> {
  const result = await runCli(lab, ["trace", host, "--json", ...args]);
  if (result.code !== 0) {
    throw new Error(`trace ${host} ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as TraceJson;
}

/** The monitor as a long-running child in the agent namespace. */
export function spawnMonitor(lab: Lab, args: string[]): Deno.ChildProcess {
  return lab.command([Deno.execPath(), "run", "-A", MAIN, ...args], {
    cwd: ROOT,
    env: ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

export interface LabServer {
  url: string;
  child: Deno.ChildProcess;
  /** The server's stderr so far (its log; the last 20,000 characters once listening). */
  log: () => string;
}

/**
 * Starts `main.ts ARGS` (a server given `--port 0`) in the agent namespace; resolves once it
 * prints the address it listens on. Its stderr keeps being drained, so it never blocks on a pipe.
 */
export async function startLabServer(
  lab: Lab,
  args: string[],
  label = "the server",
  /** `deno run` options before main.ts (default -A). */
  runOptions: string[] = ["-A"],
) {
  const child = lab.command([Deno.execPath(), "run", ...runOptions, MAIN, ...args], {
    cwd: ROOT,
    env: ENV,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (true) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`${label} exited before listening:\n${seen}`);
    seen += value;
    const match = seen.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (!match) continue;
    (async () => {
      while (true) {
        const next = await lines.read();
        if (next.done) return;
        seen = (seen + next.value).slice(-20_000);
      }
    })().catch(() => {});
    const server: LabServer = { url: match[1], child, log: () => seen };
    return server;
  }
}

/** HopStats rebuilt from the JSON counts, enough for markLossNotCarried (which reads sent/received). */
export function lossFlags(hops: TraceJsonHop[]): Map<number, boolean> {
  const stats = hops.map((hop): HopStats => ({
    hop: hop.hop,
    ip: hop.ip,
    ips: hop.ip ? [hop.ip] : [],
    sent: hop.sent,
    received: hop.received,
    errors: 0,
    lossPct: hop.lossPct,
    avgMs: hop.avgMs,
    minMs: hop.minMs,
    maxMs: hop.maxMs,
    curMs: hop.curMs,
    stdevMs: hop.stdevMs,
    jitterMs: hop.jitterMs,
    approximate: hop.approximate,
    lossNotCarried: false,
  }));
  markLossNotCarried(stats);
  return new Map(stats.map((s) => [s.hop, s.lossNotCarried]));
}

/** A line per hop: injected vs measured, for the test log and the report. */
export function accuracyTable(label: string, expected: ExpectedHop[], got: TraceJson): string {
  const lines = [`  ${label} (${got.prober}, ${got.samples} rounds, target ${got.address})`];
  for (const want of expected) {
    const hop = got.hops.find((h) => h.hop === want.hop);
    const avg = hop?.avgMs ?? null;
    const diff = avg === null ? "-" : (avg - want.delayUs / 1000).toFixed(3);
    lines.push(
      `    hop ${want.hop} ${String(hop?.ip).padEnd(14)} ${String(hop?.dns).padEnd(16)} ` +
        `injected ${(want.delayUs / 1000).toFixed(3)} ms  measured avg ${avg} ms ` +
        `(min ${hop?.minMs}, stdev ${hop?.stdevMs})  diff ${diff} ms  loss ${hop?.lossPct} %` +
        (hop?.approximate ? "  approximate" : ""),
    );
  }
  return lines.join("\n");
}
