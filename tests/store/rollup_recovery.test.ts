// Rollup buckets still filling live in the writer's memory between their writes (every 30 s, and
// when their minute or hour is over): a crash must cost the rollups nothing, the next writer
// rebuilds them from raw rounds (store/sqlite/rollup_recovery.ts), and a quiet store still writes
// the buckets that are over.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../engine/clock.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { OPEN_WRITE_MS } from "../../store/sqlite/rollups.ts";
import type { Round } from "../../engine/types.ts";
import { OPTIONS, T0 } from "./builders.ts";
import { syntheticRounds } from "./history_builders.ts";
import { tempDbPath } from "./backends.ts";

const MINUTE = 60_000;

/** Every rollup row of a file, as text (the blob in hex), in key order. */
function rollupRows(path: string): { minutes: string[]; hours: string[]; marks: number } {
  const db = new DatabaseSync(path);
  try {
    const rows = (table: string) =>
      (db.prepare(
        `SELECT target_id, bucket, route_id, path_id, hex(data) AS data FROM ${table} ` +
          "ORDER BY target_id, bucket, route_id",
      ).all() as Record<string, unknown>[]).map((row) => Object.values(row).join(" "));
    const marks = (db.prepare("SELECT count(*) AS n FROM rollup_open").get() as { n: number }).n;
    return { minutes: rows("rollup_1m"), hours: rows("rollup_1h"), marks };
  } finally {
    db.close();
  }
}

Deno.test("rollup recovery - after a crash the next writer's rollups are a clean run's, byte for byte", async () => {
  // Two targets, 2 h 10 min of rounds every 2.5 s, no loss (jitter then goes on exactly from the
  // round before the rebuilt ones). The clock stands at the newest round: its minute and its hour
  // are still filling when the file is copied, as a power cut would leave it after a flush.
  const reference = tempDbPath();
  const clock = new ManualClock(T0 + 3119 * 2500);
  const clean = openSqliteStore(reference, { clock });
  const rounds: Round[] = [];
  for (const host of ["10.0.4.1", "10.0.4.2"]) {
    const { id } = await clean.addTarget({ host, options: OPTIONS });
    rounds.push(...syntheticRounds(id, { start: T0, count: 3120, seed: id }));
  }
  rounds.sort((a, b) => a.startedAt - b.startedAt);
  const last = rounds.splice(-2);
  for (let i = 0; i < rounds.length; i += 400) {
    for (const round of rounds.slice(i, i + 400)) clean.appendRound(round);
    await clean.flush();
  }
  const crashed = tempDbPath();
  Deno.copyFileSync(reference, crashed);
  Deno.copyFileSync(`${reference}-wal`, `${crashed}-wal`);
  for (const round of last) clean.appendRound(round);
  await clean.close();
  const want = rollupRows(reference);
  assert.equal(want.marks, 0, "a clean close leaves no mark");
  assert.ok(want.minutes.length >= 2 * 130 && want.hours.length === 2 * 3, "rows of every bucket");

  const lost = rollupRows(crashed);
  assert.ok(lost.marks > 0, "the copy marks the buckets still filling");
  assert.notDeepEqual(lost.minutes, want.minutes, "the crash took rounds from the rollups");
  assert.notDeepEqual(lost.hours, want.hours, "the crash took rounds from the hour");

  const next = openSqliteStore(crashed, { clock });
  for (const round of last) next.appendRound(round);
  await next.flush();
  await next.close();
  const got = rollupRows(crashed);
  assert.deepEqual(got.minutes, want.minutes);
  assert.deepEqual(got.hours, want.hours);
  assert.equal(got.marks, 0);
});

Deno.test("rollup recovery - a bucket still filling is read with its rounds, written every 30 s and when over", async () => {
  const path = tempDbPath();
  const clock = new ManualClock(T0 + 100_000);
  const store = openSqliteStore(path, { clock });
  const db = new DatabaseSync(path);
  const rows = (table: string) =>
    (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  try {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    // 90 s of rounds: the first minute is over, the second and the hour still filling.
    for (const round of syntheticRounds(id, { start: T0, count: 36 })) store.appendRound(round);
    await store.flush();
    assert.equal(rows("rollup_1m"), 1, "only the minute that is over has its row");
    assert.equal(rows("rollup_1h"), 0);
    const timeline = await store.timeline(id, {
      hop: 1,
      start: T0,
      end: T0 + 2 * MINUTE,
      maxPoints: 2,
    });
    assert.equal(timeline.resolution, "1m");
    assert.deepEqual(
      timeline.series[0].points.map((p) => p.sent),
      [24, 12],
      "read with its rounds",
    );
    // No round comes any more; the writer loop runs every second.
    await clock.advance(10_000);
    assert.deepEqual([rows("rollup_1m"), rows("rollup_1h")], [1, 0], "10 s on: nothing due");
    await clock.advance(10_000);
    assert.deepEqual([rows("rollup_1m"), rows("rollup_1h")], [2, 0], "the minute is over");
    await clock.advance(OPEN_WRITE_MS - 20_000);
    assert.deepEqual([rows("rollup_1m"), rows("rollup_1h")], [2, 1], "the hour, 30 s on");
    assert.equal(rows("rollup_open"), 0, "nothing left unwritten");
  } finally {
    db.close();
    await store.close();
  }
});
