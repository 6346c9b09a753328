// What only SQLite has (the shared suites run from backends.test.ts): files that survive a reopen
// or a kill -9, migrations, WAL, the writer loop on a manual clock, vacuum without all permissions.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ManualClock, type Round } from "../../engine/mod.ts";
import { type HopAggregate, mergeRollup } from "../../store/rollup_codec.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { migrate, MIGRATIONS, userVersion } from "../../store/sqlite/mod.ts";
import { captureLog, OPTIONS, plainRound, T0, varietyRounds } from "./builders.ts";
import { tempDbPath } from "./backends.ts";

Deno.test("sqlite - targets, rounds, routes and names survive closing and reopening", async () => {
  const path = tempDbPath();
  const first = openSqliteStore(path, { clock: new ManualClock() });
  const target = await first.addTarget({ host: "10.0.4.1", label: "lab", options: OPTIONS });
  const rounds = varietyRounds(target.id);
  for (const round of rounds) first.appendRound(round);
  const change = await first.recordRouteChange({
    targetId: target.id,
    at: T0,
    before: [],
    after: [["10.0.1.1"], []],
  });
  await first.putDnsName({ ip: "10.0.1.1", name: "r1.example.test", resolvedAt: T0 });
  await first.close(); // the rounds were only queued: close must write them

  const second = openSqliteStore(path, { clock: new ManualClock() });
  try {
    assert.deepEqual(await second.listTargets(), [target]);
    assert.deepEqual(await second.rounds(target.id, {}), rounds);
    assert.deepEqual(await second.routeChanges(target.id), [change]);
    assert.deepEqual(await second.lastRoute(target.id), [["10.0.1.1"], []]);
    assert.equal((await second.dnsNames(["10.0.1.1"])).get("10.0.1.1")?.name, "r1.example.test");
  } finally {
    await second.close();
  }
});

Deno.test("sqlite - migrations run once; a newer schema is refused", async () => {
  const path = tempDbPath();
  await openSqliteStore(path).close();
  await openSqliteStore(path).close();
  const db = new DatabaseSync(path);
  try {
    const tables = () => db.prepare("SELECT name, sql FROM sqlite_schema ORDER BY name").all();
    const before = tables();
    assert.equal(userVersion(db), MIGRATIONS.length);
    assert.equal(migrate(db), MIGRATIONS.length);
    assert.deepEqual(tables(), before);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
  } finally {
    db.close();
  }
  assert.throws(() => openSqliteStore(path), /newer than this program knows/);
});

Deno.test("sqlite - a file database is in WAL mode and enforces foreign keys", async () => {
  const path = tempDbPath();
  const store = openSqliteStore(path);
  try {
    const db = new DatabaseSync(path);
    const mode = db.prepare("PRAGMA journal_mode").get() as { journal_mode: string };
    db.close();
    assert.equal(mode.journal_mode, "wal");
    const orphan = { targetId: 42, at: T0, before: [], after: [] };
    await assert.rejects(store.recordRouteChange(orphan), /FOREIGN KEY/);
  } finally {
    await store.close();
  }
});

/** A store on a manual clock writing every second, a reader of the file, and one target. */
async function writerScene(
  run: (scene: {
    store: ReturnType<typeof openSqliteStore>;
    clock: ManualClock;
    reader: DatabaseSync;
    flushes: number[];
    id: number;
  }) => Promise<void>,
): Promise<void> {
  const path = tempDbPath();
  const clock = new ManualClock();
  const flushes: number[] = [];
  const store = openSqliteStore(path, {
    clock,
    flushIntervalMs: 1000,
    onFlush: ({ rounds }) => flushes.push(rounds),
  });
  const reader = new DatabaseSync(path);
  try {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    await run({ store, clock, reader, flushes, id });
  } finally {
    reader.close();
    await store.close();
  }
}

