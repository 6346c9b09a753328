// The cleanup command on a real database file: what it deletes, what it keeps, bad arguments.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../engine/clock.ts";
import { openSqliteStore } from "../../store/mod.ts";
import { parseCleanupArgs, runCleanup } from "../../store/cli/cleanup.ts";
import { OPTIONS, T0 } from "./builders.ts";
import { syntheticRounds } from "./history_builders.ts";

const DAY = 86_400_000;

function run(argv: string[], path: string, now: number) {
  const out: string[] = [], err: string[] = [];
  const code = runCleanup(argv, {
    resolveDbPath: (paths) => paths.db ?? path,
    clock: new ManualClock(now),
    write: (text) => out.push(text),
    writeError: (text) => err.push(text),
  });
  return { code, out: out.join(""), err: err.join("") };
}

function count(path: string, table: string): number {
  const db = new DatabaseSync(path);
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

Deno.test("cleanup - deletes what is past retention, keeps the rest, and can vacuum", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-cleanup-" });
  try {
    const path = `${dir}/store.db`;
    const store = openSqliteStore(path, { clock: new ManualClock(T0) });
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    // Two days of rounds every 30 s.
    for (const round of syntheticRounds(id, { start: T0, count: 5760, intervalMs: 30_000 })) {
      store.appendRound(round);
    }
    await store.close();
    const now = T0 + 3 * DAY;
    const result = run(["--raw-days", "1.5", "--vacuum"], path, now);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /deleted \d+ rows in \d+ steps; .* MB free .*; vacuumed to/);
    assert.equal(count(path, "samples"), 1440); // the last 12 hours of the 2 days
    assert.equal(count(path, "rollup_1m"), 2880); // 30 days: all kept
    const again = run([`--db=${path}`], path, now);
    assert.match(again.out, /deleted 0 rows in 1 steps/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cleanup - bad arguments are refused with exit 2 and the reason", () => {
  for (
    const [argv, reason] of [
      [["--raw-days", "0"], /--raw-days must be more than 0/],
      [["--hour-days", "soon"], /--hour-days must be a number/],
      [["--minute-days", "Infinity"], /--minute-days/],
      [["--nope"], /Unknown option/],
      [["extra"], /positional/i],
    ] as const
  ) {
    const result = run([...argv], "/nonexistent/never-opened.db", T0);
    assert.equal(result.code, 2, argv.join(" "));
    assert.match(result.err, reason);
    assert.match(result.err, /Usage: pingwatcher cleanup/);
  }
  assert.deepEqual(parseCleanupArgs(["--raw-days", "2", "--data-dir", "/tmp/x"]), {
    retention: { rawDays: 2, minuteDays: undefined, hourDays: undefined },
    vacuum: false,
    db: null,
    dataDir: "/tmp/x",
  });
  assert.match(run(["--help"], "", T0).out, /--minute-days N/);
});
