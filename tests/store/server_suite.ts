// The server-records port every backend must have: named configurations (unique names, links
// that follow a rename and go with a removal), sessions, per-target metadata, the password and
// API tokens, and paged rounds for exports.
import assert from "node:assert/strict";
import { ManualClock } from "../../engine/mod.ts";
import { NameTakenError, type Store } from "../../store/mod.ts";
import type { TestBackend } from "./backends.ts";
import { OPTIONS, plainRound, T0 } from "./builders.ts";

type Work = (store: Store, clock: ManualClock) => Promise<void>;

export function serverRecordSuite(backend: TestBackend): void {
  const test = (title: string, work: Work) =>
    Deno.test(`server records ${backend.name} - ${title}`, async () => {
      const clock = new ManualClock(T0);
      const store = backend.place()({ clock });
      try {
        await work(store, clock);
      } finally {
        await store.close();
      }
    });
  test("configurations: unique names, renames carry links, removal unlinks", configurations);
  test("sessions: ordered by start, patched, removed, and go with their target", sessions);
  test(
    "explicit fields: round trip, and a removed preset's values become the target's own",
    explicitFields,
  );
  test("declared targets: flag and groups round trip, absent fields mean runtime", declared);
  test("credentials: password hash and API tokens", credentials);
  test("round pages: keyset cursor over flushed rounds", roundPages);
  test("targets version: every change to a target or its metadata, nothing else", targetsVersion);
  if (backend.persistent) {
    Deno.test(`server records ${backend.name} - survive a reopen`, () => reopen(backend));
    Deno.test(
      `server records ${backend.name} - targets version: another writer's changes count`,
      () => versionAcrossWriters(backend),
    );
  }
}

async function configurations(store: Store, clock: ManualClock): Promise<void> {
  const fast = await store.addConfiguration({ name: "fast", options: { intervalMs: 1000 } });
  assert.deepEqual(fast, {
    id: fast.id,
    name: "fast",
    options: { intervalMs: 1000 },
    createdAt: T0,
    updatedAt: T0,
  });
  await store.addConfiguration({ name: "Alpha", options: {} });
  await assert.rejects(store.addConfiguration({ name: "fast", options: {} }), NameTakenError);
  await assert.rejects(store.updateConfiguration(fast.id, { name: "Alpha" }), NameTakenError);
  assert.deepEqual((await store.listConfigurations()).map((c) => c.name), ["Alpha", "fast"]);

  const target = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
  await store.setTargetMeta({
    targetId: target.id,
    configuration: "fast",
    replay: false,
    explicit: {},
  });
  await clock.advance(5000);
  const renamed = await store.updateConfiguration(fast.id, { name: "quick" });
  assert.equal(renamed?.updatedAt, T0 + 5000);
  assert.deepEqual(renamed?.options, { intervalMs: 1000 }, "options kept when not patched");
  assert.equal((await store.targetMeta(target.id)).configuration, "quick", "link follows");
  assert.equal((await store.configurationByName("quick"))?.id, fast.id);
  assert.equal(await store.configurationByName("fast"), null);
  assert.equal(await store.updateConfiguration(9999, { name: "x" }), null);

  assert.equal(await store.removeConfiguration(fast.id), true);
  assert.equal(await store.removeConfiguration(fast.id), false);
  assert.equal(await store.getConfiguration(fast.id), null);
  assert.deepEqual(await store.targetMeta(target.id), {
    targetId: target.id,
    configuration: null,
    replay: false,
    explicit: {},
    declared: false,
    groups: [],
    agents: null,
  });
}

async function sessions(store: Store): Promise<void> {
  const a = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
  const b = await store.addTarget({ host: "10.0.0.2", options: OPTIONS });
  const late = await store.addSession({
    targetId: a.id,
    name: "late",
    start: T0 + 50,
    end: T0 + 60,
  });
  const early = await store.addSession({ targetId: a.id, name: "early", start: T0, end: T0 + 10 });
  await store.addSession({ targetId: b.id, name: "other", start: T0, end: T0 + 1 });
  assert.deepEqual(late, {
    id: late.id,
    targetId: a.id,
    name: "late",
    start: T0 + 50,
    end: T0 + 60,
    createdAt: T0,
  });
  assert.deepEqual((await store.listSessions(a.id)).map((s) => s.name), ["early", "late"]);
  const moved = await store.updateSession(early.id, {
    name: "first",
    start: T0 + 70,
    end: T0 + 80,
  });
  assert.deepEqual([moved?.name, moved?.start, moved?.end], ["first", T0 + 70, T0 + 80]);
  assert.deepEqual((await store.listSessions(a.id)).map((s) => s.name), ["late", "first"]);
  assert.equal(await store.updateSession(9999, { name: "x" }), null);
  assert.equal(await store.removeSession(late.id), true);
  assert.equal(await store.removeSession(late.id), false);
  assert.equal(await store.getSession(late.id), null);

  await store.setTargetMeta({ targetId: a.id, configuration: null, replay: false, explicit: {} });
  assert.deepEqual(await store.replayTargetIds(), []);
  await store.setTargetMeta({ targetId: b.id, configuration: null, replay: true, explicit: {} });
  assert.deepEqual([...(await store.allTargetMeta()).keys()], [a.id, b.id]);
  assert.deepEqual(await store.replayTargetIds(), [b.id], "only the replay target");
  await store.removeTarget(b.id);
  assert.deepEqual(await store.replayTargetIds(), [], "the flag goes with its target");
  assert.deepEqual(await store.listSessions(b.id), [], "sessions go with their target");
  assert.deepEqual(
    [...(await store.allTargetMeta()).keys()],
    [a.id],
    "metadata goes with its target",
  );
}

