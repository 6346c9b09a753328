// PostgreSQL-only behaviour (the shared suites run on it through backends.ts): URLs and secrets,
// partitions and retention by partition, rounds kept while the server is away, and the targets'
// count (targetsVersion) under two writers at once.
import assert from "node:assert/strict";
import type { Sql } from "postgres";
import { ManualClock } from "../../engine/mod.ts";
import { openStore } from "../../store/mod.ts";
import { OPTIONS, T0 } from "./builders.ts";
import { PG_PASSWORD, PG_SKIP_REASON, PG_USER, pgServer } from "./pg_server.ts";
import { syntheticRounds } from "./history_builders.ts";

const DAY = 86_400_000;
const ignore = PG_SKIP_REASON !== null;

Deno.test({
  name: "postgres - a wrong password fails with a clear error that never holds a password",
  ignore,
  async fn() {
    const server = pgServer()!;
    const wrong = "Wrong-pass-91xz";
    const url = `postgres://${PG_USER}:${wrong}@127.0.0.1:${server.port}/postgres?sslmode=disable`;
    const store = await openStore(url);
    const error = await store.listTargets().then(() => null, (e: Error) => e);
    assert.ok(error, "the call fails");
    const shown = `${error.message} ${String(error)} ${JSON.stringify(error)}`;
    assert.match(error.message, /password authentication failed/);
    assert.match(error.message, /postgres:\/\/pingwatcher@127\.0\.0\.1/);
    assert.doesNotMatch(shown, new RegExp(wrong));
    assert.doesNotMatch(shown, new RegExp(PG_PASSWORD));
    await store.close();
    // The right password, and the location it reports, without the password either.
    const good = await openStore(server.url(server.createDatabase()));
    const space = await good.storageSpace();
    assert.doesNotMatch(space.location, new RegExp(PG_PASSWORD));
    assert.match(space.location, /^postgres:\/\/pingwatcher@127\.0\.0\.1:\d+\/pw_/);
    await good.close();
  },
});

Deno.test({
  name: "postgres - raw rounds live in day partitions and retention drops them whole",
  ignore,
  async fn() {
    const server = pgServer()!;
    const url = server.url(server.createDatabase());
    const clock = new ManualClock(T0 + 5 * DAY);
    const store = await openStore(url, { clock, retention: { rawDays: 2 } });
    const { id } = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
    for (let day = 0; day < 5; day++) {
      for (
        const round of syntheticRounds(id, { start: T0 + day * DAY, count: 10, firstSeq: day * 10 })
      ) {
        store.appendRound(round);
      }
    }
    await store.flush();
    const partitions = await sqlRows(url, "samples");
    assert.equal(partitions.length, 5, `one partition per day: ${partitions}`);
    while (!(await store.enforceRetention()).done);
    assert.equal((await sqlRows(url, "samples")).length, 2, "the three old days are dropped");
    const kept = await store.rounds(id, {});
    assert.equal(kept.length, 20);
    assert.ok(kept.every((r) => r.startedAt >= T0 + 3 * DAY));
    await store.close();
  },
});

/** Returns once some connection waits for a lock (of `locktype`, or of any type), per pg_locks. */
async function untilWaiting(sql: Sql, locktype: string | null): Promise<void> {
  for (;;) {
    const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks
      WHERE NOT granted AND (${locktype}::text IS NULL OR locktype = ${locktype})`;
    if (n > 0) return;
  }
}

/** Partition names of a table, read through a second connection. */
async function sqlRows(url: string, table: string): Promise<string[]> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(url, { onnotice: () => {} });
  try {
    const rows = await sql<{ name: string }[]>`SELECT c.relname AS name FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ${table}::regclass`;
    return rows.map((row) => row.name);
  } finally {
    await sql.end();
  }
}

Deno.test({
  name: "postgres - ?host= a socket directory connects through the Unix socket",
  ignore,
  async fn() {
    const server = pgServer()!;
    const database = server.createDatabase();
    const url = `postgres://${PG_USER}:${encodeURIComponent(PG_PASSWORD)}@localhost:` +
      `${server.port}/${database}?host=${encodeURIComponent(server.dir)}`;
    const store = await openStore(url);
    await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
    assert.equal((await store.listTargets()).length, 1);
    await store.close();
  },
});

