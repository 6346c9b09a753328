// Bench: history at scale. Ingest through the store's write path (rollups included), bytes per
// hop-sample and per target-day, and the history queries (hop stats, timeline, summary,
// insights) on seeded history. Figures are medians of repeated runs; the load average is printed.
//
//   deno run -A tests/bench/history.ts [--reseed] [--repeats 30] [--dir /tmp/pingwatcher-bench]
//
// Seeded databases are cached in --dir (seeding the large one takes a quarter of an hour) and
// reused while their files exist; --reseed rebuilds them:
// - full-10x7d-2.5s.db: 10 targets x 7 days at 2.5 s, 10 hops: the real rate, for bytes and the
//   per-target queries;
// - seed-1000x7d-60s.db: 1,000 targets x 7 days at 60 s, 10 hops: every target has the same
//   number of 1-minute and 1-hour rollup rows as at 2.5 s (one per minute and hour), and its
//   newest raw rounds, so the summary and rollup queries see the row counts of 1,000 targets at
//   2.5 s; only the raw table is 24x smaller than it would be.
// Both keep raw rounds per the default retention (3 days), as a running monitor would.
import { parseArgs } from "node:util";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { systemClock } from "../../engine/clock.ts";
import { DEFAULT_OPTIONS } from "../../engine/options.ts";
import type { Clock, Round } from "../../engine/types.ts";
import { seed } from "../../api/cli/seed.ts";
import { type Store } from "../../store/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { syntheticHistory, syntheticTargets } from "../../store/synthetic.ts";
import { loadAverage, median, percentile } from "./proc_stats.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

interface Seeded {
  name: string;
  targets: number;
  days: number;
  intervalS: number;
}

const FULL: Seeded = { name: "full-10x7d-2.5s", targets: 10, days: 7, intervalS: 2.5 };
const WIDE: Seeded = { name: "seed-1000x7d-60s", targets: 1000, days: 7, intervalS: 60 };

export interface HistoryBenchOptions {
  dir: string;
  reseed: boolean;
  repeats: number;
}

function fixedClock(nowMs: number): Clock {
  return { ...systemClock, now: () => nowMs };
}

async function ensureSeeded(spec: Seeded, options: HistoryBenchOptions, log: string[]) {
  const path = join(options.dir, `${spec.name}.db`);
  const exists = (() => {
    try {
      return Deno.statSync(path).size > 0;
    } catch {
      return false;
    }
  })();
  if (exists && !options.reseed) return path;
  for (const suffix of ["", "-wal", "-shm"]) await Deno.remove(path + suffix).catch(() => {});
  await Deno.mkdir(options.dir, { recursive: true });
  const store = openSqliteStore(path);
  try {
    const outcome = await seed(store, {
      targets: spec.targets,
      days: spec.days,
      intervalMs: spec.intervalS * 1000,
      hops: 10,
      seed: 1,
    }, { clock: systemClock, writeError: () => {}, isTty: false });
    log.push(
      `seeded ${spec.name}: ${outcome.hopSamples} hop-samples in ${outcome.seconds.toFixed(0)} s ` +
        `(${Math.round(outcome.hopSamples / outcome.seconds)}/s, seeding included)`,
    );
  } finally {
    await store.close();
  }
  return path;
}

/** The seeded history's "now": just after target 1's newest round. */
function seededNow(path: string, intervalS: number): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const row = db.prepare("SELECT max(ts) AS ts FROM samples WHERE target_id = 1").get() as {
      ts: number;
    };
    return row.ts + intervalS * 1000;
  } finally {
    db.close();
  }
}

async function timeIt(repeats: number, work: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  const sorted = Float64Array.from(times).sort();
  return { medianMs: median(times), p90Ms: percentile(sorted, 90) };
}

