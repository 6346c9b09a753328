// The product's server for the benches, run as `deno task start` runs it (the start task's V8
// flags and permissions, read from deno.json) plus `--headless --port 0` and its own data
// directory, in the lab's agent namespace; targets come from the data directory's config file,
// as a user would declare them. HTTP goes through curl in the namespace (the server listens on
// the namespace's loopback, which this process cannot reach).
import { join } from "node:path";
import type { EngineCounters } from "../../engine/engine.ts";
import type { Lab } from "../netlab/lab.ts";
import { MAIN, ROOT, startLabServer } from "../netlab/cli.ts";

/** `deno run FLAGS` of deno.json's start task (its `deno run` part; the UI build is left out). */
export function startTaskDenoArgs(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  const task: string = config.tasks.start;
  const runPart = task.split("&&").map((part) => part.trim()).find((p) => p.startsWith("deno run"));
  if (!runPart) throw new Error(`no "deno run" in the start task: ${task}`);
  const words = runPart.split(/\s+/);
  if (words.at(-1) !== "main.ts") {
    throw new Error(`the start task does not end in main.ts: ${task}`);
  }
  return words.slice(1, -1);
}

/** The start task's V8 flags (the value of its --v8-flags=), read from deno.json as above. */
export function startTaskV8Flags(): string {
  const flag = startTaskDenoArgs().find((word) => word.startsWith("--v8-flags="));
  if (!flag) throw new Error("the start task passes no --v8-flags");
  return flag.slice("--v8-flags=".length);
}

export interface BenchTarget {
  host: string;
  intervalS: number;
  finalHopOnly: boolean;
}

/** Writes `pingwatcher.yaml` (JSON is YAML) declaring the targets into the data directory. */
export function writeConfig(dataDir: string, targets: BenchTarget[]): void {
  const config = {
    targets: targets.map((t) => ({
      host: t.host,
      interval: t.intervalS,
      ...(t.finalHopOnly ? { finalHopOnly: true } : {}),
    })),
  };
  Deno.writeTextFileSync(join(dataDir, "pingwatcher.yaml"), JSON.stringify(config, null, 1));
}

export interface BenchServer {
  url: string;
  /** Pid of the server (ip netns exec execs into deno, so the child is the server itself). */
  pid: number;
  child: Deno.ChildProcess;
  log: () => string;
}

/** The server's argv in the agent namespace: deno run START-TASK-FLAGS main.ts ARGS. */
export function serverArgv(args: string[]): string[] {
  return [Deno.execPath(), ...startTaskDenoArgs(), MAIN, ...args];
}

/** Spawns the server as the start task runs it; resolves once it logs where it listens. */
export async function startServer(lab: Lab, args: string[]): Promise<BenchServer> {
  const server = await startLabServer(lab, args, "the server", startTaskDenoArgs().slice(1));
  return { ...server, pid: server.child.pid };
}

/** SIGTERM (the server writes its queue and exits 0); throws with its log otherwise. */
export async function stopServer(server: BenchServer): Promise<void> {
  try {
    server.child.kill("SIGTERM");
  } catch { /* already gone */ }
  const status = await server.child.status;
  if (status.code !== 0) {
    throw new Error(`the server exited ${status.code}:\n${server.log().slice(-4000)}`);
  }
}

/** GET with curl in the agent namespace: the body and curl's own time for the request, ms. */
export async function labGet(lab: Lab, url: string): Promise<{ body: string; ms: number }> {
  const out = await lab.run(
    ["curl", "-sS", "--fail", "--max-time", "60", "-w", "\n%{time_total}", url],
  );
  if (!out.success) throw new Error(`curl ${url}: ${out.stderr.trim()}`);
  const cut = out.stdout.lastIndexOf("\n");
  return { body: out.stdout.slice(0, cut), ms: Number(out.stdout.slice(cut + 1)) * 1000 };
}

/** Sum of the samples of metric families `names` in Prometheus text (any labels). */
export function sumMetrics(text: string, names: string[]): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const name = line.match(/^[a-zA-Z_:][a-zA-Z0-9_:]*/)?.[0];
    if (name && names.includes(name)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** What the engine counters of GET /api/version say (cheap: no per-target reads). */
export async function engineCounters(lab: Lab, url: string): Promise<EngineCounters> {
  const { body } = await labGet(lab, `${url}/api/version`);
  return JSON.parse(body).counters as EngineCounters;
}
