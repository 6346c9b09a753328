// Databases written before target_meta kept explicit fields: opening one adds the column and
// reads each target's own fields back once (what differs from its configuration, or from the
// defaults without one), and every target gets a meta row. Alert states saved before alerts were
// per agent survive and go to the agent that loads them first.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { MIGRATIONS, userVersion } from "../../store/sqlite/mod.ts";
import { openWorkerStore } from "../../store/worker/mod.ts";
import { ManualClock } from "../../engine/mod.ts";
import { STORE_WORKER_ENTRY } from "./backends.ts";
import { SERVER_MIGRATIONS } from "../../store/sqlite/schema_server.ts";
import { ALERTS_MIGRATIONS } from "../../store/sqlite/schema_alerts.ts";
import { T0 } from "./builders.ts";

const dir = Deno.makeTempDirSync({ prefix: "pingwatcher-store-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

/** The schema as it shipped before explicit fields: core 1 and server 1, nothing else. */
function oldDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec(MIGRATIONS[0]);
  db.exec("PRAGMA user_version = 1");
  db.exec("CREATE TABLE schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  db.exec(SERVER_MIGRATIONS.migrations[0] as string);
  db.exec("INSERT INTO schema_versions VALUES ('server', 1)");
  return db;
}

function addOldTarget(db: DatabaseSync, host: string, o: Record<string, unknown>): number {
  const row = { protocol: "icmp", interval: 2500, port: 0, maxHops: 30, ...o };
  const result = db.prepare(
    "INSERT INTO targets (host, protocol, packet_size_bytes, timeout_ms, max_hops, " +
      "inter_packet_delay_ms, interval_ms, final_hop_only, port, ip_version, created_at) " +
      "VALUES (?, ?, 56, 3000, ?, 25, ?, 0, ?, NULL, ?)",
  ).run(
    host,
    row.protocol as string,
    row.maxHops as number,
    row.interval as number,
    row.port as number,
    T0,
  );
  return Number(result.lastInsertRowid);
}

Deno.test("sqlite migration - explicit fields are read back once from an older database", async () => {
  const path = `${dir}/old.db`;
  const db = oldDatabase(path);
  const preset = JSON.stringify({ intervalMs: 7000, protocol: "udp", port: 5000 });
  db.prepare(
    "INSERT INTO configurations (name, options, created_at, updated_at) VALUES (?, ?, ?, ?)",
  )
    .run("slow", preset, T0, T0);
  const put = db.prepare(
    "INSERT INTO target_meta (target_id, configuration, replay) VALUES (?, ?, ?)",
  );
  const plain = addOldTarget(db, "10.0.0.1", { interval: 1000 });
  put.run(plain, null, 0);
  const follower = addOldTarget(db, "10.0.0.2", { protocol: "udp", port: 5000, interval: 7000 });
  put.run(follower, "slow", 0);
  const own = addOldTarget(db, "10.0.0.3", {
    protocol: "udp",
    port: 6000,
    interval: 1000,
    maxHops: 9,
  });
  put.run(own, "slow", 0);
  const noRow = addOldTarget(db, "10.0.0.4", { protocol: "tcp", port: 80 });
  db.close();

  const store = openSqliteStore(path);
  try {
    const meta = await store.allTargetMeta();
    assert.deepEqual(meta.get(plain), {
      targetId: plain,
      configuration: null,
      replay: false,
      explicit: { intervalMs: 1000 },
      declared: false,
      groups: [],
      agents: null,
    }, "without a configuration: what differs from the defaults");
    assert.deepEqual(meta.get(follower)?.explicit, {}, "all from its configuration");
    assert.deepEqual(meta.get(own)?.explicit, { port: 6000, intervalMs: 1000, maxHops: 9 });
    assert.deepEqual(meta.get(noRow), {
      targetId: noRow,
      configuration: null,
      replay: false,
      explicit: { protocol: "tcp" },
      declared: false,
      groups: [],
      agents: null,
    }, "a target without a meta row gets one (tcp's default port is not its own)");
    await store.setTargetMeta({ ...meta.get(follower)!, explicit: { intervalMs: 7000 } });
  } finally {
    await store.close();
  }

  const again = openSqliteStore(path);
  try {
    assert.deepEqual(
      (await again.targetMeta(follower)).explicit,
      { intervalMs: 7000 },
      "the inference runs once: a reopen keeps what was recorded since",
    );
  } finally {
    await again.close();
  }
});

Deno.test("sqlite migration - targets from before flows: udp ones keep the default flow (1)", async () => {
  const path = `${dir}/before-flows.db`;
  const db = oldDatabase(path);
  const udp = addOldTarget(db, "10.0.0.7", { protocol: "udp", port: 33434 });
  const tcp = addOldTarget(db, "10.0.0.8", { protocol: "tcp", port: 80 });
  db.close();
  const store = openSqliteStore(path);
  try {
    assert.equal((await store.getTarget(udp))?.options.flowId, 1);
    assert.equal((await store.getTarget(tcp))?.options.flowId, 0);
    const updated = await store.updateTarget(udp, {
      options: { ...(await store.getTarget(udp))!.options, flowId: 5 },
    });
    assert.equal(updated?.options.flowId, 5);
    assert.equal((await store.getTarget(udp))?.options.flowId, 5);
  } finally {
    await store.close();
  }
});

Deno.test("sqlite migration - alert states from before agents survive and go to the agent that opens", async () => {
  const path = `${dir}/before-agent-alerts.db`;
  const db = oldDatabase(path);
  // The alert tables as they were before agents: migrations 1 and 2.
  for (const step of ALERTS_MIGRATIONS.migrations.slice(0, 2)) db.exec(step as string);
  db.exec("INSERT INTO schema_versions VALUES ('alerts', 2)");
  const target = addOldTarget(db, "10.0.0.9", {});
  const rule = Number(
    db.prepare("INSERT INTO alert_rules (spec, created_at, updated_at) VALUES (?, ?, ?)")
      .run(JSON.stringify({ name: "r" }), T0, T0).lastInsertRowid,
  );
  db.prepare("INSERT INTO alert_states (rule_id, target_id, state, updated_at) VALUES (?, ?, ?, ?)")
    .run(rule, target, JSON.stringify({ status: "firing" }), T0 + 5);
  db.prepare(
    "INSERT INTO alert_events (rule_id, target_id, kind, at, detail) VALUES (?, ?, ?, ?, ?)",
  ).run(rule, target, "firing", T0, JSON.stringify({ message: "m" }));
  db.close();

  const store = openSqliteStore(path, { agent: "fra-1" });
  try {
    assert.deepEqual(await store.alertStates("fra-1"), [
      {
        ruleId: rule,
        targetId: target,
        agent: "fra-1",
        state: { status: "firing" },
        updatedAt: T0 + 5,
      },
    ], "the state survives, claimed by the agent that loads first");
    assert.deepEqual(await store.alertStates("ams-1"), [], "claimed once: not another's too");
    assert.deepEqual(await store.alertStates("fra-1").then((s) => s.length), 1);
    const [event] = await store.alertEvents();
    assert.deepEqual([event.agent, event.detail], [null, { message: "m" }], "history kept");
    await store.putAlertState({
      ruleId: rule,
      targetId: target,
      agent: "ams-1",
      state: { status: "ok" },
      updatedAt: T0 + 6,
    });
    assert.deepEqual((await store.alertStates("fra-1")).map((s) => s.state), [{
      status: "firing",
    }], "another agent's state of the same rule and target is its own row");
  } finally {
    await store.close();
  }
});

Deno.test("sqlite migration - processes opening one new database together migrate it once", async () => {
  // Six store Workers (six threads, as a server and `pingwatcher target add` started together
  // would be) open each new database at the same moment; every one must open it and see the
  // same schema, not fail because another created a table first.
  for (let round = 0; round < 16; round++) {
    const path = `${dir}/together-${round}.db`;
    const stores = Array.from(
      { length: 6 },
      () => openWorkerStore({ clock: new ManualClock(T0), path, entry: STORE_WORKER_ENTRY }),
    );
    try {
      const versions = await Promise.all(stores.map((store) => store.targetsVersion()));
      assert.deepEqual(versions, [0, 0, 0, 0, 0, 0]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    const db = new DatabaseSync(path);
    try {
      assert.equal(userVersion(db), MIGRATIONS.length);
    } finally {
      db.close();
    }
  }
});