/** Store-only ingest: rounds generated beforehand (untimed), appendRound + flush timed. */
async function ingest(): Promise<{ rate: number; hopSamples: number }> {
  const dir = await Deno.makeTempDir({ prefix: "pw-ingest-" });
  try {
    const store = openSqliteStore(join(dir, "ingest.db"));
    const targets = [];
    for (const target of syntheticTargets(100)) {
      const record = await store.addTarget({
        host: target.host,
        label: target.label,
        options: DEFAULT_OPTIONS,
        paused: true,
      });
      targets.push({ ...target, targetId: record.id });
    }
    const history = syntheticHistory(targets, {
      endMs: Date.now(),
      days: 0.125,
      intervalMs: 2500,
    });
    let timedMs = 0, hopSamples = 0;
    let chunk: Round[] = [];
    const run = async () => {
      const start = performance.now();
      for (const round of chunk) store.appendRound(round);
      await store.flush();
      timedMs += performance.now() - start;
      for (const round of chunk) hopSamples += round.hops.length;
      chunk = [];
    };
    for (const { round, change } of history) {
      chunk.push(round);
      if (change) await store.recordRouteChange(change);
      if (chunk.length === 5000) await run();
    }
    await run();
    await store.close();
    return { rate: hopSamples / (timedMs / 1000), hopSamples };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Bytes of each table and index (dbstat), and of the whole database in use. */
function sizes(path: string): { byName: Map<string, number>; usedBytes: number } {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name")
      .all() as {
        name: string;
        bytes: number;
      }[];
    const pragma = (name: string) =>
      Number(Object.values(db.prepare(`PRAGMA ${name}`).get() as object)[0]);
    const usedBytes = (pragma("page_count") - pragma("freelist_count")) * pragma("page_size");
    return { byName: new Map(rows.map((r) => [r.name, r.bytes])), usedBytes };
  } finally {
    db.close();
  }
}

function count(path: string, sql: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number(Object.values(db.prepare(sql).get() as object)[0]);
  } finally {
    db.close();
  }
}

function bytesReport(path: string): string[] {
  const { byName, usedBytes } = sizes(path);
  const rows = count(path, "SELECT count(*) FROM samples");
  const hopSamples = rows * 10; // every seeded round holds all 10 hops
  const rawDays = count(
    path,
    "SELECT (max(ts) - min(ts)) / 86400000.0 FROM samples WHERE target_id = 1",
  );
  const of = (prefix: string) =>
    [...byName].filter(([name]) => name === prefix || name.startsWith(`sqlite_autoindex_${prefix}`))
      .reduce((sum, [, bytes]) => sum + bytes, 0);
  // The view `samples` is two tables (store/sqlite/recent.ts).
  const raw = of("samples_main") + of("samples_recent") + of("paths");
  const perDay = (bytes: number, days: number) => bytes / (FULL.targets * days);
  const m1 = of("rollup_1m"), h1 = of("rollup_1h");
  const steady = perDay(raw, rawDays) * 3 + perDay(m1, FULL.days) * 30 +
    perDay(h1, FULL.days) * 1825;
  return [
    `raw: ${rows} rounds (${hopSamples} hop-samples, ${rawDays.toFixed(2)} days kept of 7): ` +
    `${(raw / 1e6).toFixed(1)} MB in samples + paths = ${
      (raw / hopSamples).toFixed(2)
    } bytes/hop-sample`,
    `per target-day (10 hops, 2.5 s): raw ${(perDay(raw, rawDays) / 1e6).toFixed(2)} MB, ` +
    `1-minute rollups ${(perDay(m1, FULL.days) / 1e6).toFixed(2)} MB, 1-hour rollups ` +
    `${(perDay(h1, FULL.days) / 1e3).toFixed(1)} kB`,
    `whole database in use: ${(usedBytes / 1e6).toFixed(1)} MB = ` +
    `${
      (perDay(usedBytes, FULL.days) / 1e6).toFixed(2)
    } MB per target-day over the 7 seeded days; ` +
    `steady state with default retention (3 d raw, 30 d 1-minute, 5 y 1-hour): ` +
    `${(steady / 1e6).toFixed(0)} MB per target`,
  ];
}

type Query = [label: string, goalMs: number | null, work: (store: Store) => Promise<unknown>];

