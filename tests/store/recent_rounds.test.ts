// Raw rounds are written to samples_recent and moved to samples_main every 30 s
// (store/sqlite/recent.ts): every read sees a round from its flush on, whichever table holds it; a
// round already stored in either is dropped; a bulk load goes straight to samples_main; a crash
// leaves rows in samples_recent that readers see and the next writer moves; a database from before
// the split keeps its rounds.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../engine/clock.ts";
import type { Round } from "../../engine/types.ts";
import { MIGRATIONS, openSqliteStore } from "../../store/sqlite/mod.ts";
import { DIRECT_ROUNDS_PER_TARGET, RECENT_MOVE_MS } from "../../store/sqlite/recent.ts";
import { encodeRound } from "../../store/codec.ts";
import { OPTIONS, plainRound, T0 } from "./builders.ts";
import { tempDbPath } from "./backends.ts";

/** Rows of each table behind the view, read by another connection. */
function tables(path: string): { main: number; recent: number; view: number } {
  const db = new DatabaseSync(path);
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { main: count("samples_main"), recent: count("samples_recent"), view: count("samples") };
  } finally {
    db.close();
  }
}

const seqsOf = (rounds: Round[]) => rounds.map((round) => round.seq);

/** A store on a manual clock at T0 with one target; `written` collects each flush's count. */
async function storeWithTarget() {
  const path = tempDbPath();
  const clock = new ManualClock(T0);
  const written: number[] = [];
  const store = openSqliteStore(path, { clock, onFlush: ({ rounds }) => written.push(rounds) });
  const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
  return { path, clock, store, id, written };
}