Deno.test("sqlite - the writer loop commits queued rounds once the clock reaches the interval", () =>
  writerScene(async ({ store, clock, reader, flushes, id }) => {
    for (let seq = 0; seq < 5; seq++) store.appendRound(plainRound(id, seq));
    await clock.advance(999);
    assert.equal(committedRounds(reader), 0);
    await clock.advance(1);
    assert.equal(committedRounds(reader), 5);
    store.appendRound(plainRound(id, 5));
    await clock.advance(1000);
    assert.equal(committedRounds(reader), 6);
    await clock.advance(5000); // nothing queued: nothing written
    assert.deepEqual(flushes, [5, 1]);
  }));

Deno.test("sqlite - a batch that arrives is written then, and the writer loop's interval counts from that write", () =>
  writerScene(async ({ store, clock, reader, flushes, id }) => {
    const turn = () => new Promise((resolve) => setTimeout(resolve, 0)); // the woken loop writes
    for (let seq = 0; seq < 3; seq++) store.appendRound(plainRound(id, seq));
    await clock.advance(600);
    store.batchArrived(); // 600 ms after the last write (the start): written now
    await turn();
    assert.equal(committedRounds(reader), 3);
    store.appendRound(plainRound(id, 3));
    await clock.advance(300);
    store.batchArrived(); // 300 ms after the last write, under half the interval: it waits
    await turn();
    assert.equal(committedRounds(reader), 3);
    await clock.advance(500); // t = 1400: the old turn (1000) is gone, the next is 600 + 1000
    assert.equal(committedRounds(reader), 3);
    await clock.advance(200);
    assert.equal(committedRounds(reader), 4);
    assert.deepEqual(flushes, [3, 1]);
  }));

Deno.test("sqlite - a failed flush keeps the rounds queued and logs the error", async () => {
  const path = tempDbPath();
  const clock = new ManualClock();
  const store = openSqliteStore(path, { clock, busyTimeoutMs: 0 });
  const other = new DatabaseSync(path);
  try {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const rounds = [plainRound(id, 0), plainRound(id, 1)];
    for (const round of rounds) store.appendRound(round);
    const lines = await captureLog(async () => {
      other.exec("BEGIN IMMEDIATE"); // another writer holds the lock through the next flush
      await clock.advance(1000);
      other.exec("COMMIT");
    });
    assert.ok(lines.some((line) => line.includes("ERROR") && line.includes("flush failed")));
    assert.equal(committedRounds(other), 0);
    assert.deepEqual(await store.rounds(id, {}), rounds);
    await clock.advance(1000);
    assert.equal(committedRounds(other), 2);
    assert.deepEqual(await store.rounds(id, {}), rounds);
  } finally {
    other.close();
    await store.close();
  }
});

Deno.test("sqlite - a path is stored once however many rounds take it", async () => {
  const path = tempDbPath();
  const store = openSqliteStore(path, { clock: new ManualClock() });
  const db = new DatabaseSync(path);
  try {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    store.appendRound(plainRound(id, 0));
    store.appendRound(plainRound(id, 1));
    await store.flush();
    store.appendRound(plainRound(id, 2));
    await store.flush();
    assert.equal(countRows(db, "paths"), 1);
    const ecmp = plainRound(id, 3);
    ecmp.hops[1] = { ...ecmp.hops[1], ip: "10.0.2.2" };
    store.appendRound(ecmp);
    store.appendRound({ ...plainRound(id, 4), address: "10.0.9.9" });
    await store.flush();
    assert.equal(countRows(db, "paths"), 3);
    assert.equal(committedRounds(db), 5);
  } finally {
    db.close();
    await store.close();
  }
});

for (const inWorker of [false, true]) {
  const where = inWorker ? " (the store in its Worker)" : "";
  Deno.test(`sqlite - kill -9 mid-writing loses at most the unflushed rounds and never corrupts${where}`, () =>
    killMidWriting(inWorker, false));
}

Deno.test("sqlite - kill -9 while the newest minute and hour fill: the next writer's rollups count every round", () =>
  killMidWriting(false, true));