Deno.test({
  name: "postgres - retention steps of several processes take turns on an advisory lock",
  ignore,
  async fn() {
    const server = pgServer()!;
    const url = server.url(server.createDatabase());
    const store = await openStore(url, {
      clock: new ManualClock(T0 + 5 * DAY),
      retention: { rawDays: 1 },
    });
    const { id } = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
    for (const round of syntheticRounds(id, { start: T0, count: 10 })) store.appendRound(round);
    await store.flush();
    const { default: postgres } = await import("postgres");
    const other = postgres(url, { onnotice: () => {}, max: 2 });
    try {
      // Another process is sweeping: it holds the lock in its transaction.
      const released = Promise.withResolvers<void>();
      const held = Promise.withResolvers<void>();
      const sweeping = other.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${0x70777274})`;
        held.resolve();
        await released.promise;
      });
      await held.promise;
      const step = store.enforceRetention();
      // The store's step waits for the lock, and deletes nothing meanwhile.
      await untilWaiting(other, "advisory");
      assert.equal((await store.rounds(id, {})).length, 10);
      released.resolve();
      await sweeping;
      assert.deepEqual(await step, { deletedRows: 10, done: true });
      assert.equal((await store.rounds(id, {})).length, 0);
    } finally {
      await other.end();
      await store.close();
    }
  },
});

Deno.test({
  name: "postgres - sslmode is honoured: require refuses a server without TLS, prefer goes plain",
  ignore,
  async fn() {
    const server = pgServer()!;
    const base = server.url(server.createDatabase()).replace("?sslmode=disable", "");
    const strict = await openStore(`${base}?sslmode=require`);
    const error = await strict.listTargets().then(() => null, (e: Error) => e);
    assert.ok(error, "TLS was required and the server has none");
    assert.match(error.message, /TLS|SSL/);
    assert.doesNotMatch(error.message, new RegExp(PG_PASSWORD));
    await strict.close();
    const relaxed = await openStore(`${base}?sslmode=prefer`);
    assert.deepEqual(await relaxed.listTargets(), []);
    await relaxed.close();
  },
});

Deno.test({
  name: "postgres - two writers changing one target in opposite orders wait in turn, no deadlock",
  ignore,
  async fn() {
    const server = pgServer()!;
    const url = server.url(server.createDatabase());
    const store = await openStore(url);
    const { id } = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
    await store.setTargetMeta({ targetId: id, configuration: null, replay: false, explicit: {} });
    const before = await store.targetsVersion();
    const { default: postgres } = await import("postgres");
    const [a, b, look] = [0, 1, 2].map(() => postgres(url, { onnotice: () => {}, max: 1 }));
    try {
      const go = Promise.withResolvers<void>();
      const metaLocked = Promise.withResolvers<void>();
      // A changes the metadata, then the target; B the target, then the metadata.
      const first = a.begin(async (tx) => {
        await tx`UPDATE target_meta SET groups = '["a"]' WHERE target_id = ${id}`;
        metaLocked.resolve();
        await go.promise;
        await tx`UPDATE targets SET label = 'a' WHERE id = ${id}`;
      });
      await metaLocked.promise;
      const second = b.begin(async (tx) => {
        await tx`UPDATE targets SET label = 'b' WHERE id = ${id}`;
        await tx`UPDATE target_meta SET groups = '["b"]' WHERE target_id = ${id}`;
      });
      // B waits for the count A holds before it locks the target's row (had the count been
      // raised after each statement, B would hold that row and A would wait on it: a deadlock).
      await untilWaiting(look, null);
      go.resolve();
      await Promise.all([first, second]);
      assert.equal((await store.getTarget(id))?.label, "b", "B went second");
      assert.deepEqual((await store.targetMeta(id)).groups, ["b"]);
      assert.equal(await store.targetsVersion(), before + 4, "one rise per statement");
    } finally {
      await Promise.all([a.end(), b.end(), look.end()]);
      await store.close();
    }
  },
});
