// Start to serving: from spawning the server to its first answer to GET /healthz. A small poller
// runs in the lab's agent namespace (where the server listens) before the server is spawned and
// asks every 2 ms; it prints the wall-clock time of the first 200, which this process compares
// with the time it spawned the server (same clock, same machine).
//
//   deno run --allow-net tests/bench/start_time.ts URL     (the poller, inside the namespace)
import { fileURLToPath } from "node:url";
import type { Lab } from "../netlab/lab.ts";
import { ROOT } from "../netlab/cli.ts";
import { serverArgv } from "./bench_server.ts";

const SELF = fileURLToPath(import.meta.url);
const POLL_MS = 2;
/** Nothing else listens in the agent namespace, so a fixed port is free. */
const PORT = 18080;

async function poll(url: string): Promise<void> {
  console.log("ready");
  while (true) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.ok) {
        console.log(Date.now());
        return;
      }
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function readLine(reader: ReadableStreamDefaultReader<string>, seen: { text: string }) {
  while (!seen.text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the /healthz poller ended: ${seen.text}`);
    seen.text += value;
  }
  const cut = seen.text.indexOf("\n");
  const line = seen.text.slice(0, cut);
  seen.text = seen.text.slice(cut + 1);
  return line;
}

/** One start of `main.ts ARGS --port PORT`: ms from spawn to the first /healthz answer. */
export async function timeOneStart(lab: Lab, args: string[]): Promise<number> {
  const poller = lab.command(
    [Deno.execPath(), "run", "--allow-net", SELF, `http://127.0.0.1:${PORT}/healthz`],
    { cwd: ROOT, env: { DENO_NO_UPDATE_CHECK: "1" }, stdout: "piped", stderr: "inherit" },
  ).spawn();
  const reader = poller.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const seen = { text: "" };
  if (await readLine(reader, seen) !== "ready") throw new Error("the poller did not start");
  const spawnedAt = Date.now();
  const server = lab.command(serverArgv([...args, "--port", String(PORT)]), {
    cwd: ROOT,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let answeredAt: number;
  try {
    answeredAt = Number(await readLine(reader, seen));
  } finally {
    try {
      poller.kill("SIGKILL");
    } catch { /* done already */ }
    await poller.status;
    server.kill("SIGTERM");
  }
  const status = await server.status;
  if (status.code !== 0) throw new Error(`a timed start exited ${status.code}`);
  return answeredAt - spawnedAt;
}

/** `count` starts one after the other; the times in ms, in the order measured. */
export async function timeStarts(lab: Lab, args: string[], count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await timeOneStart(lab, args));
  return times;
}

if (import.meta.main) await poll(Deno.args[0]);
