import assert from "node:assert/strict";
import { ROUTES } from "../../api/routes/mod.ts";
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
    assert.deepEqual(hops, ["id", "focus", "start", "end"]);
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
