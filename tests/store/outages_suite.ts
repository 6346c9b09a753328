// The outage port every backend must have: open and closed outages, filters and keyset paging
// newest first, an open outage surviving a reopen, per-target thresholds, and both going with
// their target.
import assert from "node:assert/strict";
import { ManualClock, resolveTargetOptions } from "../../engine/mod.ts";
import type { Store } from "../../store/mod.ts";
import type { TestBackend } from "./backends.ts";

const T0 = Date.UTC(2026, 0, 1);
const OPTIONS = resolveTargetOptions({});
const MIN = 60_000;

export function outageSuite(backend: TestBackend): void {
  const test = (title: string, work: () => Promise<void>) =>
    Deno.test(`outage store ${backend.name} - ${title}`, work);
  test("an outage opens, grows and closes", () => lifecycle(backend));
  test("filters by target, range and state; pages newest first", () => filters(backend));
  test(
    "outages of many targets in one read: as target by target, range, ids, per-target limit",
    () => byTarget(backend),
  );
  test("thresholds per target, cleared back to the default", () => thresholds(backend));
  test("outages and thresholds go with their target", () => removal(backend));
  test("retention drops closed outages older than the longest tier, never an open one", () =>
    retention(backend));
  if (backend.persistent) test("an open outage survives a reopen", () => reopen(backend));
}

async function lifecycle(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  try {
    const target = await store.addTarget({ host: "127.0.0.1", options: OPTIONS });
    const added = await store.addOutage({
      targetId: target.id,
      start: T0,
      roundsLost: 3,
      lastLostAt: T0 + 5000,
    });
    assert.equal(added.end, null);
    assert.equal(added.agent, null, "absent on write: no agent");
    assert.deepEqual(await store.outages({ open: true }), [added]);
    const seen = await store.addOutage({
      targetId: target.id,
      agent: "east",
      start: T0 - 60_000,
      roundsLost: 3,
      lastLostAt: T0 - 55_000,
    });
    assert.equal(seen.agent, "east");
    assert.deepEqual((await store.outages({ open: true })).map((o) => o.agent), [null, "east"]);
    await store.updateOutage(seen.id, { roundsLost: 3, lastLostAt: T0 - 55_000, end: T0 - 1 });
    assert.equal(
      await store.updateOutage(added.id, { roundsLost: 4, lastLostAt: T0 + 7500 }),
      true,
    );
    assert.equal(
      await store.updateOutage(added.id, {
        roundsLost: 4,
        lastLostAt: T0 + 7500,
        end: T0 + 10_000,
      }),
      true,
    );
    assert.equal(await store.updateOutage(added.id + 100, { roundsLost: 1, lastLostAt: 0 }), false);
    assert.deepEqual((await store.outages({ targetId: target.id })).slice(0, 1), [{
      id: added.id,
      targetId: target.id,
      agent: null,
      start: T0,
      end: T0 + 10_000,
      roundsLost: 4,
      lastLostAt: T0 + 7500,
    }]);
    assert.deepEqual(await store.outages({ open: true }), []);
    assert.equal((await store.outages({ open: false })).length, 2);
  } finally {
    await store.close();
  }
}

/** a: [0, 2), [10, 12), open from 20; b: [5, 6); c: none, all in minutes after T0. */
async function addFilterOutages(store: Store) {
  const a = await store.addTarget({ host: "127.0.0.1", options: OPTIONS });
  const b = await store.addTarget({ host: "127.0.0.2", options: OPTIONS });
  const c = await store.addTarget({ host: "127.0.0.3", options: OPTIONS });
  for (
    const [target, start, end] of [[a, 0, 2], [a, 10, 12], [b, 5, 6], [a, 20, null]] as const
  ) {
    const o = await store.addOutage({
      targetId: target.id,
      start: T0 + start * MIN,
      roundsLost: 3,
      lastLostAt: T0 + start * MIN,
    });
    if (end !== null) {
      await store.updateOutage(o.id, {
        roundsLost: 3,
        lastLostAt: o.lastLostAt,
        end: T0 + end * MIN,
      });
    }
  }
  return { a, b, c };
}

const starts = (list: { start: number }[]) => list.map((o) => (o.start - T0) / MIN);

async function filters(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  try {
    const { a, b } = await addFilterOutages(store);
    assert.deepEqual(starts(await store.outages()), [20, 10, 5, 0]);
    assert.deepEqual(starts(await store.outages({ targetId: a.id })), [20, 10, 0]);
    assert.deepEqual(starts(await store.outages({ targetId: b.id })), [5]);
    // Overlap: [1, 11) touches the outages starting at 0, 5 and 10; [25, 30) only the open one.
    assert.deepEqual(starts(await store.outages({ start: T0 + MIN, end: T0 + 11 * MIN })), [
      10,
      5,
      0,
    ]);
    assert.deepEqual(starts(await store.outages({ start: T0 + 25 * MIN, end: T0 + 30 * MIN })), [
      20,
    ]);
    assert.deepEqual(starts(await store.outages({ start: T0 + 2 * MIN, end: T0 + 5 * MIN })), []);
    assert.deepEqual(starts(await store.outages({ open: true })), [20]);
    const first = await store.outages({ limit: 2 });
    assert.deepEqual(starts(first), [20, 10]);
    const last = first[first.length - 1];
    const next = await store.outages({ limit: 2, before: { start: last.start, id: last.id } });
    assert.deepEqual(starts(next), [5, 0]);
  } finally {
    await store.close();
  }
}

