// The alert routes through the real API handler (no socket): rule CRUD with validation in the
// server's error shape, history filters, active alerts, test-firing, timeline comments.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startAlerts } from "../../alerts/mod.ts";
import { type FakeHop, straightRoute } from "../../engine/probers/fake.ts";
import { DEST, setup } from "../api/helpers.ts";
import { captureLog, tempDir } from "./helpers.ts";

const HEALTHY = straightRoute(["10.0.0.1", "10.0.0.2", DEST]);
const LOSSY: FakeHop[] = [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { ip: DEST, lossPct: 100 }];

async function withAlerts() {
  captureLog();
  const t = await setup();
  const dataDir = tempDir();
  const alerts = await startAlerts({
    engine: t.app.service,
    store: t.store,
    clock: t.clock,
    dataDir,
  });
  t.app.useAlerts(alerts);
  const created = await t.call("POST", "/api/targets", {
    body: { host: DEST, interval: 1, timeout: 0.5 },
  });
  const targetId: number = created.json.target.id;
  return { ...t, alerts, dataDir, targetId };
}

Deno.test("api alerts - create, list, get, patch, replace and delete rules", async () => {
  const t = await withAlerts();
  try {
    const created = await t.call("POST", "/api/alerts/rules", {
      body: { name: "loss", condition: { metric: "lossPct", op: ">", threshold: 10 } },
    });
    assert.equal(created.status, 201);
    const rule = created.json.rule;
    assert.equal(created.headers.get("location"), `/api/alerts/rules/${rule.id}`);
    assert.deepEqual(
      [rule.enabled, rule.scope, rule.hop, rule.trigger, rule.recoverAfterSamples],
      [true, "all", "final", { consecutive: 3 }, 3],
      "defaults filled in",
    );
    const list = await t.call("GET", "/api/alerts/rules");
    assert.deepEqual(list.json.rules.map((r: { id: number }) => r.id), [rule.id]);
    const patched = await t.call("PATCH", `/api/alerts/rules/${rule.id}`, {
      body: { enabled: false },
    });
    assert.deepEqual([patched.status, patched.json.rule.enabled], [200, false]);
    const replaced = await t.call("PUT", `/api/alerts/rules/${rule.id}`, {
      body: { name: "jitter", condition: { metric: "jitterMs", op: ">=", threshold: 5 } },
    });
    assert.deepEqual([replaced.json.rule.name, replaced.json.rule.enabled], ["jitter", true]);
    const got = await t.call("GET", `/api/alerts/rules/${rule.id}`);
    assert.equal(got.json.rule.condition.metric, "jitterMs");
    assert.equal((await t.call("DELETE", `/api/alerts/rules/${rule.id}`)).status, 204);
    const gone = await t.call("GET", `/api/alerts/rules/${rule.id}`);
    assert.deepEqual([gone.status, gone.json.error.code], [404, "not_found"]);
  } finally {
    await t.alerts.stop();
    await t.close();
  }
});

Deno.test("api alerts - invalid rules are refused naming the field", async () => {
  const t = await withAlerts();
  try {
    const cases: [unknown, string][] = [
      [{ name: "x", condition: { metric: "lossPct" } }, "condition"],
      [{ name: "x", condition: { metric: "lossPct", op: "!=", threshold: 1 } }, "condition.op"],
      [
        { name: "x", condition: { metric: "unreachable" }, trigger: { xOf: 5, last: 3 } },
        "trigger",
      ],
      [{
        name: "x",
        condition: { metric: "unreachable" },
        actions: [{ type: "command", argv: [] }],
      }, "actions.0.argv"],
      [{
        name: "x",
        condition: { metric: "unreachable" },
        actions: [{ type: "webhook", url: "file:///etc/passwd" }],
      }, "actions.0.url"],
    ];
    for (const [body, field] of cases) {
      const reply = await t.call("POST", "/api/alerts/rules", { body });
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.json.error.code, "invalid_body");
      assert.equal(reply.json.error.details[0].field, field, JSON.stringify(reply.json));
    }
    assert.deepEqual((await t.call("GET", "/api/alerts/rules")).json.rules, []);
  } finally {
    await t.alerts.stop();
    await t.close();
  }
});

