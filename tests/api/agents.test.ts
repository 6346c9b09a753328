// Vantage points through the API: two servers (agents "east" and "west", FakeProbers seeing
// different routes) on one PostgreSQL database; assignment, the target sync, GET /api/agents,
// ?agent= on the per-target reads and the summary, and the agent label of /metrics. The SQLite
// case (one agent) runs without PostgreSQL.
import assert from "node:assert/strict";
import { createApp } from "../../api/app.ts";
import { parseServeArgs } from "../../api/cli/serve_args.ts";
import { defaultAgentName } from "../../api/cli/settings.ts";
import { addBody } from "../../api/cli/target_add.ts";
import { statusTable, type TargetStatus } from "../../api/cli/status_view.ts";
import { styleFor } from "../../api/cli/style.ts";
import { withConfigEnv } from "../../api/cli/config/locate.ts";
import { OptionsError } from "../../engine/mod.ts";
import { ManualClock } from "../../engine/clock.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { openStore } from "../../store/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { OutageTracker } from "../../api/core/outages.ts";
import { OPTIONS, plainRound, T0 } from "../store/builders.ts";
import { driveUntil } from "../engine/helpers.ts";
import { PG_SKIP_REASON, pgServer } from "../store/pg_server.ts";
import { BASE, DEST, EPOCH, setup } from "./helpers.ts";

