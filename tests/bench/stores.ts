// Bench: the storage backends side by side on the same synthetic data, in one run: SQLite (a
// file) and PostgreSQL 15 (a server started here, durable settings). For each: ingest through the
// write path (appendRound + flush, rollups included), bytes per hop-sample on disk, and the history
// queries (7-day hop timeline, summary of 1,000 targets, insights over 30 days). Medians.
//
//   deno run -A tests/bench/stores.ts [--repeats 15] [--targets 1000] [--days 7] [--interval 600]
//
// The query data set: --targets targets x --days days at --interval seconds, 10 hops, seeded by
// `pingwatcher seed`'s generator into both stores (raw kept 3 days, as the default retention).
import { parseArgs } from "node:util";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import postgres from "postgres";
import { systemClock } from "../../engine/clock.ts";
import { DEFAULT_OPTIONS } from "../../engine/options.ts";
import type { Clock, Round } from "../../engine/types.ts";
import { seed } from "../../api/cli/seed.ts";
import { openStore, type Store } from "../../store/mod.ts";
import { syntheticHistory, syntheticTargets } from "../../store/synthetic.ts";
import { PG_SKIP_REASON, type PgServer, startPgServer } from "../store/pg_server.ts";
import { loadAverage, median } from "./proc_stats.ts";

const DAY_MS = 86_400_000;

export interface StoresBenchOptions {
  repeats: number;
  targets: number;
  days: number;
  intervalS: number;
}

interface Backend {
  name: string;
  /** A new, empty place. */
  place(): string;
  /** Bytes on disk of the raw rounds (samples + paths, with indexes) and of everything. */
  bytes(url: string): Promise<{ raw: number; total: number; rows: number }>;
}

function fixedClock(nowMs: number): Clock {
  return { ...systemClock, now: () => nowMs };
}

function sqliteBackend(dir: string): Backend {
  let n = 0;
  return {
    name: "SQLite",
    place: () => join(dir, `bench-${++n}.db`),
    bytes(path) {
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        const rows = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name")
          .all() as { name: string; bytes: number }[];
        const of = (prefix: string) =>
          rows.filter((r) => r.name === prefix || r.name.startsWith(`sqlite_autoindex_${prefix}`))
            .reduce((sum, r) => sum + r.bytes, 0);
        const pragma = (name: string) =>
          Number(Object.values(db.prepare(`PRAGMA ${name}`).get() as object)[0]);
        const total = (pragma("page_count") - pragma("freelist_count")) * pragma("page_size");
        const count = db.prepare("SELECT count(*) AS n FROM samples").get() as { n: number };
        const raw = of("samples_main") + of("samples_recent") + of("paths"); // recent.ts
        return Promise.resolve({ raw, total, rows: count.n });
      } finally {
        db.close();
      }
    },
  };
}

function postgresBackend(server: PgServer): Backend {
  return {
    name: "PostgreSQL",
    place: () => server.url(server.createDatabase()),
    async bytes(url) {
      const sql = postgres(url, { onnotice: () => {} });
      try {
        await sql`CHECKPOINT`;
        const size = async (pattern: string) => {
          const [row] = await sql<{ n: number }[]>`SELECT coalesce(sum(
            pg_total_relation_size(c.oid)), 0)::float8 AS n FROM pg_class c
            JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE s.nspname = current_schema() AND c.relkind = 'r' AND c.relname ~ ${pattern}`;
          return row.n;
        };
        const [count] = await sql<{ n: number }[]>`SELECT count(*)::float8 AS n FROM samples`;
        return {
          raw: await size("^(samples_p|paths$)"),
          total: await size(".*"),
          rows: count.n,
        };
      } finally {
        await sql.end();
      }
    },
  };
}

