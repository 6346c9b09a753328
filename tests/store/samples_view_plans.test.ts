// Raw rounds live in two tables read through the view `samples` (store/sqlite/recent.ts). A read
// of the view that orders its rows must select every column it orders by: SQLite then merges the
// two tables along their keys. Without them it gathers all of a target's rows into a temporary
// B-tree to sort them, so a read of the newest ten rounds costs as much as the whole raw history.
// That made the first summary of 5,000 targets with an hour of rounds each take 7 s. This test
// records every statement the SQLite store prepares while it writes, answers a summary, closes,
// and rebuilds rollups after a crash, and asks SQLite for each plan that reads the view.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../engine/clock.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { OPTIONS, T0 } from "./builders.ts";
import { syntheticRounds } from "./history_builders.ts";
import { tempDbPath } from "./backends.ts";

/** Every SQL text prepared on any connection while `work` runs. */
async function preparedDuring(work: () => Promise<void>): Promise<Set<string>> {
  const seen = new Set<string>();
  const prepare = DatabaseSync.prototype.prepare;
  DatabaseSync.prototype.prepare = function (this: DatabaseSync, sql: string) {
    seen.add(sql);
    return prepare.call(this, sql);
  } as typeof prepare;
  try {
    await work();
  } finally {
    DatabaseSync.prototype.prepare = prepare;
  }
  return seen;
}

Deno.test("samples view - every ordered read of raw rounds merges its two tables along their keys", async () => {
  const path = tempDbPath(), crashed = tempDbPath();
  const rounds = syntheticRounds(1, { start: T0, count: 200, seed: 3 });
  const clock = new ManualClock(rounds.at(-1)!.startedAt);
  const prepared = await preparedDuring(async () => {
    const store = openSqliteStore(path, { clock });
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    assert.equal(id, 1);
    for (const round of rounds) store.appendRound(round);
    await store.flush();
    // Its minute and hour are still filling: the copy needs a rebuild, as a power cut would.
    Deno.copyFileSync(path, crashed);
    Deno.copyFileSync(`${path}-wal`, `${crashed}-wal`);
    const [row] = await store.summary({ focusRounds: 10 });
    assert.equal(row.sent, 10, "the summary read the newest rounds");
    assert.equal((await store.rounds(id, { last: 5 })).length, 5);
    await store.close();
    const recovered = openSqliteStore(crashed, { clock });
    recovered.appendRound(syntheticRounds(id, { start: clock.now() + 2500, count: 1 })[0]);
    await recovered.flush(); // the first flush rebuilds
    await recovered.close();
  });
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const overView = [...prepared].filter((sql) => /\bFROM samples\b/.test(sql));
    const ordered = overView.filter((sql) => /\bORDER BY\b/.test(sql));
    // The latest rounds (summary), the rollups' raw reads, the rebuild's round before, rounds().
    assert.ok(ordered.length >= 4, `ordered reads of the view seen: ${ordered.length}`);
    assert.ok(
      ordered.some((sql) => /ts < \?.*LIMIT 1$/.test(sql)),
      "the rebuild's read was prepared",
    );
    for (const sql of overView) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all()
        .map((row) => String(row.detail)).join("; ");
      assert.doesNotMatch(plan, /TEMP B-TREE/, `${sql}\n  plan: ${plan}`);
    }
  } finally {
    db.close();
  }
});
