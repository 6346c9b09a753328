// The maintenance port every backend must have: space accounting, vacuum that returns freed
// space, the integrity check, flush and close. Retention steps are in history_query_suite.ts.
import assert from "node:assert/strict";
import { ManualClock } from "../../engine/mod.ts";
import type { Store } from "../../store/mod.ts";
import type { TestBackend } from "./backends.ts";
import { OPTIONS, plainRound, T0 } from "./builders.ts";
import { syntheticRounds } from "./history_builders.ts";

type Work = (store: Store) => Promise<void>;

export function maintenanceSuite(backend: TestBackend): void {
  const test = (title: string, work: Work) =>
    Deno.test(`maintenance ${backend.name} - ${title}`, async () => {
      const store = backend.place()({ clock: new ManualClock(T0) });
      try {
        await work(store);
      } finally {
        await store.close();
      }
    });
  test("space freed by deletes is counted, and vacuum gives it back", vacuum);
  test("the integrity check passes on a healthy store", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
    store.appendRound(plainRound(id, 0));
    await store.flush();
    assert.deepEqual(await store.checkIntegrity(), { ok: true, problems: [] });
  });
  test("store stats count the queue, flushes and rounds written without flushing", storeStats);
  Deno.test(`maintenance ${backend.name} - flush writes the queue; a closed store refuses`, () =>
    closing(backend));
}

async function vacuum(store: Store): Promise<void> {
  const keep = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
  const gone = await store.addTarget({ host: "10.0.0.2", options: OPTIONS });
  store.appendRound(plainRound(keep.id, 0));
  for (const round of syntheticRounds(gone.id, { start: T0, count: 3000 })) {
    store.appendRound(round);
  }
  const full = await store.storageSpace();
  assert.ok(full.location.length > 0);
  assert.ok(full.usedBytes > 0);
  await store.removeTarget(gone.id);
  const freed = await store.storageSpace();
  assert.ok(freed.freeBytes > 0, `deleted rows leave free space: ${JSON.stringify(freed)}`);
  const after = await store.vacuum();
  assert.equal(after.freeBytes, 0);
  assert.ok(after.usedBytes < freed.usedBytes, `${after.usedBytes} < ${freed.usedBytes}`);
  assert.equal((await store.rounds(keep.id, {})).length, 1, "what was kept is still there");
  assert.deepEqual(await store.checkIntegrity(), { ok: true, problems: [] });
}

async function storeStats(store: Store): Promise<void> {
  const { id } = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
  const fresh = await store.storeStats();
  assert.deepEqual({ ...fresh, sizeBytes: 0 }, {
    queuedRounds: 0,
    flushes: 0,
    failedFlushes: 0,
    flushMsTotal: 0,
    lastFlushMs: null,
    roundsWritten: 0,
    droppedRounds: 0,
    sizeBytes: 0,
  });
  assert.ok(fresh.sizeBytes > 0, "the schema takes room");
  for (let seq = 0; seq < 3; seq++) store.appendRound(plainRound(id, seq));
  const queued = await store.storeStats();
  assert.equal(queued.queuedRounds, 3, "reading the stats does not flush");
  assert.equal(queued.flushes, 0);
  await store.flush();
  await store.flush(); // nothing queued: not a flush
  const flushed = await store.storeStats();
  assert.equal(flushed.queuedRounds, 0);
  assert.equal(flushed.flushes, 1);
  assert.equal(flushed.roundsWritten, 3);
  assert.ok(flushed.lastFlushMs !== null && flushed.lastFlushMs >= 0);
  assert.ok(flushed.flushMsTotal >= flushed.lastFlushMs!);
}

async function closing(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  const { id } = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
  store.appendRound(plainRound(id, 0));
  store.appendRound(plainRound(id, 1));
  await store.flush();
  assert.deepEqual((await store.roundPage(id, { limit: 10 })).map((r) => r.seq), [0, 1]);
  await store.close();
  await store.close(); // a second close is harmless
  await assert.rejects(store.listTargets(), /closed/);
  await assert.rejects(store.storageSpace(), /closed/);
  await assert.rejects(store.storeStats(), /closed/);
  assert.throws(() => store.appendRound(plainRound(id, 2)), /closed/);
}