async function timeIt(repeats: number, work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Rounds generated beforehand (untimed); appendRound + flush per 5,000 rounds timed. */
async function ingest(backend: Backend): Promise<number> {
  const store = await openStore(backend.place());
  try {
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
    const items = [...syntheticHistory(targets, {
      endMs: Date.now(),
      days: 1 / 24,
      intervalMs: 2500,
    })];
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
    for (const { round, change } of items) {
      chunk.push(round);
      if (change) await store.recordRouteChange(change);
      if (chunk.length === 5000) await run();
    }
    await run();
    return hopSamples / (timedMs / 1000);
  } finally {
    await store.close();
  }
}

async function seeded(backend: Backend, options: StoresBenchOptions) {
  const url = backend.place();
  const store = await openStore(url);
  let outcome;
  try {
    outcome = await seed(store, {
      targets: options.targets,
      days: options.days,
      intervalMs: options.intervalS * 1000,
      hops: 10,
      seed: 1,
    }, { clock: systemClock, writeError: () => {}, isTty: false });
    while (!(await store.enforceRetention()).done);
    await store.vacuum();
  } finally {
    await store.close();
  }
  return { url, outcome };
}

async function queries(url: string, options: StoresBenchOptions) {
  const probe = await openStore(url);
  const [newest] = await probe.rounds(1, { last: 1 });
  await probe.close();
  const now = newest.startedAt + options.intervalS * 1000;
  const store: Store = await openStore(url, { clock: fixedClock(now) });
  const target = Math.ceil(options.targets / 2);
  try {
    return {
      timeline: await timeIt(
        options.repeats,
        () =>
          store.timeline(target, {
            hop: "all",
            start: now - 7 * DAY_MS,
            end: now,
            maxPoints: 1000,
          }),
      ),
      summary: await timeIt(options.repeats, () => store.summary()),
      insights: await timeIt(
        options.repeats,
        () => store.insights(target, { start: now - 30 * DAY_MS, end: now }),
      ),
    };
  } finally {
    await store.close();
  }
}

export async function runStoresBench(options: StoresBenchOptions): Promise<string> {
  if (PG_SKIP_REASON) return `stores: not run: ${PG_SKIP_REASON}`;
  const dir = await Deno.makeTempDir({ prefix: "pw-stores-" });
  const server = startPgServer({ durable: true });
  const out = [`stores: load average at start ${loadAverage()} (2 cores, shared)`];
  try {
    for (const backend of [sqliteBackend(dir), postgresBackend(server)]) {
      const rates: number[] = [];
      for (let i = 0; i < 3; i++) rates.push(await ingest(backend));
      const { url, outcome } = await seeded(backend, options);
      const bytes = await backend.bytes(url);
      const hopSamples = bytes.rows * 10;
      const q = await queries(url, options);
      out.push(
        `${backend.name}:`,
        `  ingest (100 targets x 10 hops at 2.5 s, 1 hour = 1.44 M hop-samples, rollups ` +
          `included): median ${Math.round(median(rates))} hop-samples/s of 3 ` +
          `[${rates.map(Math.round).join(", ")}]`,
        `  seeded ${options.targets} targets x ${options.days} d at ${options.intervalS} s: ` +
          `${outcome.hopSamples} hop-samples in ${outcome.seconds.toFixed(0)} s; raw kept ` +
          `(3 d): ${bytes.rows} rounds`,
        `  on disk: raw rounds (samples + paths, indexes) ${(bytes.raw / 1e6).toFixed(1)} MB = ` +
          `${(bytes.raw / hopSamples).toFixed(2)} bytes/hop-sample; everything (rollups too) ` +
          `${(bytes.total / 1e6).toFixed(1)} MB`,
        `  7-day timeline, all hops, <=1000 points: median ${q.timeline.toFixed(2)} ms`,
        `  summary of ${options.targets} targets: median ${q.summary.toFixed(2)} ms`,
        `  insights over 30 days: median ${q.insights.toFixed(2)} ms`,
      );
    }
  } finally {
    server.stop();
    await Deno.remove(dir, { recursive: true });
  }
  out.push(`load average at end ${loadAverage()}`);
  return out.join("\n");
}

export function parseStoresArgs(argv: string[]): StoresBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      repeats: { type: "string", default: "15" },
      targets: { type: "string", default: "1000" },
      days: { type: "string", default: "7" },
      interval: { type: "string", default: "600" },
    },
  });
  return {
    repeats: Number(values.repeats),
    targets: Number(values.targets),
    days: Number(values.days),
    intervalS: Number(values.interval),
  };
}

if (import.meta.main) {
  console.log(await runStoresBench(parseStoresArgs(Deno.args)));
}
