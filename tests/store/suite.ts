// The targets and rounds ports every backend must have. backends.test.ts registers these scenarios
// for each entry of TEST_BACKENDS (backends.ts).
import assert from "node:assert/strict";
import type { HopSample } from "../../engine/types.ts";
import type { Store } from "../../store/mod.ts";
import { captureLog, OPTIONS, plainRound, T0, varietyRounds } from "./builders.ts";

async function withStore(
  open: () => Promise<Store> | Store,
  work: (store: Store) => Promise<void>,
): Promise<void> {
  const store = await open();
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

export function storeSuite(name: string, open: () => Promise<Store> | Store): void {
  const test = (title: string, work: (store: Store) => Promise<void>) =>
    Deno.test(`store ${name} - ${title}`, () => withStore(open, work));
  registerTargetTests(test);
  registerRoundTests(test);
  registerQueueTests(test);
  registerChangeTests(test);
  registerAgentTests(test);
}

function registerAgentTests(test: Register): void {
  test("agents: the store's agent is listed once it wrote, and marks its summary rows", async (store) => {
    assert.equal(store.agent, "local", "the default agent");
    assert.deepEqual(await store.listAgents(), [], "nothing written yet");
    const { id } = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
    assert.deepEqual((await store.summary()).map((row) => row.agent), [null]);
    store.appendRound(plainRound(id, 0));
    await store.flush();
    const [agent, ...others] = await store.listAgents();
    assert.deepEqual(others, []);
    assert.deepEqual([agent.name, agent.targetCount], ["local", 1]);
    assert.ok(agent.firstSeen <= agent.lastSeen);
    const own = await store.agentReads("local");
    assert.ok(own);
    assert.deepEqual((await own.rounds(id, {})).map((r) => [r.targetId, r.seq]), [[id, 0]]);
    assert.equal(await store.agentReads("elsewhere"), null);
    assert.deepEqual((await store.summary()).map((row) => [row.agent, row.sent]), [["local", 1]]);
    assert.deepEqual((await store.summary({ agent: "local" })).map((row) => row.agent), ["local"]);
    assert.deepEqual(await store.summary({ agent: "elsewhere" }), []);
  });
}

type Register = (title: string, work: (store: Store) => Promise<void>) => void;

function registerTargetTests(test: Register): void {
  test("targets: add, get, list, update and remove", async (store) => {
    const a = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
    const b = await store.addTarget({
      host: "example.test",
      label: "lab",
      paused: true,
      options: { ...OPTIONS, protocol: "udp", port: 33434, ipVersion: 6, timeoutMs: 2500.5 },
    });
    assert.equal(a.label, null);
    assert.equal(a.paused, false);
    assert.equal(typeof a.createdAt, "number");
    assert.deepEqual(a.options, OPTIONS);
    assert.notEqual(a.id, b.id);
    assert.deepEqual(await store.getTarget(b.id), b);
    assert.deepEqual(await store.listTargets(), [a, b]);
    const head = ({ options: _, ...rest }: typeof a) => rest;
    assert.deepEqual(await store.listTargetHeads(), [head(a), head(b)]);

    const updated = await store.updateTarget(a.id, { label: "renamed", paused: true });
    assert.deepEqual(updated, { ...a, label: "renamed", paused: true });
    assert.deepEqual(await store.listTargetHeads(), [head(updated!), head(b)], "heads follow");
    const heads = await store.listTargetHeads();
    heads.pop(); // a caller's copy: changing it changes nothing in the store
    assert.equal((await store.listTargetHeads()).length, 2);
    const relabeled = await store.updateTarget(a.id, {
      label: null,
      options: { ...OPTIONS, finalHopOnly: true, intervalMs: 1000 },
    });
    assert.deepEqual(relabeled, {
      ...a,
      paused: true,
      options: { ...OPTIONS, finalHopOnly: true, intervalMs: 1000 },
    });

    assert.equal(await store.removeTarget(a.id), true);
    assert.equal(await store.getTarget(a.id), null);
    assert.deepEqual(await store.listTargets(), [b]);
    assert.deepEqual(await store.listTargetHeads(), [head(b)]);
    const c = await store.addTarget({ host: "10.0.0.3", options: OPTIONS });
    assert.deepEqual(await store.listTargetHeads(), [head(b), head(c)]);
  });

  test("targets: a missing id gives null or false, never an error", async (store) => {
    assert.equal(await store.getTarget(999), null);
    assert.equal(await store.updateTarget(999, { label: "x" }), null);
    assert.equal(await store.removeTarget(999), false);
  });

  test("targets: ids of removed targets are not given out again", async (store) => {
    const first = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
    await store.removeTarget(first.id);
    const second = await store.addTarget({ host: "10.0.0.2", options: OPTIONS });
    assert.notEqual(second.id, first.id);
  });
}

function registerRoundTests(test: Register): void {
  test("rounds: every hop shape comes back exactly as appended", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const appended = varietyRounds(id);
    for (const round of appended) store.appendRound(round);
    await store.flush();
    assert.deepEqual(await store.rounds(id, {}), appended);
  });

  test("rounds: last N is the newest N, oldest first", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const all = Array.from({ length: 10 }, (_, seq) => plainRound(id, seq));
    for (const round of [...all].reverse()) store.appendRound(round);
    await store.flush();
    assert.deepEqual(await store.rounds(id, { last: 3 }), all.slice(7));
    assert.deepEqual(await store.rounds(id, { last: 1 }), all.slice(9));
    assert.deepEqual(await store.rounds(id, { last: 50 }), all);
    assert.deepEqual(await store.rounds(id, { last: 0 }), []);
  });

  test("rounds: a time range is [start, end)", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const all = Array.from({ length: 10 }, (_, seq) => plainRound(id, seq));
    for (const round of all) store.appendRound(round);
    await store.flush();
    const at = (seq: number) => T0 + seq * 2500;
    assert.deepEqual(await store.rounds(id, { start: at(2), end: at(5) }), all.slice(2, 5));
    assert.deepEqual(await store.rounds(id, { start: at(2) + 1, end: at(5) + 1 }), all.slice(3, 6));
    assert.deepEqual(await store.rounds(id, { start: at(5), end: at(5) }), []);
    assert.deepEqual(await store.rounds(id, { start: at(8) }), all.slice(8));
    assert.deepEqual(await store.rounds(id, { end: at(1) }), all.slice(0, 1));
    assert.deepEqual(await store.rounds(id, { start: at(20) }), []);
    assert.deepEqual(
      await store.rounds(id, { start: at(2), end: at(6), last: 2 }),
      all.slice(4, 6),
    );
  });

  test("rounds: targets do not see each other's rounds", async (store) => {
    const a = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const b = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    store.appendRound(plainRound(a.id, 0));
    store.appendRound(plainRound(b.id, 0));
    store.appendRound(plainRound(b.id, 1));
    await store.flush();
    assert.deepEqual(await store.rounds(a.id, {}), [plainRound(a.id, 0)]);
    assert.deepEqual(await store.rounds(b.id, { last: 5 }), [
      plainRound(b.id, 0),
      plainRound(b.id, 1),
    ]);
  });

  test("rounds: two rounds with the same startedAt are both kept, in seq order", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const first = plainRound(id, 3);
    const second = { ...plainRound(id, 4, { hops: 2 }), startedAt: first.startedAt };
    store.appendRound(second);
    store.appendRound(first);
    await store.flush();
    assert.deepEqual(await store.rounds(id, {}), [first, second]);
  });

  test("rounds: the same round appended twice is kept once, the first wins", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const original = plainRound(id, 0);
    const again = { ...plainRound(id, 0, { hops: 2 }) };
    store.appendRound(original);
    const lines = await captureLog(async () => {
      await store.flush();
      store.appendRound(again);
      assert.deepEqual(await store.rounds(id, {}), [original]);
      await store.flush();
    });
    assert.deepEqual(await store.rounds(id, {}), [original]);
    assert.ok(
      lines.some((line) => line.includes("WARN") && line.includes("dropped")),
      lines.join(),
    );
  });

  test("rounds: a malformed round is refused when appended", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const hop: HopSample = { ttl: -1, kind: "timeout", ip: null, rttUs: null, approximate: false };
    const bad = { ...plainRound(id, 0), hops: [hop] };
    assert.throws(() => store.appendRound(bad), /ttl/);
    assert.throws(() => store.appendRound({ ...plainRound(id, 0), startedAt: NaN }), /startedAt/);
    const strange = { ...hop, ttl: 1, kind: "strange" } as unknown as HopSample;
    assert.throws(() => store.appendRound({ ...plainRound(id, 0), hops: [strange] }), /kind/);
    await store.flush();
    assert.deepEqual(await store.rounds(id, {}), []);
  });

  test("rounds: a query with a negative last is refused", async (store) => {
    await assert.rejects(store.rounds(1, { last: -1 }), RangeError);
  });
}