Deno.test("api alerts - history, active alerts, comments and test-firing", async () => {
  const t = await withAlerts();
  try {
    const rule = (await t.call("POST", "/api/alerts/rules", {
      body: {
        name: "down",
        condition: { metric: "lossPct", op: ">=", threshold: 50 },
        focusSamples: 3,
        trigger: { consecutive: 2 },
        actions: [{ type: "comment" }, { type: "logFile", on: ["test"] }],
      },
    })).json.rule;
    await t.clock.advance(5000);
    t.fake.setRoute(DEST, LOSSY);
    await t.clock.advance(10_000);
    await t.alerts.idle();
    const active = await t.call("GET", "/api/alerts/active");
    assert.deepEqual(active.json.active.map((a: { ruleId: number }) => a.ruleId), [rule.id]);
    t.fake.setRoute(DEST, HEALTHY);
    await t.clock.advance(10_000);
    await t.alerts.idle();
    assert.deepEqual((await t.call("GET", "/api/alerts/active")).json.active, []);

    const all = await t.call("GET", `/api/alerts/events?targetId=${t.targetId}`);
    assert.deepEqual(all.json.events.map((e: { kind: string }) => e.kind), ["recovered", "firing"]);
    const firing = await t.call("GET", `/api/alerts/events?kind=firing&ruleId=${rule.id}`);
    assert.equal(firing.json.events.length, 1);
    assert.deepEqual(firing.json.events[0].actions.map((a: { type: string }) => a.type), [
      "comment",
    ], "the log action only runs on tests");
    const bad = await t.call("GET", "/api/alerts/events?kind=exploded");
    assert.deepEqual([bad.status, bad.json.error.code], [400, "invalid_query"]);

    const comments = await t.call("GET", `/api/targets/${t.targetId}/comments`);
    assert.equal(comments.json.comments.length, 2);

    const tested = await t.call("POST", `/api/alerts/rules/${rule.id}/test`, {
      body: { targetId: t.targetId, actionIndex: 1 },
    });
    assert.equal(tested.status, 200);
    assert.deepEqual(tested.json.runs.map((r: { type: string; ok: boolean }) => [r.type, r.ok]), [
      ["logFile", true],
    ]);
    const logged = Deno.readTextFileSync(join(t.dataDir, "alerts", "alerts.jsonl"));
    assert.equal(JSON.parse(logged).kind, "test");
    const loose = await t.call("POST", "/api/alerts/test-action", {
      body: { targetId: t.targetId, action: { type: "command", argv: ["/bin/false"] } },
    });
    assert.equal(loose.json.runs[0].ok, false, "not on the allowlist");
    const noTarget = await t.call("POST", `/api/alerts/rules/${rule.id}/test`, {
      body: { targetId: 999 },
    });
    assert.equal(noTarget.status, 404);
  } finally {
    await t.alerts.stop();
    await t.close();
  }
});

Deno.test("api alerts - the routes and the rule schema are in /api/openapi.json", async () => {
  const t = await withAlerts();
  try {
    const doc = await t.call("GET", "/api/openapi.json");
    assert.equal(doc.status, 200);
    const post = doc.json.paths["/api/alerts/rules"].post;
    const schema = JSON.stringify(post);
    for (const word of ["lossPct", "addressInRoute", "xOf", "webhook", "commandAllowlist"]) {
      if (word === "commandAllowlist") assert.ok(!schema.includes(word), "config is not API");
      else assert.ok(schema.includes(word), word);
    }
  } finally {
    await t.alerts.stop();
    await t.close();
  }
});
