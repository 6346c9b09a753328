// Declared targets against a whole app (FakeProber, ManualClock, SQLite in memory): the file's
// targets are added and marked declared, the API refuses to edit or delete them, and a reload
// with one changed, one added and one removed target leaves the unchanged one's schedule alone
// and loses no data. Alert rules from the file are created or replaced by name.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  applySync,
  ConfigReloader,
  parseConfigText,
  planSync,
  syncAlertRules,
} from "../../api/cli/config/mod.ts";
import { startAlerts } from "../../alerts/mod.ts";
import type { Round } from "../../engine/mod.ts";
import { straightRoute } from "../../engine/probers/fake.ts";
import { EPOCH, type Setup, setup } from "./helpers.ts";

const HOSTS = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.9"];

function app(): Promise<Setup> {
  return setup({
    network: Object.fromEntries(HOSTS.map((h) => [h, straightRoute(["10.9.0.1", h])])),
    addressLookup: (host) => Promise.resolve([host]),
  });
}

async function declare(t: Setup, yaml: string) {
  const plan = await planSync(t.store, parseConfigText(yaml, "pingwatcher.yaml"), t.fake);
  return await applySync(t.app.service, plan);
}

// deno-lint-ignore no-explicit-any
async function targets(t: Setup): Promise<Map<string, any>> {
  const reply = await t.call("GET", "/api/targets");
  // deno-lint-ignore no-explicit-any
  return new Map(reply.json.targets.map((target: any) => [target.host, target]));
}

Deno.test("config sync - declared targets are marked, PATCH and DELETE refuse them, pause works", async () => {
  const t = await app();
  try {
    const runtime = await t.call("POST", "/api/targets", { body: { host: "127.0.0.9" } });
    assert.equal(runtime.status, 201);
    const result = await declare(
      t,
      "targets:\n  - host: 127.0.0.1\n    label: core\n    groups: [lab, core]\n    interval: 5\n",
    );
    assert.deepEqual(result.added, ["127.0.0.1"]);
    const all = await targets(t);
    const declared = all.get("127.0.0.1");
    assert.deepEqual(
      [declared.declared, declared.groups, declared.label, declared.interval],
      [true, ["lab", "core"], "core", 5],
    );
    assert.equal(all.get("127.0.0.9").declared, false, "the API's target stays a runtime one");

    const patch = await t.call("PATCH", `/api/targets/${declared.id}`, { body: { interval: 1 } });
    assert.equal(patch.status, 409);
    assert.equal(patch.json.error.code, "declared_target");
    assert.match(patch.json.error.message, /declared in the config file/);
    const del = await t.call("DELETE", `/api/targets/${declared.id}`);
    assert.equal(del.status, 409);
    const preset = await t.call("POST", "/api/configurations", {
      body: { name: "fast", options: { interval: 1 } },
    });
    const apply = await t.call(
      "POST",
      `/api/configurations/${preset.json.configuration.id}/apply`,
      {
        body: { targets: [runtime.json.target.id, declared.id] },
      },
    );
    assert.equal(apply.status, 409, "applying a preset to a declared target is refused whole");
    assert.equal((await targets(t)).get("127.0.0.9").configuration, null, "nothing half-applied");
    assert.equal((await targets(t)).get("127.0.0.1").interval, 5, "nothing changed");

    const paused = await t.call("POST", `/api/targets/${declared.id}/pause`);
    assert.equal(paused.json.target.paused, true, "pausing is an operator's runtime choice");
    const again = await declare(
      t,
      "targets:\n  - host: 127.0.0.1\n    label: core\n    groups: [lab, core]\n    interval: 5\n",
    );
    assert.equal(again.unchanged, 1);
    assert.equal((await targets(t)).get("127.0.0.1").paused, true, "a reload keeps it paused");

    const runtimePatch = await t.call("PATCH", `/api/targets/${runtime.json.target.id}`, {
      body: { interval: 1 },
    });
    assert.equal(runtimePatch.status, 200);
  } finally {
    await t.close();
  }
});

const FIRST = `
targets:
  - host: 127.0.0.1
    label: unchanged
    interval: 1
  - host: 127.0.0.2
    label: changed
    interval: 1
  - host: 127.0.0.3
    label: removed
    interval: 1
`;