async function killMidWriting(inWorker: boolean, fromNow: boolean): Promise<void> {
  const path = tempDbPath();
  const script = new URL("./kill_writer.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      script,
      path,
      ...(inWorker ? ["--worker"] : []),
      ...(fromNow ? ["--now"] : []),
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let targetId = 0;
  let shift = 0;
  let flushed = 0;
  let flushes = 0;
  for await (const line of lines(child.stdout)) {
    if (line.startsWith("target ")) targetId = Number(line.slice(7));
    if (line.startsWith("shift ")) shift = Number(line.slice(6));
    if (line.startsWith("flushed ")) {
      flushed = Number(line.slice(8));
      if (flushed > 0 && ++flushes >= 5) break;
    }
  }
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", "the writer must die by SIGKILL, not exit");
  assert.ok(flushes >= 5, `the writer reported only ${flushes} flushes before it ended`);

  const db = new DatabaseSync(path);
  const check = db.prepare("PRAGMA integrity_check").all();
  db.close();
  assert.deepEqual(check.map((row) => ({ ...row })), [{ integrity_check: "ok" }]);
  const dated = (seq: number) => {
    const round = plainRound(targetId, seq, { hops: 10 });
    return { ...round, startedAt: round.startedAt + shift };
  };
  const store = openSqliteStore(path, { clock: new ManualClock() });
  let stored: Round[];
  try {
    stored = await store.rounds(targetId, {});
    assert.ok(stored.length >= flushed, `${stored.length} rounds stored, ${flushed} reported`);
    assert.deepEqual(stored.at(-1), dated(stored.length - 1));
    if (fromNow) {
      const lacking = rollupSent(path, "rollup_1h", targetId);
      assert.ok(lacking < stored.length, `the hour's row lacks rounds (${lacking})`);
      // The next writer's first flush rebuilds what the crash took from the rollups.
      store.appendRound(dated(stored.length));
      await store.flush();
      stored.push(dated(stored.length));
    }
    // Rollups count exactly the stored rounds (written in the flushes' transactions, or rebuilt).
    const end = stored.at(-1)!.startedAt + 1;
    const insights = await store.insights(targetId, { start: T0 + shift, end });
    assert.equal(insights.sent, stored.length);
    assert.equal(insights.received, stored.length);
  } finally {
    await store.close();
  }
  for (const table of ["rollup_1m", "rollup_1h"]) {
    assert.equal(rollupSent(path, table, targetId), stored.length, `${table} counts every round`);
  }
}

/** Probes sent to hop 1 in all of a target's rows of a rollup table. */
function rollupSent(path: string, table: string, targetId: number): number {
  const db = new DatabaseSync(path);
  try {
    const hops = new Map<number, HopAggregate>();
    for (const row of db.prepare(`SELECT data FROM ${table} WHERE target_id = ?`).all(targetId)) {
      mergeRollup(hops, row.data as Uint8Array);
    }
    return hops.get(1)?.sent ?? 0;
  } finally {
    db.close();
  }
}

function committedRounds(db: DatabaseSync): number {
  return countRows(db, "samples");
}

function countRows(db: DatabaseSync, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** Lines of a child's stdout; the reader stops (and the pipe is released) when the loop exits. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    yield* parts;
  }
}

Deno.test("sqlite - new files use incremental vacuum; an older file is converted by one vacuum", async () => {
  const fresh = tempDbPath();
  await openSqliteStore(fresh).close();
  assert.equal(autoVacuum(fresh), 2, "incremental: vacuum needs no ATTACH");

  const older = tempDbPath();
  const db = new DatabaseSync(older);
  db.exec("CREATE TABLE made_before (x)"); // a table first: the file keeps auto_vacuum none
  db.close();
  const store = openSqliteStore(older);
  try {
    assert.equal(autoVacuum(older), 0);
    const space = await store.vacuum(); // tests run with -A, where a full VACUUM is allowed
    assert.equal(space.freeBytes, 0);
    assert.equal(autoVacuum(older), 2);
  } finally {
    await store.close();
  }
});

function autoVacuum(path: string): number {
  const db = new DatabaseSync(path);
  try {
    return (db.prepare("PRAGMA auto_vacuum").get() as { auto_vacuum: number }).auto_vacuum;
  } finally {
    db.close();
  }
}