async function explicitFields(store: Store): Promise<void> {
  const preset = await store.addConfiguration({
    name: "udp-slow",
    options: { protocol: "udp", port: 5000, intervalMs: 7000 },
  });
  // Took udp, port 5000 and 7 s from the preset, set 7 s (the same value) and 9 hops itself.
  const options = {
    ...OPTIONS,
    protocol: "udp" as const,
    port: 5000,
    intervalMs: 7000,
    maxHops: 9,
    flowId: 1,
  };
  const follower = await store.addTarget({ host: "10.0.0.1", options });
  const explicit = { intervalMs: 7000, maxHops: 9, ipVersion: null };
  await store.setTargetMeta({
    targetId: follower.id,
    configuration: "udp-slow",
    replay: false,
    explicit,
  });
  const other = await store.addTarget({ host: "10.0.0.2", options: OPTIONS });
  assert.deepEqual((await store.targetMeta(other.id)).explicit, {}, "no row: no explicit fields");

  assert.deepEqual(await store.targetMeta(follower.id), {
    targetId: follower.id,
    configuration: "udp-slow",
    replay: false,
    explicit,
    declared: false,
    groups: [],
    agents: null,
  });
  assert.deepEqual((await store.allTargetMeta()).get(follower.id)?.explicit, explicit);
  await store.setTargetMeta({
    targetId: follower.id,
    configuration: "udp-slow",
    replay: false,
    explicit: { maxHops: 9 },
  });
  assert.deepEqual(
    (await store.targetMeta(follower.id)).explicit,
    { maxHops: 9 },
    "replaced, not merged",
  );

  await store.removeConfiguration(preset.id);
  assert.deepEqual(await store.targetMeta(follower.id), {
    targetId: follower.id,
    configuration: null,
    replay: false,
    explicit: { protocol: "udp", port: 5000, intervalMs: 7000, maxHops: 9 },
    declared: false,
    groups: [],
    agents: null,
  }, "what it took from the preset is its own now, so it keeps its options");
}

async function declared(store: Store): Promise<void> {
  const a = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
  const b = await store.addTarget({ host: "10.0.0.2", options: OPTIONS });
  const fromFile = {
    targetId: a.id,
    configuration: null,
    replay: false,
    explicit: {},
    declared: true,
    groups: ["core", "lab"],
    agents: ["east", "west"],
  };
  await store.setTargetMeta(fromFile);
  await store.setTargetMeta({ targetId: b.id, configuration: null, replay: false, explicit: {} });
  assert.deepEqual(await store.targetMeta(a.id), fromFile);
  const all = await store.allTargetMeta();
  assert.equal(all.get(a.id)?.declared, true);
  assert.deepEqual(all.get(a.id)?.groups, ["core", "lab"]);
  assert.equal(all.get(b.id)?.declared, false, "absent on write: a runtime target");
  assert.deepEqual(all.get(b.id)?.groups, []);
  assert.equal(all.get(b.id)?.agents, null, "absent on write: every agent probes it");
  await store.setTargetMeta({ ...fromFile, declared: false, groups: [] });
  assert.deepEqual(
    [(await store.targetMeta(a.id)).declared, (await store.targetMeta(a.id)).groups],
    [false, []],
    "a removed declaration is written back",
  );
}

async function credentials(store: Store): Promise<void> {
  assert.equal(await store.passwordHash(), null);
  await store.setPasswordHash("scrypt$1");
  await store.setPasswordHash("scrypt$2");
  assert.equal(await store.passwordHash(), "scrypt$2");
  await store.setPasswordHash(null);
  assert.equal(await store.passwordHash(), null);

  const ci = await store.addApiToken({ name: "ci", tokenHash: "aa" });
  const ops = await store.addApiToken({ name: "ops", tokenHash: "bb" });
  assert.deepEqual(ci, { id: ci.id, name: "ci", tokenHash: "aa", createdAt: T0, lastUsedAt: null });
  await assert.rejects(store.addApiToken({ name: "again", tokenHash: "aa" }));
  await store.touchApiToken(ops.id, T0 + 9);
  assert.equal((await store.apiTokenByHash("bb"))?.lastUsedAt, T0 + 9);
  assert.equal(await store.apiTokenByHash("cc"), null);
  assert.equal(await store.removeApiToken(ci.id), true);
  assert.equal(await store.removeApiToken(ci.id), false);
  assert.deepEqual((await store.listApiTokens()).map((t) => t.name), ["ops"]);
}

