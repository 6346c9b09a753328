// Bench: GET /api/summary of many targets from a real server process (`main.ts serve --headless`)
// on a seeded database: the first (cold) answer, then median and p90 of `repeats` requests, and
// the body size. `--compare DIR` runs another checkout's main.ts too, alternately on copies of the
// same seeded file, so both are measured in the same period (same background load).
//
//   deno run -A tests/bench/summary_api.ts [--targets 5000] [--repeats 20] [--rounds 2]
//       [--compare /path/to/other/checkout] [--dir /tmp/pingwatcher-summary-bench] [--reseed]
//
// Seeded targets are paused loopback addresses: nothing is probed while it runs.
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { loadAverage, percentile } from "./proc_stats.ts";

const HERE = resolve(import.meta.dirname!, "../..");

export interface SummaryApiBenchOptions {
  targets?: number;
  repeats?: number;
  /** Alternations of the compared checkouts. */
  rounds?: number;
  /** Other checkouts' roots to run before this one, in turn. */
  compare?: string[];
  dir?: string;
  reseed?: boolean;
}

interface Sample {
  firstMs: number;
  timesMs: number[];
  bytes: number;
}

async function seedOnce(db: string, targets: number, reseed: boolean): Promise<void> {
  const exists = await Deno.stat(db).then(() => true, () => false);
  if (exists && !reseed) return;
  for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(db + suffix).catch(() => {});
  const args = ["run", "-A", join(HERE, "main.ts"), "seed", "--targets", String(targets)];
  args.push("--days", "0.05", "--interval", "2.5", "--hops", "1", "--db", db);
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "null" }).output();
  if (!out.success) throw new Error(`seed failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** Starts `root`'s server on `db`; resolves with its base URL and a stop function. */
async function startServer(root: string, db: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(root, "main.ts"), "serve", "--headless", "--port", "0", "--db", db],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before listening:\n${text}`);
    text += value;
    const port = text.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    if (port) {
      // Keep draining stderr so the server never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      const stop = async () => {
        child.kill("SIGTERM");
        await child.status;
      };
      return { url: `http://127.0.0.1:${port[1]}`, stop };
    }
  }
}

async function timeGet(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return { ms, bytes: body.byteLength };
}

async function measure(root: string, db: string, repeats: number): Promise<Sample> {
  const server = await startServer(root, db);
  try {
    const url = `${server.url}/api/summary`;
    const first = await timeGet(url);
    const timesMs: number[] = [];
    let bytes = first.bytes;
    for (let i = 0; i < repeats; i++) {
      const got = await timeGet(url);
      timesMs.push(got.ms);
      bytes = got.bytes;
    }
    return { firstMs: first.ms, timesMs, bytes };
  } finally {
    await server.stop();
  }
}

export async function runSummaryApiBench(options: SummaryApiBenchOptions = {}): Promise<string> {
  const targets = options.targets ?? 5000, repeats = options.repeats ?? 20;
  const rounds = options.rounds ?? 1,
    roots = [...(options.compare ?? []).map((root) => resolve(root)), HERE];
  const dir = options.dir ?? "/tmp/pingwatcher-summary-bench";
  await Deno.mkdir(dir, { recursive: true });
  const seeded = join(dir, `seeded-${targets}.db`);
  await seedOnce(seeded, targets, options.reseed ?? false);
  const lines = [`GET /api/summary, ${targets} targets, ${repeats} requests after a cold one`];
  for (let round = 0; round < rounds; round++) {
    for (const [i, root] of roots.entries()) {
      // A fresh copy each run: every server starts cold, on the same data, and may migrate it.
      const db = join(dir, `run-${i}.db`);
      await Deno.copyFile(seeded, db);
      const sample = await measure(root, db, repeats);
      const sorted = Float64Array.from(sample.timesMs).sort();
      lines.push(
        `${root}: cold ${sample.firstMs.toFixed(0)} ms, median ` +
          `${percentile(sorted, 50).toFixed(1)} ms, p90 ${percentile(sorted, 90).toFixed(1)} ms, ` +
          `max ${sorted[sorted.length - 1].toFixed(1)} ms, body ${
            (sample.bytes / 1e6).toFixed(2)
          } MB (load ${loadAverage()})`,
      );
    }
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      targets: { type: "string", default: "5000" },
      repeats: { type: "string", default: "20" },
      rounds: { type: "string", default: "1" },
      compare: { type: "string", multiple: true, default: [] },
      dir: { type: "string" },
      reseed: { type: "boolean", default: false },
    },
  });
  console.log(
    await runSummaryApiBench({
      targets: Number(values.targets),
      repeats: Number(values.repeats),
      rounds: Number(values.rounds),
      compare: values.compare,
      dir: values.dir,
      reseed: values.reseed,
    }),
  );
}