function perTargetQueries(now: number, targetId: number): Query[] {
  return [
    ["hop stats, last 10 rounds", 2, (s) => s.hopStats(targetId, { last: 10 })],
    ["hop stats, last 100 rounds", 2, (s) => s.hopStats(targetId, { last: 100 })],
    [
      "hop stats, last hour (range)",
      null,
      (s) => s.hopStats(targetId, { start: now - HOUR_MS, end: now }),
    ],
    [
      "hop stats, an hour 6 days ago",
      null,
      (s) => s.hopStats(targetId, { start: now - 6 * DAY_MS - HOUR_MS, end: now - 6 * DAY_MS }),
    ],
    [
      "timeline, 7 days, final hop, <=1000 points",
      50,
      (s) =>
        s.timeline(targetId, { hop: "last", start: now - 7 * DAY_MS, end: now, maxPoints: 1000 }),
    ],
    [
      "timeline, 7 days, all hops, <=1000 points",
      null,
      (s) =>
        s.timeline(targetId, { hop: "all", start: now - 7 * DAY_MS, end: now, maxPoints: 1000 }),
    ],
    ["insights, 30 days", 100, (s) => s.insights(targetId, { start: now - 30 * DAY_MS, end: now })],
    ["insights, 24 hours", null, (s) => s.insights(targetId, { start: now - DAY_MS, end: now })],
  ];
}

async function runQueries(
  path: string,
  spec: Seeded,
  queries: (now: number) => Query[],
  repeats: number,
): Promise<string[]> {
  const now = seededNow(path, spec.intervalS);
  const store = openSqliteStore(path, { clock: fixedClock(now) });
  const lines: string[] = [];
  try {
    for (const [label, goal, work] of queries(now)) {
      try {
        const { medianMs, p90Ms } = await timeIt(repeats, () => work(store));
        const verdict = goal === null
          ? ""
          : `  (goal <= ${goal} ms: ${medianMs <= goal ? "met" : "NOT met"})`;
        lines.push(
          `  ${label.padEnd(44)} median ${medianMs.toFixed(2).padStart(8)} ms, ` +
            `p90 ${p90Ms.toFixed(2).padStart(8)} ms${verdict}`,
        );
      } catch (error) {
        lines.push(`  ${label.padEnd(44)} FAILED: ${(error as Error).message}`);
      }
    }
  } finally {
    await store.close();
  }
  return lines;
}

export async function runHistoryBench(options: HistoryBenchOptions): Promise<string> {
  const out: string[] = [`history: load average at start ${loadAverage()} (2 cores, shared)`];
  const ingests: number[] = [];
  for (let i = 0; i < 3; i++) ingests.push((await ingest()).rate);
  out.push(
    `ingest (appendRound + flush, rollups included, 100 targets x 10 hops, 4.32 M hop-samples ` +
      `per run, rounds generated beforehand): median ${
        Math.round(median(ingests))
      } hop-samples/s ` +
      `of 3 runs [${ingests.map((r) => Math.round(r)).join(", ")}] (goal >= 200,000: ` +
      `${median(ingests) >= 200_000 ? "met" : "NOT met"})`,
  );
  const full = await ensureSeeded(FULL, options, out);
  out.push(...bytesReport(full));
  out.push(`queries, ${FULL.name} (target 5), ${options.repeats} runs each after 3 warm-ups:`);
  out.push(...await runQueries(full, FULL, (now) => perTargetQueries(now, 5), options.repeats));
  const wide = await ensureSeeded(WIDE, options, out);
  out.push(`queries, ${WIDE.name} (target 500), ${options.repeats} runs each after 3 warm-ups:`);
  out.push(
    ...await runQueries(wide, WIDE, (now) => [
      ["summary of 1,000 targets", 50, (s) => s.summary()],
      ...perTargetQueries(now, 500),
    ], options.repeats),
  );
  out.push(`load average at end ${loadAverage()}`);
  return out.join("\n");
}

export function parseHistoryArgs(argv: string[]): HistoryBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      reseed: { type: "boolean", default: false },
      repeats: { type: "string", default: "30" },
      dir: { type: "string", default: "/tmp/pingwatcher-bench" },
    },
  });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error("--repeats must be >= 1");
  return { dir: values.dir, reseed: values.reseed, repeats };
}

if (import.meta.main) {
  console.log(await runHistoryBench(parseHistoryArgs(Deno.args)));
}
