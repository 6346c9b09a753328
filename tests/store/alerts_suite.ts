// The alert port every backend must have: rules, saved states, history filters and paging,
// timeline comments, and what survives a reopen or goes with its rule or target.
import assert from "node:assert/strict";
import { ManualClock, resolveTargetOptions } from "../../engine/mod.ts";
const T0 = Date.UTC(2026, 0, 1);
import type { TestBackend } from "./backends.ts";

const OPTIONS = resolveTargetOptions({});

export function alertSuite(backend: TestBackend): void {
  const test = (title: string, work: () => Promise<void>) =>
    Deno.test(`alert store ${backend.name} - ${title}`, work);
  if (backend.persistent) test("rules, states and history survive a reopen", () => reopen(backend));
  test("history filters and paging, newest first", () => history(backend));
  test("states and events per agent", () => perAgent(backend));
  test("timeline comments by target and range go with their target", () => comments(backend));
}

async function reopen(backend: TestBackend): Promise<void> {
  const open = backend.place();
  const clock = new ManualClock(T0);
  const first = open({ clock });
  const target = await first.addTarget({ host: "10.0.0.9", options: OPTIONS });
  const rule = await first.addAlertRule({ name: "r", anything: [1, 2] });
  await first.putAlertState({
    ruleId: rule.id,
    targetId: target.id,
    agent: "local",
    state: { s: 1 },
    updatedAt: 5,
  });
  const event = await first.addAlertEvent({
    ruleId: rule.id,
    targetId: target.id,
    kind: "firing",
    at: T0,
    detail: { message: "m" },
  });
  await first.addActionRun({
    eventId: event.id,
    index: 1,
    type: "webhook",
    ok: false,
    attempts: 3,
    at: T0 + 1,
    error: "HTTP 500",
    output: null,
  });
  await first.addActionRun({
    eventId: event.id,
    index: 0,
    type: "logFile",
    ok: true,
    attempts: 1,
    at: T0 + 2,
    error: null,
    output: "appended",
  });
  await first.close();

  const second = open({ clock });
  assert.deepEqual((await second.listAlertRules()).map((r) => r.spec), [{
    name: "r",
    anything: [1, 2],
  }]);
  assert.deepEqual(await second.alertStates("local"), [
    { ruleId: rule.id, targetId: target.id, agent: "local", state: { s: 1 }, updatedAt: 5 },
  ]);
  const [stored] = await second.alertEvents();
  assert.deepEqual(stored.detail, { message: "m" });
  assert.deepEqual(stored.actions.map((a) => [a.index, a.type, a.ok, a.attempts]), [
    [0, "logFile", true, 1],
    [1, "webhook", false, 3],
  ]);
  assert.equal(await second.removeAlertRule(rule.id), true);
  assert.deepEqual(await second.alertStates("local"), [], "states go with their rule");
  assert.equal((await second.alertEvents()).length, 1, "history stays");
  await second.close();
}

async function history(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  const kinds = ["firing", "reminder", "recovered", "test"];
  for (let i = 0; i < 12; i++) {
    await store.addAlertEvent({
      ruleId: 1 + (i % 2),
      targetId: 1 + (i % 3),
      kind: kinds[i % 4],
      at: T0 + i * 1000,
      detail: { i },
    });
  }
  const ids = async (q: Parameters<typeof store.alertEvents>[0]) =>
    (await store.alertEvents(q)).map((e) => (e.detail as { i: number }).i);
  assert.deepEqual(await ids({ limit: 3 }), [11, 10, 9]);
  assert.deepEqual(await ids({ ruleId: 1, targetId: 1 }), [6, 0]);
  assert.deepEqual(
    await ids({ kinds: ["firing", "test"], start: T0 + 3000, end: T0 + 8000 }),
    [7, 4, 3],
  );
  const page = await store.alertEvents({ limit: 5 });
  assert.deepEqual(await ids({ beforeId: page[4].id, limit: 3 }), [6, 5, 4]);
  await store.close();
}

async function perAgent(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  const target = await store.addTarget({ host: "10.0.0.9", options: OPTIONS });
  const rule = await store.addAlertRule({ name: "r" });
  const key = { ruleId: rule.id, targetId: target.id };
  await store.putAlertState({ ...key, agent: "east", state: { s: "east" }, updatedAt: 1 });
  await store.putAlertState({ ...key, agent: "west", state: { s: "west" }, updatedAt: 2 });
  await store.putAlertState({ ...key, agent: "east", state: { s: "east 2" }, updatedAt: 3 });
  const states = async (agent: string) =>
    (await store.alertStates(agent)).map((s) => [s.agent, s.state, s.updatedAt]);
  assert.deepEqual(await states("east"), [["east", { s: "east 2" }, 3]], "its own, replaced");
  assert.deepEqual(await states("west"), [["west", { s: "west" }, 2]], "the other's untouched");
  assert.deepEqual(await states("north"), [], "an agent without states");
  await store.deleteAlertState(rule.id, target.id, "east");
  assert.deepEqual(await states("east"), []);
  assert.deepEqual(await states("west"), [["west", { s: "west" }, 2]], "only that agent's goes");

  const east = await store.addAlertEvent({
    ...key,
    agent: "east",
    kind: "firing",
    at: T0,
    detail: { i: 0 },
  });
  assert.equal(east.agent, "east");
  const old = await store.addAlertEvent({ ...key, kind: "firing", at: T0 + 1, detail: { i: 1 } });
  assert.equal(old.agent, null, "absent on write: no agent");
  await store.addAlertEvent({ ...key, agent: "west", kind: "firing", at: T0 + 2, detail: {} });
  assert.deepEqual((await store.alertEvents()).map((e) => e.agent), ["west", null, "east"]);
  assert.deepEqual((await store.alertEvents({ agent: "east" })).map((e) => e.id), [east.id]);
  await store.close();
}

async function comments(backend: TestBackend): Promise<void> {
  const store = backend.place()({ clock: new ManualClock(T0) });
  const a = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
  const b = await store.addTarget({ host: "10.0.0.2", options: OPTIONS });
  for (const [targetId, at, text] of [[a.id, 3000, "3"], [a.id, 1000, "1"], [b.id, 2000, "b"]]) {
    await store.addTimelineComment({
      targetId: targetId as number,
      at: T0 + (at as number),
      text: text as string,
    });
  }
  const texts = async (id: number, q = {}) =>
    (await store.timelineComments(id, q)).map((c) => c.text);
  assert.deepEqual(await texts(a.id), ["1", "3"]);
  assert.deepEqual(await texts(a.id, { start: T0 + 2000, end: T0 + 4000 }), ["3"]);
  assert.deepEqual(await texts(b.id), ["b"]);
  const mine = await store.addTimelineComment({
    targetId: b.id,
    at: T0,
    text: "u",
    source: "user",
  });
  assert.deepEqual((await store.timelineComments(b.id)).map((c) => [c.text, c.source]), [
    ["u", "user"],
    ["b", "alert"],
  ]);
  assert.equal(await store.removeTimelineComment(a.id, mine.id), false, "another target's");
  assert.equal(await store.removeTimelineComment(b.id, mine.id), true);
  assert.equal(await store.removeTimelineComment(b.id, mine.id), false);
  assert.deepEqual(await texts(b.id), ["b"]);
  await store.removeTarget(a.id);
  assert.deepEqual(await texts(a.id), []);
  await store.close();
}