async function roundPages(store: Store): Promise<void> {
  const { id } = await store.addTarget({ host: "10.0.0.1", options: OPTIONS });
  for (let seq = 0; seq < 5; seq++) store.appendRound(plainRound(id, seq));
  assert.deepEqual(await store.roundPage(id, { limit: 10 }), [], "only flushed rounds");
  await store.flush();
  const first = await store.roundPage(id, { limit: 2 });
  assert.deepEqual(first.map((r) => r.seq), [0, 1]);
  const last = first[first.length - 1];
  const next = await store.roundPage(id, { after: last, limit: 10 });
  assert.deepEqual(next.map((r) => r.seq), [2, 3, 4]);
  const all = await store.rounds(id, {});
  assert.deepEqual([...first, ...next], all);
}

async function reopen(backend: TestBackend): Promise<void> {
  const open = backend.place();
  const first = open({ clock: new ManualClock(T0) });
  const target = await first.addTarget({ host: "10.0.0.1", options: OPTIONS });
  await first.addConfiguration({ name: "c", options: { maxHops: 5 } });
  await first.setTargetMeta({
    targetId: target.id,
    configuration: "c",
    replay: true,
    explicit: { intervalMs: 1000, ipVersion: null },
    declared: true,
    groups: ["lab", "edge"],
    agents: ["east"],
  });
  await first.setPasswordHash("h");
  await first.addApiToken({ name: "t", tokenHash: "th" });
  await first.addSession({ targetId: target.id, name: "s", start: T0, end: T0 + 1 });
  await first.close();
  const second = open({ clock: new ManualClock(T0) });
  try {
    assert.deepEqual((await second.configurationByName("c"))?.options, { maxHops: 5 });
    assert.deepEqual(await second.targetMeta(target.id), {
      targetId: target.id,
      configuration: "c",
      replay: true,
      explicit: { intervalMs: 1000, ipVersion: null },
      declared: true,
      groups: ["lab", "edge"],
      agents: ["east"],
    });
    assert.equal(await second.passwordHash(), "h");
    assert.equal((await second.apiTokenByHash("th"))?.name, "t");
    assert.deepEqual((await second.listSessions(target.id)).map((s) => s.name), ["s"]);
  } finally {
    await second.close();
  }
}

async function targetsVersion(store: Store): Promise<void> {
  let seen = await store.targetsVersion();
  /** Makes `change`, asserts whether it raised the version, and returns what it returned. */
  const raises = async <T>(what: string, expected: boolean, change: () => Promise<T>) => {
    const result = await change();
    const now = await store.targetsVersion();
    assert.equal(now > seen, expected, `${what}: ${seen} -> ${now}`);
    assert.ok(now >= seen, `${what}: the version went down`);
    seen = now;
    return result;
  };
  const fast = await raises(
    "a configuration",
    false,
    () => store.addConfiguration({ name: "fast", options: { intervalMs: 1000 } }),
  );
  const added = await raises(
    "addTarget",
    true,
    () => store.addTarget({ host: "10.0.0.1", options: OPTIONS }),
  );
  await raises("rounds appended and flushed", false, async () => {
    for (let seq = 0; seq < 3; seq++) store.appendRound(plainRound(added.id, seq));
    await store.flush();
  });
  await raises(
    "a session",
    false,
    () => store.addSession({ targetId: added.id, name: "s", start: T0, end: T0 + 1 }),
  );
  await raises(
    "a configuration no target follows",
    false,
    () => store.updateConfiguration(fast.id, { options: { intervalMs: 2000 } }),
  );
  await raises("the password", false, () => store.setPasswordHash("h"));
  await raises("updateTarget", true, () => store.updateTarget(added.id, { paused: true }));
  await raises("setTargetMeta", true, () =>
    store.setTargetMeta({
      targetId: added.id,
      configuration: "fast",
      replay: false,
      explicit: {},
      agents: ["east"],
    }));
  await raises(
    "a followed configuration renamed",
    true,
    () => store.updateConfiguration(fast.id, { name: "quick" }),
  );
  await raises("removeTarget", true, () => store.removeTarget(added.id));
}

async function versionAcrossWriters(backend: TestBackend): Promise<void> {
  const open = backend.place();
  const first = open({ clock: new ManualClock(T0) });
  const second = open({ clock: new ManualClock(T0) });
  try {
    const target = await first.addTarget({ host: "10.0.0.1", options: OPTIONS });
    const before = await first.targetsVersion();
    assert.equal(await second.targetsVersion(), before, "both see one database");
    await second.updateTarget(target.id, { label: "edge" });
    assert.ok(await first.targetsVersion() > before, "the other writer's change is counted");
  } finally {
    await second.close();
    await first.close();
  }
}
