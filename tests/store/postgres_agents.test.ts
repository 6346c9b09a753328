// Vantage points on PostgreSQL: several stores opened as different agents on one database keep a
// series per target and agent, read their own (or a named agent's) measurements, list the
// agents, and a database from before agents gives its measurements (and its saved alert states)
// to the first agent to write (to load them).
import assert from "node:assert/strict";
import { ManualClock } from "../../engine/mod.ts";
import { openStore, type Store } from "../../store/mod.ts";
import { encodeHops } from "../../store/codec.ts";
import { openPool } from "../../store/postgres/connect.ts";
import { createPartitions } from "../../store/postgres/partitions.ts";
import { createPgRetention } from "../../store/postgres/retention.ts";
import { resolveRetention } from "../../store/retention_policy.ts";
import { COMPONENTS, migrate } from "../../store/postgres/schema.ts";
import { FOREIGN_REFRESH_MS } from "../../store/postgres/history.ts";
import { targetColumns } from "../../store/postgres/targets.ts";
import { OPTIONS, plainRound, T0 } from "./builders.ts";
import { PG_SKIP_REASON, pgServer } from "./pg_server.ts";

const ignore = PG_SKIP_REASON !== null;

async function closeAll(...stores: Store[]): Promise<void> {
  for (const store of stores) await store.close();
}

Deno.test({
  name: "postgres agents - two agents measure one target apart and every reader sees both",
  ignore,
  async fn() {
    const url = pgServer()!.url(pgServer()!.createDatabase());
    const east = await openStore(url, { agent: "east", clock: new ManualClock(T0 + 60_000) });
    const west = await openStore(url, { agent: "west", clock: new ManualClock(T0 + 120_000) });
    const readerClock = new ManualClock(T0 + 180_000);
    const reader = await openStore(url, { agent: "ui", clock: readerClock });
    try {
      const { id } = await east.addTarget({ host: "10.0.0.1", options: OPTIONS });
      assert.deepEqual((await west.listTargets()).map((t) => t.id), [id], "one target for all");
      for (let seq = 0; seq < 5; seq++) east.appendRound(plainRound(id, seq, { hops: 4 }));
      for (let seq = 0; seq < 3; seq++) west.appendRound(plainRound(id, seq, { hops: 2 }));
      await east.flush();
      await west.flush();

      const eastRounds = await east.rounds(id, {});
      assert.equal(eastRounds.length, 5, "east reads its own rounds");
      assert.ok(eastRounds.every((r) => r.targetId === id && r.hops.length === 4));
      assert.equal((await west.rounds(id, {})).length, 3, "west reads its own, same seqs kept");

      const westReads = await east.agentReads("west");
      assert.ok(westReads, "west is known to east");
      assert.equal((await westReads.rounds(id, {})).length, 3);
      const hops = await westReads.hopStats(id, { last: 10 });
      assert.equal(hops.targetId, id, "results name the target, not the series");
      assert.equal(hops.hops.length, 2);
      assert.equal(await east.agentReads("north"), null, "an agent that never wrote");
      assert.equal(await reader.agentReads("ui"), null, "a reader that never wrote is no agent");

      // A reader without rounds of its own sees the agent that wrote most recently (west).
      assert.equal((await reader.rounds(id, {})).length, 3);
      const agents = await reader.listAgents();
      assert.deepEqual(
        agents.map((a) => [a.name, a.targetCount, a.firstSeen, a.lastSeen]),
        [["east", 1, T0 + 60_000, T0 + 60_000], ["west", 1, T0 + 120_000, T0 + 120_000]],
      );

      const summary = await reader.summary({ focusRounds: 10 });
      assert.deepEqual(summary.map((row) => [row.targetId, row.agent, row.sent]), [
        [id, "east", 5],
        [id, "west", 3],
      ]);
      const onlyWest = await reader.summary({ agent: "west" });
      assert.deepEqual(onlyWest.map((row) => [row.agent, row.sent]), [["west", 3]]);
      // What the reader keeps of others' series is read again once FOREIGN_REFRESH_MS old.
      for (let seq = 3; seq < 6; seq++) west.appendRound(plainRound(id, seq, { hops: 2 }));
      await west.flush();
      const sentOf = async (agent: string) =>
        (await reader.summary({ agent })).map((row) => row.sent);
      assert.deepEqual(await sentOf("west"), [3], "still the figures read a moment ago");
      await readerClock.advance(FOREIGN_REFRESH_MS);
      assert.deepEqual(await sentOf("west"), [6]);
      const westHops = await (await reader.agentReads("west"))!.hopStats(id, { last: 10 });
      assert.equal(westHops.hops[0].sent, 6);

      const stream = (await east.agentReads("west"))!.exportRounds(id, {
        start: T0,
        end: T0 + 3_600_000,
        format: "jsonl",
      });
      const lines = (await new Response(stream).text()).trim().split("\n");
      assert.equal(lines.length, 6);
      assert.ok(lines.every((line) => JSON.parse(line).targetId === id));

      // A route change is filed under the agent that saw it.
      await west.recordRouteChange({
        targetId: id,
        at: T0 + 5000,
        before: [],
        after: [["10.0.1.1"]],
      });
      assert.equal((await west.routeChanges(id)).length, 1);
      assert.equal((await east.routeChanges(id)).length, 0);
      assert.deepEqual(await west.lastRoute(id), [["10.0.1.1"]]);
      assert.equal(await east.lastRoute(id), null);

      // Removing the target removes every agent's series.
      assert.equal(await west.removeTarget(id), true);
      assert.equal((await westReads.rounds(id, {})).length, 0);
      assert.equal((await east.rounds(id, {})).length, 0);
      assert.deepEqual((await reader.listAgents()).map((a) => a.targetCount), [0, 0]);
    } finally {
      await closeAll(east, west, reader);
    }
  },
});