function registerQueueTests(test: Register): void {
  test("queue: appended rounds are readable before and after the flush", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const all = Array.from({ length: 6 }, (_, seq) => plainRound(id, seq));
    for (const round of all.slice(0, 4)) store.appendRound(round);
    await store.flush();
    for (const round of all.slice(4)) store.appendRound(round);
    assert.deepEqual(await store.rounds(id, { last: 3 }), all.slice(3));
    assert.deepEqual(await store.rounds(id, { start: all[2].startedAt }), all.slice(2));
    await store.flush();
    assert.deepEqual(await store.rounds(id, {}), all);
  });

  test("queue: rounds of an unknown target are dropped without blocking others", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    store.appendRound(plainRound(id + 1000, 0));
    store.appendRound(plainRound(id, 0));
    await captureLog(() => store.flush());
    assert.deepEqual(await store.rounds(id, {}), [plainRound(id, 0)]);
    assert.deepEqual(await store.rounds(id + 1000, {}), []);
  });

  test("queue: after close every call fails with a clear error", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    await store.close();
    await store.close();
    assert.throws(() => store.appendRound(plainRound(id, 0)), /closed/);
    await assert.rejects(store.rounds(id, {}), /closed/);
    await assert.rejects(store.getTarget(id), /closed/);
    await assert.rejects(store.flush(), /closed/);
    await assert.rejects(
      store.putDnsName({ ip: "10.0.0.1", name: null, resolvedAt: T0 }),
      /closed/,
    );
  });
}