async function agentServer(url: string, agent: string, route: string[]) {
  const clock = new ManualClock(EPOCH);
  const store = await openStore(url, { agent, clock });
  const app = createApp({
    store,
    prober: new FakeProber({ clock, network: { [DEST]: straightRoute(route) } }),
    clock,
    engine: { spreadStart: false, reverseDns: false },
    addressLookup: () => Promise.resolve([DEST]),
  });
  await app.start();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.handler(
      new Request(BASE + path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await response.text();
    const json = response.headers.get("content-type")?.startsWith("application/json")
      ? JSON.parse(text)
      : null;
    return { status: response.status, text, json };
  };
  const close = async () => {
    // Only the engine needs the simulated clock to stop; the rest waits for the database.
    await driveUntil(clock, app.service.engine.stop());
    await app.stop();
    await store.close();
  };
  return { clock, store, app, call, close };
}

Deno.test({
  name: "api agents - two agents on one database: assignment, sync and reads per agent",
  ignore: PG_SKIP_REASON !== null,
  async fn() {
    const url = pgServer()!.url(pgServer()!.createDatabase());
    const east = await agentServer(url, "east", ["10.0.0.1", DEST]);
    const west = await agentServer(url, "west", ["10.9.0.1", "10.9.0.2", DEST]);
    try {
      const all = await east.call("POST", "/api/targets", { host: DEST, interval: 1 });
      assert.equal(all.status, 201, all.text);
      assert.equal(all.json.target.agents, null);
      const mine = await east.call("POST", "/api/targets", {
        host: DEST,
        label: "east only",
        interval: 1,
        agents: ["east"],
      });
      assert.deepEqual(mine.json.target.agents, ["east"]);
      const bad = await east.call("POST", "/api/targets", { host: DEST, agents: ["no way"] });
      assert.equal(bad.status, 400);
      assert.match(bad.json.error.message, /^agents\.0: /);

      // West learns of the targets from the database and probes only what is assigned to it.
      assert.deepEqual(west.app.service.engine.targetIds(), []);
      await west.app.service.syncTargets();
      assert.deepEqual(west.app.service.engine.targetIds(), [all.json.target.id]);
      assert.deepEqual(east.app.service.engine.targetIds().sort(), [
        all.json.target.id,
        mine.json.target.id,
      ]);

      await east.clock.advance(10_500);
      await west.clock.advance(5_500);
      await east.store.flush();
      await west.store.flush();

      const agents = await east.call("GET", "/api/agents");
      assert.equal(agents.status, 200);
      assert.equal(agents.json.self, "east");
      assert.deepEqual(
        agents.json.agents.map((a: Record<string, unknown>) => [
          a.name,
          a.targetCount,
          a.assignedCount,
        ]),
        [["east", 2, 2], ["west", 1, 1]],
      );

      const id = all.json.target.id;
      const eastHops = await west.call("GET", `/api/targets/${id}/hops?focus=5&agent=east`);
      assert.deepEqual(eastHops.json.hops.map((h: { ip: string }) => h.ip), ["10.0.0.1", DEST]);
      const ownHops = await west.call("GET", `/api/targets/${id}/hops?focus=5`);
      assert.deepEqual(
        ownHops.json.hops.map((h: { ip: string }) => h.ip),
        ["10.9.0.1", "10.9.0.2", DEST],
        "without ?agent= a server reads its own measurements",
      );
      const logs = await east.call("GET", `/api/targets/${id}/logs?agent=west&limit=100`);
      assert.equal(logs.json.rounds.length, 6, "west probed 6 rounds (0 s to 5 s)");
      assert.equal(logs.json.targetId, id);
      const timeline = await east.call(
        "GET",
        `/api/targets/${id}/timeline?agent=west&start=${EPOCH}&end=${EPOCH + 60_000}`,
      );
      assert.equal(timeline.status, 200);
      assert.equal(timeline.json.series[0].hop, 3, "west's final hop is its third");
      const unknown = await east.call("GET", `/api/targets/${id}/insights?agent=north`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.code, "unknown_agent");

      const exported = await east.call("GET", `/api/targets/${id}/export?agent=west`);
      assert.equal(exported.status, 200);
      const doc = JSON.parse(exported.text);
      assert.equal(doc.rounds.length, 6, "west's rounds exported");
      assert.ok(doc.rounds.every((r: { hops: unknown[] }) => r.hops.length === 3));
      const moved = await east.call("GET", `/api/targets/${id}/address_changes?agent=west`);
      assert.deepEqual(moved.json, { targetId: id, addressChanges: [] });

      const summary = await east.call("GET", "/api/summary");
      assert.deepEqual(
        summary.json.targets.map((r: Record<string, unknown>) => [r.id, r.agent, r.sent]),
        [[id, "east", 10], [id, "west", 6], [mine.json.target.id, "east", 10]],
      );
      // An outage only west sees: its row's uptime and open outage, not east's.
      const westOutage = await west.store.addOutage({
        targetId: id,
        agent: "west",
        start: EPOCH + 1000,
        roundsLost: 3,
        lastLostAt: EPOCH + 3000,
      });
      const withOutage = await east.call("GET", `/api/summary`);
      const rowOf = (agent: string) =>
        withOutage.json.targets.find((r: Record<string, unknown>) =>
          r.id === id && r.agent === agent
        );
      assert.equal(rowOf("west").outage?.id, westOutage.id);
      assert.ok(rowOf("west").uptime.day < 100, "west was down");
      assert.equal(rowOf("east").outage, null, "west's outage is not east's");
      assert.equal(rowOf("east").uptime.day, 100);
      const westOnly = await east.call("GET", "/api/summary?agent=west");
      assert.deepEqual(
        westOnly.json.targets.map((r: Record<string, unknown>) => [r.id, r.agent, r.lastAt]),
        [[id, "west", EPOCH + 5000], [mine.json.target.id, "west", null]],
      );
      assert.equal((await east.call("GET", "/api/summary?agent=north")).status, 404);

      const metrics = await west.call("GET", "/metrics");
      assert.match(metrics.text, /pingwatcher_target_probing\{[^}]*agent="west"[^}]*\} 1/);
      assert.doesNotMatch(metrics.text, /agent="east"/);

      // Assigned away from east and to west: each side follows.
      const reassigned = await east.call("PATCH", `/api/targets/${mine.json.target.id}`, {
        agents: ["west"],
      });
      assert.equal(reassigned.status, 200, reassigned.text);
      assert.deepEqual(east.app.service.engine.targetIds(), [id]);
      // The periodic sync's way: it reads every target only when the targets' version moved.
      await west.app.service.syncTargetsIfChanged();
      assert.deepEqual(west.app.service.engine.targetIds().sort(), [id, mine.json.target.id]);
      // Removed through west: east stops on its next sync.
      assert.equal((await west.call("DELETE", `/api/targets/${id}`)).status, 204);
      await east.app.service.syncTargetsIfChanged();
      assert.deepEqual(east.app.service.engine.targetIds(), []);
    } finally {
      await west.close();
      await east.close();
    }
  },
});