Deno.test({
  name: "postgres agents - a round of a target new to this agent is written on the next flush",
  ignore,
  async fn() {
    const url = pgServer()!.url(pgServer()!.createDatabase());
    const east = await openStore(url, { agent: "east", clock: new ManualClock(T0) });
    const west = await openStore(url, { agent: "west", clock: new ManualClock(T0) });
    try {
      const a = await west.addTarget({ host: "10.0.0.1", options: OPTIONS });
      const gone = await west.addTarget({ host: "10.0.0.2", options: OPTIONS });
      east.appendRound(plainRound(a.id, 0));
      east.appendRound(plainRound(gone.id, 0));
      assert.throws(() => east.appendRound({ ...plainRound(a.id, 1), seq: 0.5 }), RangeError);
      assert.equal((await east.storeStats()).queuedRounds, 2, "queued until its series exists");
      await west.removeTarget(gone.id);
      east.appendRound(plainRound(a.id, 1));
      await east.flush();
      assert.deepEqual((await east.rounds(a.id, {})).map((r) => r.seq), [0, 1], "in order");
      assert.equal((await east.storeStats()).queuedRounds, 0, "a removed target's round dropped");
      assert.equal((await east.rounds(gone.id, {})).length, 0);
    } finally {
      await closeAll(east, west);
    }
  },
});

Deno.test({
  name: "postgres agents - retention sweeps once per period whichever agent runs it",
  ignore,
  async fn() {
    const url = pgServer()!.url(pgServer()!.createDatabase());
    const setup = await openStore(url);
    await setup.listTargets(); // migrated
    await setup.close();
    const pools = ["a", "b", "c"].map(() => openPool(url).sql);
    try {
      const sweepers = pools.map((sql, i) =>
        createPgRetention(sql, createPartitions(sql), resolveRetention({ rawDays: 1 }), {
          agent: "abc"[i],
          periodMs: 60_000,
        })
      );
      // The writer loops' turns: each agent tries a step every second.
      for (let second = 0; second < 59; second++) {
        await sweepers[second % 3].step(T0 + second * 1000, 5000, false);
      }
      assert.deepEqual(await retentionRuns(url), [{ agent: "a", runs: 1 }], "one sweep");
      await sweepers[1].step(T0 + 60_000, 5000, false);
      assert.deepEqual(await retentionRuns(url), [{ agent: "b", runs: 2 }], "the next period");
      await sweepers[2].step(T0 + 61_000, 5000, true);
      assert.deepEqual(
        await retentionRuns(url),
        [{ agent: "c", runs: 3 }],
        "an explicit step (cleanup) always sweeps",
      );
    } finally {
      for (const sql of pools) await sql.end();
    }
  },
});

