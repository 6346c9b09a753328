import assert from "node:assert/strict";
import { ACTIONS } from "../../alerts/mod.ts";
import { ROUTES } from "../../api/routes/mod.ts";
import type { ActionForm } from "../../api/wire.ts";
import { PROBER_NAMES } from "../../engine/probers/mod.ts";
import { VERSION } from "../../api/version.ts";
import { setup } from "./helpers.ts";

Deno.test("api meta - health, version and an OpenAPI document of every route", async () => {
  const t = await setup();
  try {
    assert.deepEqual((await t.call("GET", "/healthz")).json, { status: "ok" });
    const version = await t.call("GET", "/api/version");
    assert.deepEqual([version.json.name, version.json.version, version.json.prober], [
      "pingwatcher",
      VERSION,
      "fake",
    ]);
    assert.equal(typeof version.json.counters.roundsStarted, "number");
    const doc = (await t.call("GET", "/api/openapi.json")).json;
    assert.equal(doc.openapi, "3.1.0");
    for (const route of ROUTES) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${route.path} is documented`);
      assert.ok(op.summary);
    }
    const create = doc.paths["/api/targets"].post.requestBody.content["application/json"].schema;
    assert.deepEqual(create.required, ["host"]);
    assert.ok(create.properties.interval && create.properties.finalHopOnly);
    const hops = doc.paths["/api/targets/{id}/hops"].get.parameters.map((p: { name: string }) =>
      p.name
    );
    assert.deepEqual(hops, ["id", "focus", "start", "end", "agent"]);
  } finally {
    await t.close();
  }
});

Deno.test("api meta - CORS is off unless origins are configured", async () => {
  const closed = await setup();
  try {
    const preflight = await closed.call("OPTIONS", "/api/targets", {
      headers: { origin: "https://ui.example", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.status, 405);
    const get = await closed.call("GET", "/api/targets", {
      headers: { origin: "https://ui.example" },
    });
    assert.equal(get.headers.get("access-control-allow-origin"), null);
  } finally {
    await closed.close();
  }
  const open = await setup({ auth: { corsOrigins: ["https://ui.example"] } });
  try {
    const preflight = await open.call("OPTIONS", "/api/targets", {
      headers: { origin: "https://ui.example", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get("access-control-allow-headers")!, /authorization/);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "https://ui.example");
    const other = await open.call("GET", "/api/targets", {
      headers: { origin: "https://evil.example" },
    });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  } finally {
    await open.close();
  }
});

Deno.test("api meta - probers and alert action types come from the registries", async () => {
  const t = await setup();
  try {
    const probers = (await t.call("GET", "/api/probers")).json;
    assert.equal(probers.active, "fake");
    assert.deepEqual(probers.probers.map((p: { name: string }) => p.name), PROBER_NAMES);
    const ping = probers.probers.find((p: { name: string }) => p.name === "ping");
    assert.deepEqual([ping.capabilities.protocols, ping.capabilities.timing], [
      ["icmp"],
      "approximate",
    ]);
    const reply = await t.call("GET", "/api/alerts/action-types");
    assert.equal(reply.status, 200);
    const types: ActionForm[] = reply.json.actionTypes;
    assert.deepEqual(types.map((a) => a.type), Object.keys(ACTIONS));
    const email = types.find((a) => a.type === "email")!;
    assert.equal(email.label, "Email");
    assert.deepEqual(email.defaults, { timeoutMs: 30_000, retries: 2, retryBackoffMs: 1000 });
    assert.deepEqual(
      email.fields.map((f) => [f.name, f.kind, f.required ?? false]),
      [
        ["to", "text", true],
        ["cc", "text", false],
        ["subjectPrefix", "text", false],
        ["evidence", "checkbox", false],
        ["image", "select", false],
      ],
    );
    const command = types.find((a) => a.type === "command")!;
    assert.equal(command.defaults.retries, 0, "each action's own defaults, from its schema");
    const saveImage = types.find((a) => a.type === "saveImage")!;
    assert.deepEqual(saveImage.fields.map((f) => [f.name, f.kind]), [["format", "select"]]);
  } finally {
    await t.close();
  }
});