Deno.test("api agents - SQLite has one agent: itself, once it has measured", async () => {
  const t = await setup();
  try {
    const before = await t.call("GET", "/api/agents");
    assert.deepEqual(before.json, { self: "local", agents: [] });
    const { json } = await t.call("POST", "/api/targets", {
      body: { host: DEST, interval: 1, agents: ["local", "elsewhere"] },
    });
    await t.clock.advance(2_500);
    await t.store.flush();
    const after = await t.call("GET", "/api/agents");
    assert.deepEqual(
      after.json.agents.map((a: Record<string, unknown>) => [a.name, a.targetCount]),
      [["local", 1]],
    );
    const hops = await t.call("GET", `/api/targets/${json.target.id}/hops?agent=local`);
    assert.equal(hops.status, 200);
    assert.equal((await t.call("GET", "/api/summary")).json.targets[0].agent, "local");
    const elsewhere = await t.call("GET", `/api/targets/${json.target.id}/hops?agent=elsewhere`);
    assert.equal(elsewhere.status, 404);
    // Assigned to another agent only: this server stops probing it.
    await t.call("PATCH", `/api/targets/${json.target.id}`, { body: { agents: ["elsewhere"] } });
    assert.deepEqual(t.app.service.engine.targetIds(), []);
    const view = await t.call("GET", `/api/targets/${json.target.id}`);
    assert.deepEqual(view.json.target.agents, ["elsewhere"]);
    assert.equal(view.json.target.status.probing, false);
  } finally {
    await t.close();
  }
});

Deno.test("api agents - --agent beats PINGWATCHER_AGENT beats the config file; names are checked", () => {
  assert.equal(parseServeArgs(["--agent", "fra-1"], { PINGWATCHER_AGENT: "env" }).agent, "fra-1");
  assert.equal(parseServeArgs([], { PINGWATCHER_AGENT: "env.1" }).agent, "env.1");
  const fromFile = withConfigEnv({}, { server: { agent: "from_file" } });
  assert.equal(parseServeArgs([], fromFile).agent, "from_file");
  assert.equal(
    parseServeArgs([], withConfigEnv({ PINGWATCHER_AGENT: "env" }, { server: { agent: "f" } }))
      .agent,
    "env",
  );
  assert.equal(parseServeArgs([]).agent, defaultAgentName(), "default: the host name");
  assert.throws(() => parseServeArgs(["--agent=-x"]), OptionsError);
  assert.throws(() => parseServeArgs(["--agent", "a b"]), /agent/);
});

Deno.test("api agents - status names the agent of each row once several agents measured", () => {
  const row = (agent: string | null): TargetStatus => ({
    id: 1,
    agent,
    host: "192.0.2.1",
    label: null,
    state: "up",
    lastRttMs: 5,
    avgMs: 5,
    lossPct: 0,
    lastAt: EPOCH,
    lastRouteChange: null,
    firingAlerts: [],
    outage: null,
    uptime: null,
  });
  const plain = styleFor(false);
  const two = statusTable([row("east"), row("west")], plain).split("\n");
  assert.match(two[0], /^ID\s+TARGET\s+AGENT\s+STATE/);
  assert.match(two[1], /^1\s+192\.0\.2\.1\s+east\s+up/);
  assert.match(two[2], /^1\s+192\.0\.2\.1\s+west\s+up/);
  const one = statusTable([row("east")], plain);
  assert.doesNotMatch(one, /AGENT|east/, "one agent: the column stays out");
});

Deno.test("api agents - target add --agent NAME (repeatable) sets the assignment", () => {
  assert.deepEqual(addBody("192.0.2.1", { agent: ["east", "west"] }).agents, ["east", "west"]);
  assert.equal(addBody("192.0.2.1", {}).agents, undefined, "absent: every agent");
  assert.throws(() => addBody("192.0.2.1", { agent: ["no way"] }), /^UsageError: --agent: /);
});

Deno.test("api agents - an agent's outage tracker leaves other agents' open outages alone", async () => {
  const store = openSqliteStore(":memory:", { agent: "east" });
  try {
    const west = await store.addTarget({ host: "192.0.2.1", options: OPTIONS });
    const old = await store.addTarget({ host: "192.0.2.2", options: OPTIONS });
    const open = { start: T0, roundsLost: 3, lastLostAt: T0 + 5000 };
    const theirs = await store.addOutage({ targetId: west.id, agent: "west", ...open });
    await store.addOutage({ targetId: old.id, ...open }); // from before agents
    const tracker = new OutageTracker(store, "east");
    await tracker.load();
    assert.equal(tracker.isOpen(west.id), false, "west's outage is west's to close");
    assert.equal(tracker.isOpen(old.id), true, "one from before agents is picked up");
    for (const id of [west.id, old.id]) {
      tracker.onEvent({ type: "round", round: { ...plainRound(id, 10), startedAt: T0 + 9000 } });
    }
    await tracker.settled();
    const stillOpen = await store.outages({ open: true });
    assert.deepEqual(stillOpen.map((o) => [o.id, o.agent]), [[theirs.id, "west"]]);
  } finally {
    await store.close();
  }
});
