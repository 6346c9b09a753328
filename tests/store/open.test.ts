// openStore: which backend a URL or path chooses, and what it says about the ones it cannot open
// (never repeating a password from the URL).
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ManualClock } from "../../engine/mod.ts";
import { BACKENDS, openStore, StoreUrlError } from "../../store/mod.ts";
import { STORE_WORKER_ENTRY, tempDbPath } from "./backends.ts";
import { OPTIONS, plainRound } from "./builders.ts";

Deno.test("open store - a path, a file: URL and :memory: open SQLite", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-open-" });
  try {
    const path = `${dir}/with space.db`;
    for (const url of [path, `file://${encodeURI(path)}`, `FILE://${encodeURI(path)}`]) {
      const store = await openStore(url, { clock: new ManualClock() });
      await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
      await store.close();
    }
    Deno.statSync(path); // one file, reached three ways
    const reopened = await openStore(path);
    assert.equal((await reopened.listTargets()).length, 3);
    await reopened.close();
    const memory = await openStore(":memory:");
    assert.deepEqual(await memory.listTargets(), []);
    await memory.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("open store - a bad PostgreSQL URL is refused without the password", async () => {
  await assert.rejects(
    () => openStore("postgres://pw:s3cret@db.test/pw?sslmode=sometimes"),
    (e: Error) => {
      assert.ok(e instanceof StoreUrlError);
      assert.match(e.message, /sslmode must be one of/);
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    },
  );
});

Deno.test("open store - another scheme is named with the accepted ones, without the password", async () => {
  await assert.rejects(() => openStore("mysql://root:s3cret@db.test/pw"), (error: Error) => {
    assert.ok(error instanceof StoreUrlError);
    assert.match(error.message, /unknown storage scheme "mysql:"/);
    assert.match(error.message, /file:, postgres:, postgresql:/);
    assert.doesNotMatch(error.message, /s3cret|root/);
    return true;
  });
});

Deno.test("open store - every scheme belongs to one backend", () => {
  const schemes = BACKENDS.flatMap((backend) => backend.schemes);
  assert.equal(new Set(schemes).size, schemes.length);
});

for (const worker of [undefined, STORE_WORKER_ENTRY]) {
  Deno.test(`open store - flushIntervalMs reaches the writer loop (${worker ? "in its Worker" : "in this thread"})`, async () => {
    const path = tempDbPath();
    const clock = new ManualClock();
    const store = await openStore(path, { clock, worker, flushIntervalMs: 5000 });
    const reader = new DatabaseSync(path);
    const written = () =>
      (reader.prepare("SELECT COUNT(*) AS n FROM samples").get() as { n: number }).n;
    try {
      const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
      store.appendRound(plainRound(id, 0));
      await clock.advance(2000); // past the default interval (1 s): not yet written
      await store.storeStats(); // the Worker has seen the clock move (its requests are in order)
      assert.equal(written(), 0);
      await clock.advance(3000);
      await store.storeStats();
      assert.equal(written(), 1);
    } finally {
      reader.close();
      await store.close();
    }
  });
}