const SECOND = `
targets:
  - host: 127.0.0.1
    label: unchanged
    interval: 1
  - host: 127.0.0.2
    label: changed
    interval: 2
  - host: 127.0.0.4
    label: added
    interval: 1
`;

Deno.test("config sync - a reload changes, adds and retires targets; the unchanged one runs on", async () => {
  const t = await app();
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "pingwatcher.yaml");
    await Deno.writeTextFile(path, FIRST);
    const reloader = new ConfigReloader({
      location: { path, named: true },
      service: t.app.service,
      prober: t.fake,
    });
    assert.equal((await reloader.reload("start")).result?.added.length, 3);
    await t.clock.advance(5_500);
    await t.store.flush();
    const ids = new Map([...(await targets(t))].map(([host, v]) => [host, v.id as number]));
    const removedBefore = await t.store.rounds(ids.get("127.0.0.3")!, {});
    assert.ok(removedBefore.length >= 5);

    const engine = t.app.service.engine;
    const touched: number[] = [];
    const setTarget = engine.setTarget.bind(engine);
    engine.setTarget = (target, init) => {
      touched.push(target.id);
      setTarget(target, init);
    };
    await Deno.writeTextFile(path, SECOND);
    const outcome = await reloader.reload("SIGHUP");
    assert.deepEqual(outcome.result, {
      added: ["127.0.0.4"],
      changed: ["127.0.0.2"],
      retired: ["127.0.0.3"],
      unchanged: 1,
    });
    await t.clock.advance(5_500);
    await t.store.flush();

    const after = await targets(t);
    assert.ok(!touched.includes(ids.get("127.0.0.1")!), "the unchanged target was not restarted");
    const kept: Round[] = await t.store.rounds(ids.get("127.0.0.1")!, {});
    assert.deepEqual(kept.map((r) => r.seq), kept.map((_, i) => i), "one unbroken sequence");
    const start = kept[0].startedAt;
    assert.ok(kept.every((r) => (r.startedAt - start) % 1000 === 0), "on its original 1 s grid");
    assert.equal(kept.length, 11, "rounds at 0..10 s, before and after the reload");

    assert.equal(after.get("127.0.0.2").interval, 2);
    const removed = after.get("127.0.0.3");
    assert.deepEqual([removed.paused, removed.declared], [true, false]);
    const removedAfter = await t.store.rounds(removed.id, {});
    assert.deepEqual(
      removedAfter.map((r) => r.seq),
      removedBefore.map((r) => r.seq),
      "its history stays, no new rounds",
    );
    assert.ok((await t.store.rounds(after.get("127.0.0.4").id, {})).length >= 5);
    assert.equal(after.get("127.0.0.4").declared, true);
    assert.ok(EPOCH <= start);

    // Back in the file: the same target again (same id, history kept), probed again.
    await Deno.writeTextFile(path, SECOND + "  - host: 127.0.0.3\n    label: back\n");
    const back = await reloader.reload("file changed");
    assert.deepEqual(back.result?.changed, ["127.0.0.3"]);
    const returned = (await targets(t)).get("127.0.0.3");
    assert.deepEqual(
      [returned.id, returned.paused, returned.declared, returned.label],
      [removed.id, false, true, "back"],
    );
  } finally {
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config sync - a reload of a file with problems changes nothing and names them", async () => {
  const t = await app();
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "pingwatcher.yaml");
    await Deno.writeTextFile(path, FIRST);
    const reloader = new ConfigReloader({
      location: { path, named: true },
      service: t.app.service,
      prober: t.fake,
    });
    await reloader.reload("start");
    const before = await targets(t);
    await Deno.writeTextFile(path, "targets:\n  - host: 127.0.0.1\n    configuration: nope\n");
    const bad = await reloader.reload("SIGHUP");
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.problems, [
      `${path}:3:5 targets[0].configuration: no configuration named "nope" in the file or the ` +
      `database`,
    ]);
    await Deno.remove(path);
    const gone = await reloader.reload("file changed");
    assert.equal(gone.ok, false, "a deleted file is a problem, not an order to retire everything");
    const after = await targets(t);
    assert.deepEqual(
      [...after.values()].map((v) => [v.host, v.paused, v.declared]),
      [...before.values()].map((v) => [v.host, v.paused, v.declared]),
    );
  } finally {
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config sync - configurations follow the file, and a field left out is no longer own", async () => {
  const t = await app();
  try {
    await declare(
      t,
      `configurations:
  - name: slow
    options: { interval: 5, maxHops: 12 }
targets:
  - host: 127.0.0.1
    configuration: slow
    maxHops: 9
`,
    );
    let target = (await targets(t)).get("127.0.0.1");
    assert.deepEqual([target.configuration, target.interval, target.maxHops], ["slow", 5, 9]);
    const result = await declare(
      t,
      `configurations:
  - name: slow
    options: { interval: 3, maxHops: 12 }
targets:
  - host: 127.0.0.1
    configuration: slow
`,
    );
    assert.deepEqual(result.changed, ["127.0.0.1"]);
    target = (await targets(t)).get("127.0.0.1");
    assert.deepEqual([target.interval, target.maxHops], [3, 12], "the preset's values now");
    const configs = await t.call("GET", "/api/configurations");
    // deno-lint-ignore no-explicit-any
    const slow = configs.json.configurations.find((c: any) => c.name === "slow");
    assert.deepEqual(slow.options, { interval: 3, maxHops: 12 });
  } finally {
    await t.close();
  }
});

