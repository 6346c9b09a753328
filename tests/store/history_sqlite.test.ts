// History behaviour only SQLite has: the flush's transaction covers rollups too, the writer loop
// runs retention on its own, settings are checked when the store opens.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../engine/clock.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { captureLog, OPTIONS, T0 } from "./builders.ts";
import { syntheticRounds } from "./history_builders.ts";
import { tempDbPath } from "./backends.ts";

function count(db: DatabaseSync, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

const DAY = 86_400_000;

Deno.test("history sqlite - a failed flush leaves rollups as they were; the retry counts once", async () => {
  const path = tempDbPath();
  const clock = new ManualClock(T0);
  const store = openSqliteStore(path, { clock, busyTimeoutMs: 0 });
  const other = new DatabaseSync(path);
  try {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const rounds = syntheticRounds(id, { start: T0, count: 100 });
    for (const round of rounds.slice(0, 50)) store.appendRound(round);
    await store.flush();
    for (const round of rounds.slice(50)) store.appendRound(round);
    await captureLog(async () => {
      other.exec("BEGIN IMMEDIATE"); // another writer holds the lock through the next flush
      await clock.advance(1000);
      other.exec("COMMIT");
    });
    assert.equal(count(other, "samples"), 50);
    await store.flush();
    const insights = await store.insights(id, { start: T0, end: T0 + DAY });
    assert.equal(insights.sent, 100);
    const timeline = await store.timeline(id, { hop: 4, start: T0, end: T0 + DAY, maxPoints: 50 });
    assert.equal(timeline.series[0].points.reduce((sum, p) => sum + p.sent, 0), 100);
  } finally {
    other.close();
    await store.close();
  }
});

Deno.test("history sqlite - removing a target removes its rollups", async () => {
  const path = tempDbPath();
  // A day on: every bucket is over, so the flush writes them all (a filling one waits 30 s).
  const store = openSqliteStore(path, { clock: new ManualClock(T0 + DAY) });
  const db = new DatabaseSync(path);
  try {
    const gone = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const kept = await store.addTarget({ host: "10.0.4.2", options: OPTIONS });
    for (const id of [gone.id, kept.id]) {
      for (const round of syntheticRounds(id, { start: T0, count: 50 })) store.appendRound(round);
    }
    await store.flush();
    assert.equal(count(db, "rollup_1m"), 6);
    await store.removeTarget(gone.id);
    assert.equal(count(db, "rollup_1m"), 3);
    assert.equal(count(db, "rollup_1h"), 1);
    assert.deepEqual((await store.summary()).map((s) => s.targetId), [kept.id]);
  } finally {
    db.close();
    await store.close();
  }
});

Deno.test("history sqlite - the writer loop enforces retention in steps on its own", async () => {
  const path = tempDbPath();
  const clock = new ManualClock(T0 + 10 * DAY);
  const store = openSqliteStore(path, { clock, retention: { rawDays: 1 } });
  const db = new DatabaseSync(path);
  try {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const old = syntheticRounds(id, { start: T0, count: 12_000 });
    const fresh = syntheticRounds(id, {
      start: T0 + 10 * DAY - 60_000,
      count: 10,
      firstSeq: 12_000,
    });
    for (const round of [...old, ...fresh]) store.appendRound(round);
    await clock.advance(1000); // flush, then a first bounded step (5,000 rows)
    assert.equal(count(db, "samples"), 12_010 - 5000);
    await clock.advance(2000); // not done yet: a step after every flush
    assert.equal(count(db, "samples"), 10);
    assert.ok(count(db, "rollup_1m") > 10, "the 1-minute tier keeps 30 days");
  } finally {
    db.close();
    await store.close();
  }
});

Deno.test("history sqlite - retention settings are checked when the store opens", () => {
  for (const retention of [{ rawDays: 0 }, { minuteDays: -1 }, { hourDays: NaN }]) {
    assert.throws(() => openSqliteStore(":memory:", { retention }), /positive number of days/);
  }
});
