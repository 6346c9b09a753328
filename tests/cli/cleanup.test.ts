// The cleanup command on a real database file: what it deletes, what it keeps, bad arguments, and
// the command as users run it (the `deno task cli` permissions, not -A).
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { ManualClock } from "../../engine/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { parseCleanupArgs, runCleanup } from "../../api/cli/cleanup.ts";
import { OPTIONS, T0 } from "../store/builders.ts";
import { syntheticRounds } from "../store/history_builders.ts";

const DAY = 86_400_000;

async function run(argv: string[], path: string, now: number) {
  const out: string[] = [], err: string[] = [];
  const code = await runCleanup(argv, {
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
    const result = await run(["--raw-days", "1.5", "--vacuum"], path, now);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /deleted \d+ rows in \d+ steps; .* MB free .*; vacuumed to/);
    assert.equal(count(path, "samples"), 1440); // the last 12 hours of the 2 days
    assert.equal(count(path, "rollup_1m"), 2880); // 30 days: all kept
    const again = await run([`--db=${path}`], path, now);
    assert.match(again.out, /deleted 0 rows in 1 steps/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cleanup - bad arguments are refused with exit 2 and the reason", async () => {
  for (
    const [argv, reason] of [
      [["--raw-days", "0"], /--raw-days must be more than 0/],
      [["--hour-days", "soon"], /--hour-days must be a number/],
      [["--minute-days", "Infinity"], /--minute-days/],
      [["--nope"], /Unknown option/],
      [["extra"], /positional/i],
    ] as const
  ) {
    const result = await run([...argv], "/nonexistent/never-opened.db", T0);
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
  assert.match((await run(["--help"], "", T0)).out, /--minute-days N/);
});

/** Exactly the permissions of `deno task cli` (deno.json): no -A, no --allow-ffi. */
const TASK_PERMISSIONS = [
  "--allow-run=mtr-packet,ping",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
];

Deno.test("cleanup - the command vacuums with the task's permissions, not only -A", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-cleanup-" });
  try {
    const path = `${dir}/store.db`;
    // Old rounds (a day ending three days ago) and recent ones (the last hour): the 1.5-day
    // boundary is far from both, so the subprocess's own clock decides nothing.
    const now = Date.now();
    const store = openSqliteStore(path);
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const old = syntheticRounds(id, { start: now - 4 * DAY, count: 2880, intervalMs: 30_000 });
    const recent = syntheticRounds(id, { start: now - 3_600_000, count: 100, intervalMs: 30_000 });
    for (const round of [...old, ...recent]) store.appendRound(round);
    await store.close();
    const minutesBefore = count(path, "rollup_1m");
    const sizeBefore = Deno.statSync(path).size;

    const root = fileURLToPath(new URL("../../", import.meta.url));
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...TASK_PERMISSIONS,
        "main.ts",
        "cleanup",
        "--db",
        path,
        "--raw-days",
        "1.5",
        "--vacuum",
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const [out, err] = [output.stdout, output.stderr].map((b) => new TextDecoder().decode(b));
    assert.equal(output.code, 0, err);
    assert.match(out, /deleted \d+ rows in \d+ steps; .* MB free .*; vacuumed to [\d.]+ MB/);
    assert.equal(count(path, "samples"), recent.length, "raw rounds past 1.5 days are gone");
    assert.equal(count(path, "rollup_1m"), minutesBefore, "1-minute rollups (30 days) stay");
    const sizeAfter = Deno.statSync(path).size;
    assert.ok(sizeAfter < sizeBefore, `the file shrank: ${sizeBefore} -> ${sizeAfter} bytes`);
    const db = new DatabaseSync(path);
    try {
      const [free] = Object.values(db.prepare("PRAGMA freelist_count").get()!);
      assert.equal(free, 0, "no free pages left inside the file");
    } finally {
      db.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("cleanup - a storage URL it cannot use is refused with exit 2, password unsaid", async () => {
  const result = await run(["--db", "postgres://u:s3cret@db.test/pw?sslmode=often"], "", T0);
  assert.equal(result.code, 2);
  assert.match(result.err, /--db: sslmode must be one of/);
  assert.doesNotMatch(result.err, /s3cret/);
  assert.equal(result.out, "");
});

Deno.test("cleanup - a database server that does not answer fails with exit 1, password unsaid", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now: the connection is refused
  const url = `postgres://u:s3cret@127.0.0.1:${port}/pw?sslmode=disable`;
  const result = await run(["--db", url], "", T0);
  assert.equal(result.code, 1);
  assert.match(result.err, /ECONNREFUSED/);
  assert.doesNotMatch(result.err, /s3cret/);
  assert.equal(result.out, "");
});