async function byTarget(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  try {
    const { a, b, c } = await addFilterOutages(store);
    const all = { start: T0 - MIN, end: T0 + 30 * MIN };
    const grouped = await store.outagesByTarget(all);
    assert.deepEqual([...grouped.keys()].sort(), [a.id, b.id], "no entry without outages");
    for (const target of [a, b]) {
      assert.deepEqual(
        grouped.get(target.id),
        await store.outages({ ...all, targetId: target.id }),
        "the same records, in the same order, as target by target",
      );
    }
    // Overlap as `outages` counts it: [1, 11) touches 0 and 10 of a, 5 of b; [25, 30) the open one.
    const overlap = await store.outagesByTarget({ start: T0 + MIN, end: T0 + 11 * MIN });
    assert.deepEqual(starts(overlap.get(a.id)!), [10, 0]);
    assert.deepEqual(starts(overlap.get(b.id)!), [5]);
    const late = await store.outagesByTarget({ start: T0 + 25 * MIN, end: T0 + 30 * MIN });
    assert.deepEqual([...late].map(([id, list]) => [id, starts(list)]), [[a.id, [20]]]);
    const onlyB = await store.outagesByTarget({ ...all, targetIds: [b.id, c.id] });
    assert.deepEqual([...onlyB.keys()], [b.id]);
    assert.equal((await store.outagesByTarget({ ...all, targetIds: [] })).size, 0);
    const newest = await store.outagesByTarget({ ...all, limitPerTarget: 2 });
    assert.deepEqual(starts(newest.get(a.id)!), [20, 10], "the limit is per target, newest kept");
    assert.deepEqual(starts(newest.get(b.id)!), [5]);
  } finally {
    await store.close();
  }
}

async function thresholds(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  try {
    const a = await store.addTarget({ host: "127.0.0.1", options: OPTIONS });
    const b = await store.addTarget({ host: "127.0.0.2", options: OPTIONS });
    assert.equal(await store.outageRounds(a.id), null);
    assert.equal(await store.setOutageRounds(a.id, 5), true);
    assert.equal(await store.setOutageRounds(a.id, 7), true);
    assert.equal(await store.setOutageRounds(b.id, 1), true);
    assert.equal(await store.setOutageRounds(9999, 4), false);
    assert.equal(await store.outageRounds(a.id), 7);
    assert.deepEqual([...(await store.allOutageRounds())].sort(), [[a.id, 7], [b.id, 1]]);
    assert.equal(await store.setOutageRounds(a.id, null), true);
    assert.equal(await store.outageRounds(a.id), null);
  } finally {
    await store.close();
  }
}

async function removal(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  try {
    const a = await store.addTarget({ host: "127.0.0.1", options: OPTIONS });
    const b = await store.addTarget({ host: "127.0.0.2", options: OPTIONS });
    await store.addOutage({ targetId: a.id, start: T0, roundsLost: 3, lastLostAt: T0 });
    await store.addOutage({ targetId: b.id, start: T0, roundsLost: 3, lastLostAt: T0 });
    await store.setOutageRounds(a.id, 4);
    await store.removeTarget(a.id);
    assert.deepEqual((await store.outages()).map((o) => o.targetId), [b.id]);
    assert.equal(await store.outageRounds(a.id), null);
    assert.equal((await store.allOutageRounds()).size, 0);
  } finally {
    await store.close();
  }
}

async function reopen(backend: TestBackend): Promise<void> {
  const open = backend.place();
  const first = open({ clock: new ManualClock(T0) });
  const target = await first.addTarget({ host: "127.0.0.1", options: OPTIONS });
  const outage = await first.addOutage({
    targetId: target.id,
    start: T0,
    roundsLost: 3,
    lastLostAt: T0 + 5000,
  });
  await first.setOutageRounds(target.id, 5);
  await first.close();
  const second = open({ clock: new ManualClock(T0) });
  try {
    assert.deepEqual(await second.outages({ open: true }), [outage]);
    assert.equal(await second.outageRounds(target.id), 5);
  } finally {
    await second.close();
  }
}

async function retention(backend: TestBackend): Promise<void> {
  const DAY = 86_400_000;
  const clock = new ManualClock(T0);
  const store = backend.place()({ clock, retention: { rawDays: 1, minuteDays: 2, hourDays: 3 } });
  try {
    const target = await store.addTarget({ host: "127.0.0.1", options: OPTIONS });
    const add = async (start: number, end: number | null) => {
      const o = await store.addOutage({
        targetId: target.id,
        start,
        roundsLost: 3,
        lastLostAt: start + 1000,
      });
      if (end !== null) await store.updateOutage(o.id, { roundsLost: 3, lastLostAt: start, end });
      return o.id;
    };
    await add(T0 - 5 * DAY, T0 - 5 * DAY + MIN); // closed long ago: goes
    const openOld = await add(T0 - 4 * DAY, null); // still open: stays
    const recent = await add(T0 - 2 * DAY, T0 - 2 * DAY + MIN); // within 3 days: stays
    let done = false;
    for (let i = 0; i < 20 && !done; i++) done = (await store.enforceRetention()).done;
    const left = (await store.outages({ targetId: target.id })).map((o) => o.id);
    assert.deepEqual(left.sort((a, b) => a - b), [openOld, recent]);
  } finally {
    await store.close();
  }
}