Deno.test("recent rounds - flushed to samples_recent, moved every 30 s, seen by every read throughout", async () => {
  const { path, clock, store, id } = await storeWithTarget();
  try {
    for (let seq = 0; seq < 4; seq++) store.appendRound(plainRound(id, seq));
    await clock.advance(1000); // the first flush also moves what a previous writer left: all
    assert.deepEqual(tables(path), { main: 4, recent: 0, view: 4 });

    store.appendRound(plainRound(id, 4));
    store.appendRound(plainRound(id, 5));
    await clock.advance(1000);
    assert.deepEqual(tables(path), { main: 4, recent: 2, view: 6 });
    assert.deepEqual(seqsOf(await store.rounds(id, {})), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(seqsOf(await store.rounds(id, { last: 3 })), [3, 4, 5]);
    assert.deepEqual(seqsOf(await store.roundPage(id, { limit: 10 })), [0, 1, 2, 3, 4, 5]);
    const csv = await new Response(
      store.exportRounds(id, { format: "csv", start: T0, end: T0 + 60_000 }),
    ).text();
    assert.equal(csv.trim().split("\n").length, 1 + 6 * 4, "a header and every hop of 6 rounds");

    await clock.advance(RECENT_MOVE_MS - 2000); // 30 s after the last move less one flush
    assert.deepEqual(tables(path), { main: 4, recent: 2, view: 6 });
    await clock.advance(1000);
    assert.deepEqual(tables(path), { main: 6, recent: 0, view: 6 });

    store.appendRound(plainRound(id, 6));
    await clock.advance(1000);
    assert.deepEqual(tables(path), { main: 6, recent: 1, view: 7 });
  } finally {
    await store.close();
  }
  assert.deepEqual(tables(path), { main: 7, recent: 0, view: 7 }, "close moves the rest");
});

Deno.test("recent rounds - a round stored already, in either table, is dropped; a late one is kept", async () => {
  const { path, clock, store, id, written } = await storeWithTarget();
  const late: Round = { ...plainRound(id, 99), startedAt: T0 - 60_000 };
  try {
    for (
      const step of [
        [plainRound(id, 0), plainRound(id, 1)], // both moved to samples_main at the first flush
        [plainRound(id, 1)], // a duplicate of the newest moved round
        [plainRound(id, 0), plainRound(id, 2)], // of an older moved one; and a new round
        [plainRound(id, 2)], // a duplicate of a round still in samples_recent
        [late], // older than every stored round, but not stored: kept
      ]
    ) {
      for (const round of step) store.appendRound(round);
      await clock.advance(1000);
    }
    assert.deepEqual(written, [2, 0, 1, 0, 1]);
    assert.deepEqual(seqsOf(await store.rounds(id, {})), [99, 0, 1, 2]);
    assert.deepEqual(tables(path), { main: 2, recent: 2, view: 4 });
  } finally {
    await store.close();
  }
  assert.deepEqual(tables(path), { main: 4, recent: 0, view: 4 });
});

Deno.test("recent rounds - a bulk flush (many rounds a target) goes straight to samples_main, duplicates dropped", async () => {
  const { path, clock, store, id, written } = await storeWithTarget();
  try {
    store.appendRound(plainRound(id, 0));
    await clock.advance(1000); // moved at the first flush
    store.appendRound(plainRound(id, 1));
    await clock.advance(1000); // one round: to samples_recent
    assert.deepEqual(tables(path), { main: 1, recent: 1, view: 2 });
    // One target, DIRECT_ROUNDS_PER_TARGET rounds of which two are stored, one in each table.
    for (let seq = 0; seq < DIRECT_ROUNDS_PER_TARGET; seq++) store.appendRound(plainRound(id, seq));
    await store.flush();
    assert.deepEqual(written, [1, 1, DIRECT_ROUNDS_PER_TARGET - 2]);
    assert.deepEqual(tables(path), {
      main: DIRECT_ROUNDS_PER_TARGET - 1,
      recent: 1,
      view: DIRECT_ROUNDS_PER_TARGET,
    });
    const seqs = Array.from({ length: DIRECT_ROUNDS_PER_TARGET }, (_, seq) => seq);
    assert.deepEqual(seqsOf(await store.rounds(id, {})), seqs);
  } finally {
    await store.close();
  }
});

Deno.test("recent rounds - after a crash, readers see the rounds left in samples_recent and the next writer moves them", async () => {
  const { path, clock, store, id } = await storeWithTarget();
  const crashed = path.replace(/store\.db$/, "crashed.db");
  try {
    store.appendRound(plainRound(id, 0));
    await clock.advance(1000);
    for (let seq = 1; seq < 4; seq++) store.appendRound(plainRound(id, seq));
    await clock.advance(1000);
    // What a kill -9 leaves after that flush: the file and its WAL as they are.
    Deno.copyFileSync(path, crashed);
    Deno.copyFileSync(`${path}-wal`, `${crashed}-wal`);
  } finally {
    await store.close();
  }
  assert.deepEqual(tables(crashed), { main: 1, recent: 3, view: 4 });
  const next = openSqliteStore(crashed, { clock });
  try {
    assert.deepEqual(seqsOf(await next.rounds(id, {})), [0, 1, 2, 3]);
    await clock.advance(1000);
    assert.deepEqual(tables(crashed), { main: 4, recent: 0, view: 4 });
  } finally {
    await next.close();
  }
});

Deno.test("recent rounds - a database from before the split keeps its rounds, now in samples_main", async () => {
  const path = tempDbPath();
  const old = new DatabaseSync(path);
  old.exec(MIGRATIONS[0]);
  old.exec(MIGRATIONS[1]);
  old.exec("PRAGMA user_version = 2");
  old.exec(
    "INSERT INTO targets (host, protocol, packet_size_bytes, timeout_ms, max_hops, " +
      "inter_packet_delay_ms, interval_ms, final_hop_only, port, created_at) " +
      `VALUES ('10.0.4.1', 'icmp', 56, 3000, 30, 25, 2500, 0, 0, ${T0})`,
  );
  // Rounds as that version wrote them: straight into the table `samples`.
  for (let seq = 0; seq < 3; seq++) {
    const round = plainRound(1, seq);
    const { ips, data } = encodeRound(round);
    old.prepare("INSERT OR IGNORE INTO paths (id, address, hops) VALUES (1, ?, ?)")
      .run(round.address, JSON.stringify(ips));
    old.prepare("INSERT INTO samples (target_id, ts, seq, path_id, data) VALUES (1, ?, ?, 1, ?)")
      .run(round.startedAt, seq, data);
  }
  old.close();
  const store = openSqliteStore(path, { clock: new ManualClock(T0) });
  try {
    assert.deepEqual(tables(path), { main: 3, recent: 0, view: 3 });
    assert.deepEqual(await store.rounds(1, {}), [0, 1, 2].map((seq) => plainRound(1, seq)));
    store.appendRound(plainRound(1, 3));
  } finally {
    await store.close();
  }
  assert.deepEqual(tables(path), { main: 4, recent: 0, view: 4 });
});