Deno.test({
  name: "postgres agents - measurements from before agents become the first writer's series",
  ignore,
  async fn() {
    const url = pgServer()!.url(pgServer()!.createDatabase());
    const { sql } = openPool(url);
    let id: number;
    try {
      await migrate(sql, COMPONENTS.filter((set) => set.name !== "agents"));
      const columns = targetColumns({
        host: "10.0.0.1",
        label: null,
        options: OPTIONS,
        paused: false,
      });
      [{ id }] = await sql<{ id: number }[]>`INSERT INTO targets
        ${sql({ ...columns, created_at: T0 })} RETURNING id`;
      const round = plainRound(id, 0);
      const { ips, data } = encodeHops(round.hops, round.destinationReached);
      await createPartitions(sql).ensure("samples", [round.startedAt]);
      const [path] = await sql<{ id: number }[]>`INSERT INTO paths (address, hops)
        VALUES (${round.address}, ${JSON.stringify(ips)}) RETURNING id`;
      await sql`INSERT INTO samples (target_id, seq, ts, path_id, data)
        VALUES (${id}, 0, ${round.startedAt}, ${path.id}, ${data})`;
    } finally {
      await sql.end();
    }
    const west = await openStore(url, { agent: "west", clock: new ManualClock(T0 + 10_000) });
    const east = await openStore(url, { agent: "east", clock: new ManualClock(T0 + 20_000) });
    try {
      assert.equal((await west.rounds(id, {})).length, 1, "the old round reads before any write");
      assert.deepEqual(await west.listAgents(), [], "the old agent has no name yet");
      west.appendRound(plainRound(id, 1));
      await west.flush();
      east.appendRound(plainRound(id, 2));
      await east.flush();
      assert.deepEqual((await west.rounds(id, {})).map((r) => r.seq), [0, 1], "claimed by west");
      assert.deepEqual((await east.rounds(id, {})).map((r) => r.seq), [2]);
      assert.deepEqual(
        (await east.listAgents()).map((a) => [a.name, a.firstSeen]),
        [["east", T0 + 20_000], ["west", T0]],
      );
      assert.deepEqual(await east.checkIntegrity(), { ok: true, problems: [] });
    } finally {
      await closeAll(west, east);
    }
  },
});

Deno.test({
  name: "postgres agents - alert states from before agents survive and go to the first to load",
  ignore,
  async fn() {
    const url = pgServer()!.url(pgServer()!.createDatabase());
    const { sql } = openPool(url);
    // Every component as it was before alerts were per agent: the alerts set's first migration.
    const before = COMPONENTS.map((set) =>
      set.name === "alerts" ? { ...set, migrations: set.migrations.slice(0, 1) } : set
    );
    let target: number;
    let rule: number;
    try {
      await migrate(sql, before);
      const columns = targetColumns({
        host: "10.0.0.1",
        label: null,
        options: OPTIONS,
        paused: false,
      });
      [{ id: target }] = await sql<{ id: number }[]>`INSERT INTO targets
        ${sql({ ...columns, created_at: T0 })} RETURNING id`;
      [{ id: rule }] = await sql<{ id: number }[]>`INSERT INTO alert_rules
        (spec, created_at, updated_at) VALUES ('{"name":"r"}', ${T0}, ${T0}) RETURNING id`;
      await sql`INSERT INTO alert_states (rule_id, target_id, state, updated_at)
        VALUES (${rule}, ${target}, '{"status":"firing"}', ${T0 + 5})`;
      await sql`INSERT INTO alert_events (rule_id, target_id, kind, at, detail)
        VALUES (${rule}, ${target}, 'firing', ${T0}, '{"message":"m"}')`;
    } finally {
      await sql.end();
    }
    const west = await openStore(url, { agent: "west", clock: new ManualClock(T0 + 10_000) });
    const east = await openStore(url, { agent: "east", clock: new ManualClock(T0 + 20_000) });
    try {
      // Both load at once: the state goes to exactly one of them.
      const [westStates, eastStates] = await Promise.all([
        west.alertStates("west"),
        east.alertStates("east"),
      ]);
      const claimed = [...westStates, ...eastStates];
      assert.deepEqual(claimed.map((s) => [s.ruleId, s.targetId, s.state, s.updatedAt]), [
        [rule, target, { status: "firing" }, T0 + 5],
      ], "the state survives, once");
      const owner = claimed[0].agent;
      const other = owner === "west" ? east : west;
      const otherName = owner === "west" ? "east" : "west";
      assert.deepEqual(await other.alertStates(otherName), [], "not the other's too");
      await other.putAlertState({
        ruleId: rule,
        targetId: target,
        agent: otherName,
        state: { status: "ok" },
        updatedAt: T0 + 30_000,
      });
      assert.deepEqual((await west.alertStates(owner)).map((s) => s.state), [{
        status: "firing",
      }], "the other agent's state of the same rule and target is a row of its own");
      assert.deepEqual((await east.alertStates(otherName)).map((s) => s.state), [{
        status: "ok",
      }]);
      const [event] = await east.alertEvents();
      assert.deepEqual([event.agent, event.detail], [null, { message: "m" }], "history kept");
    } finally {
      await closeAll(west, east);
    }
  },
});

async function retentionRuns(url: string): Promise<{ agent: string; runs: number }[]> {
  const { sql } = openPool(url);
  try {
    return [
      ...await sql<{ agent: string; runs: number }[]>`SELECT agent, runs FROM retention_runs`,
    ];
  } finally {
    await sql.end();
  }
}