function registerChangeTests(test: Register): void {
  test("routes: changes are listed by time and the latest after is the route", async (store) => {
    const { id } = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    assert.equal(await store.lastRoute(id), null);
    const first = await store.recordRouteChange({
      targetId: id,
      at: T0 + 1000,
      before: [["a"], ["b"]],
      after: [["a"], ["c", "d"], []],
    });
    const second = await store.recordRouteChange({
      targetId: id,
      at: T0 + 5000,
      before: [["a"], ["c", "d"], []],
      after: [["a"], ["e"]],
    });
    assert.deepEqual(await store.routeChanges(id), [first, second]);
    assert.deepEqual(await store.routeChanges(id, { start: T0 + 1001 }), [second]);
    assert.deepEqual(await store.routeChanges(id, { end: T0 + 5000 }), [first]);
    assert.deepEqual(await store.routeChanges(id, { start: T0 + 1000, end: T0 + 1001 }), [first]);
    assert.deepEqual(await store.lastRoute(id), [["a"], ["e"]]);
    assert.equal(await store.lastRoute(id + 1), null);
  });

  test("addresses: changes are listed oldest first", async (store) => {
    const { id } = await store.addTarget({ host: "dyn.example.test", options: OPTIONS });
    const first = {
      targetId: id,
      at: T0,
      host: "dyn.example.test",
      before: null,
      after: "10.0.0.1",
    };
    const second = { ...first, at: T0 + 60_000, before: "10.0.0.1", after: "10.0.0.2" };
    await store.recordAddressChange(second);
    await store.recordAddressChange(first);
    assert.deepEqual(await store.addressChanges(id), [first, second]);
    assert.deepEqual(await store.addressChanges(id + 1), []);
  });

  test("dns: names are upserted and looked up in bulk", async (store) => {
    await store.putDnsName({ ip: "10.0.0.1", name: "a.example.test", resolvedAt: T0 });
    await store.putDnsName({ ip: "10.0.0.2", name: null, resolvedAt: T0 });
    await store.putDnsName({ ip: "10.0.0.1", name: "b.example.test", resolvedAt: T0 + 5 });
    const names = await store.dnsNames(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1"]);
    assert.deepEqual(
      names,
      new Map([
        ["10.0.0.1", { ip: "10.0.0.1", name: "b.example.test", resolvedAt: T0 + 5 }],
        ["10.0.0.2", { ip: "10.0.0.2", name: null, resolvedAt: T0 }],
      ]),
    );
    assert.deepEqual(await store.dnsNames([]), new Map());
  });

  test("remove: a target's rounds, route and address changes go with it", async (store) => {
    const gone = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    const kept = await store.addTarget({ host: "10.0.4.1", options: OPTIONS });
    for (const target of [gone, kept]) {
      store.appendRound(plainRound(target.id, 0));
      const route = { targetId: target.id, at: T0, before: [], after: [["a"]] };
      await store.recordRouteChange(route);
      const address = { targetId: target.id, at: T0, host: "h", before: null, after: "10.0.4.1" };
      await store.recordAddressChange(address);
    }
    await store.flush();
    store.appendRound(plainRound(gone.id, 1)); // still queued when the target goes
    assert.equal(await store.removeTarget(gone.id), true);
    assert.deepEqual(await store.rounds(gone.id, {}), []);
    await captureLog(() => store.flush());
    assert.deepEqual(await store.rounds(gone.id, {}), []);
    assert.deepEqual(await store.routeChanges(gone.id), []);
    assert.equal(await store.lastRoute(gone.id), null);
    assert.deepEqual(await store.addressChanges(gone.id), []);
    assert.deepEqual(await store.rounds(kept.id, {}), [plainRound(kept.id, 0)]);
    assert.equal((await store.routeChanges(kept.id)).length, 1);
    assert.equal((await store.addressChanges(kept.id)).length, 1);
    assert.equal(await store.removeTarget(gone.id), false);
  });
}
