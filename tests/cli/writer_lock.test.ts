// The writer lock in this process (which may read /proc): a dead holder is taken over, a live
// one refused, a release leaves no file, and only plain paths are locked.
import assert from "node:assert/strict";
import {
  acquireWriterLock,
  LockBusyError,
  lockHolder,
  lockPathOf,
} from "../../api/cli/writer_lock.ts";
import { hostname } from "node:os";

Deno.test("writer lock - one holder; a second is refused until the first releases", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const db = `${dir}/a.db`;
    const first = acquireWriterLock(db, "serve");
    assert.equal(lockHolder(db)?.pid, Deno.pid);
    assert.throws(() => acquireWriterLock(db, "target add"), LockBusyError);
    first.release();
    assert.equal(lockHolder(db), null);
    acquireWriterLock(db, "target add").release();
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("writer lock - a holder whose process is gone is stale and taken over", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const db = `${dir}/a.db`;
    const child = new Deno.Command("true").spawn();
    const { pid } = child;
    await child.status;
    const gone = { pid, command: "serve", host: hostname(), since: "then" };
    Deno.writeTextFileSync(`${db}.lock`, JSON.stringify(gone));
    assert.equal(lockHolder(db), null);
    const lock = acquireWriterLock(db, "target add");
    assert.equal(JSON.parse(Deno.readTextFileSync(`${db}.lock`)).pid, Deno.pid);
    lock.release();
    Deno.writeTextFileSync(`${db}.lock`, "garbage");
    acquireWriterLock(db, "x").release();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("writer lock - ':memory:' and URLs are not locked", () => {
  assert.equal(lockPathOf(":memory:"), null);
  assert.equal(lockPathOf("postgres://u@h/db"), null);
  assert.equal(lockPathOf("/data/pingwatcher.db"), "/data/pingwatcher.db.lock");
});