Deno.test("config sync - alert rules from the file are created, replaced when changed, else kept", async () => {
  const t = await setup();
  const dir = await Deno.makeTempDir();
  const alerts = await startAlerts({
    engine: t.app.service,
    store: t.store,
    dataDir: dir,
    clock: t.clock,
  });
  t.app.useAlerts(alerts);
  try {
    const rule = (threshold: number) =>
      `alertRules:\n  - name: loss\n    condition: { metric: lossPct, op: ">", threshold: ${threshold} }\n`;
    const first = await syncAlertRules(alerts, parseConfigText(rule(10), "pw.yaml").data);
    assert.deepEqual(first, { added: ["loss"], changed: [], unchanged: 0 });
    const listed = await t.call("GET", "/api/alerts/rules");
    assert.equal(listed.json.rules.length, 1);
    const id = listed.json.rules[0].id;
    assert.equal(listed.json.rules[0].trigger.consecutive, 3, "the API's defaults are filled in");
    const same = await syncAlertRules(alerts, parseConfigText(rule(10), "pw.yaml").data);
    assert.deepEqual(same, { added: [], changed: [], unchanged: 1 });
    const changed = await syncAlertRules(alerts, parseConfigText(rule(25), "pw.yaml").data);
    assert.deepEqual(changed.changed, ["loss"]);
    const after = await t.call("GET", `/api/alerts/rules/${id}`);
    assert.equal(after.json.rule.condition.threshold, 25, "replaced in place, same id");
    assert.throws(
      () =>
        parseConfigText(
          rule(1) + "  - name: loss\n    condition: { metric: unreachable }\n",
          "pw.yaml",
        ),
      (error: Error) =>
        error.message === 'pw.yaml:4:5 alertRules[1].name: duplicate of alertRules[0] ("loss")',
    );
  } finally {
    await alerts.stop();
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config sync - a declared target's agents: assigned elsewhere it is not probed here", async () => {
  const t = await app();
  try {
    await declare(
      t,
      "targets:\n  - host: 127.0.0.1\n    agents: [elsewhere]\n  - host: 127.0.0.2\n",
    );
    const all = await targets(t);
    assert.deepEqual(all.get("127.0.0.1").agents, ["elsewhere"]);
    assert.equal(all.get("127.0.0.1").status.probing, false, "assigned to another agent");
    assert.equal(all.get("127.0.0.2").agents, null);
    assert.equal(all.get("127.0.0.2").status.probing, true);
    // Assigned here too in the next version of the file; left out again: every agent.
    const more = await declare(
      t,
      "targets:\n  - host: 127.0.0.1\n    agents: [elsewhere, local]\n  - host: 127.0.0.2\n",
    );
    assert.deepEqual([more.changed, more.unchanged], [["127.0.0.1"], 1]);
    assert.equal((await targets(t)).get("127.0.0.1").status.probing, true);
    const none = await declare(t, "targets:\n  - host: 127.0.0.1\n  - host: 127.0.0.2\n");
    assert.deepEqual(none.changed, ["127.0.0.1"]);
    assert.equal((await targets(t)).get("127.0.0.1").agents, null);
  } finally {
    await t.close();
  }
});
