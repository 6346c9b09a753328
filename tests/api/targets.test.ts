import assert from "node:assert/strict";
import { DEST, setup } from "./helpers.ts";

Deno.test("api targets - create, list, get, update, pause, resume, delete", async () => {
  const t = await setup();
  try {
    const created = await t.call("POST", "/api/targets", {
      body: { host: DEST, label: "lo", interval: 1, timeout: 0.5 },
    });
    assert.equal(created.status, 201);
    const target = created.json.target;
    assert.equal(created.headers.get("location"), `/api/targets/${target.id}`);
    assert.deepEqual(
      [target.host, target.label, target.interval, target.timeout, target.protocol, target.port],
      [DEST, "lo", 1, 0.5, "icmp", null],
    );
    assert.equal(target.status.probing, true);

    const list = await t.call("GET", "/api/targets");
    assert.deepEqual(list.json.targets.map((x: { id: number }) => x.id), [target.id]);
    const got = await t.call("GET", `/api/targets/${target.id}`);
    assert.equal(got.json.target.label, "lo");

    const patched = await t.call("PATCH", `/api/targets/${target.id}`, {
      body: { label: "loopback", maxHops: 5, packetSize: 100 },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.json.target.label, patched.json.target.maxHops], ["loopback", 5]);
    assert.equal(patched.json.target.interval, 1, "fields not sent keep their values");

    const paused = await t.call("POST", `/api/targets/${target.id}/pause`);
    assert.deepEqual([paused.json.target.paused, paused.json.target.status.probing], [true, false]);
    assert.deepEqual(t.app.service.engine.targetIds(), []);
    const resumed = await t.call("POST", `/api/targets/${target.id}/resume`);
    assert.deepEqual([resumed.json.target.paused, resumed.json.target.status.probing], [
      false,
      true,
    ]);

    await t.clock.advance(3000);
    assert.ok((await t.store.rounds(target.id, {})).length > 0, "rounds were stored");
    const deleted = await t.call("DELETE", `/api/targets/${target.id}`);
    assert.equal(deleted.status, 204);
    assert.equal((await t.call("GET", `/api/targets/${target.id}`)).status, 404);
    assert.deepEqual(await t.store.rounds(target.id, {}), [], "data removed");
    assert.deepEqual(t.app.service.engine.targetIds(), [], "probing stopped");
  } finally {
    await t.close();
  }
});

Deno.test("api targets - an update changes the running schedule at once", async () => {
  const t = await setup();
  try {
    const { json } = await t.call("POST", "/api/targets", { body: { host: DEST, interval: 10 } });
    const id = json.target.id;
    await t.clock.advance(15_000);
    const before = t.fake.sent(DEST, 1);
    assert.equal(before, 2, "rounds at 0 and 10 s");
    await t.call("PATCH", `/api/targets/${id}`, { body: { interval: 1 } });
    await t.clock.advance(5_000);
    assert.ok(t.fake.sent(DEST, 1) - before >= 5, "one round per second right after the update");
    assert.equal((await t.store.getTarget(id))!.options.intervalMs, 1000, "stored too");
  } finally {
    await t.close();
  }
});

Deno.test("api targets - invalid input is a 400 naming the field", async () => {
  const t = await setup();
  try {
    const cases: [unknown, string][] = [
      [{}, "host"],
      [{ host: "-f" }, "host"],
      [{ host: "a;b" }, "host"],
      [{ host: "$(id)" }, "host"],
      [{ host: DEST, interval: 0 }, "interval"],
      [{ host: DEST, interval: "2" }, "interval"],
      [{ host: DEST, maxHops: 65 }, "maxHops"],
      [{ host: DEST, protocol: "sctp" }, "protocol"],
      [{ host: DEST, port: 80 }, "port"],
      [{ host: DEST, protocol: "tcp", flow: 2 }, "flow"],
      [{ host: DEST, protocol: "udp", flow: 10_000 }, "flow"],
      [{ host: DEST, bogus: 1 }, "body"],
      [{ host: DEST, configuration: "nope" }, "configuration"],
      [[1, 2], "body"],
      [null, "body"],
    ];
    for (const [body, field] of cases) {
      const reply = await t.call("POST", "/api/targets", { body });
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.ok(reply.json.error.code && reply.json.error.message, "error shape");
      assert.ok(reply.json.error.message.includes(field), `${JSON.stringify(body)}: ${reply.text}`);
    }
    const notJson = await t.call("POST", "/api/targets", {
      raw: "{nope",
      headers: { "content-type": "application/json" },
    });
    assert.deepEqual([notJson.status, notJson.json.error.code], [400, "invalid_json"]);
    assert.equal((await t.store.listTargets()).length, 0, "nothing was created");
  } finally {
    await t.close();
  }
});

Deno.test("api targets - 404, 405, 413 and 415 in the one error shape", async () => {
  const t = await setup({ bodyLimitBytes: 1000 });
  try {
    const missing = await t.call("GET", "/api/targets/99");
    assert.deepEqual([missing.status, missing.json.error.code], [404, "not_found"]);
    const badId = await t.call("GET", "/api/targets/abc");
    assert.deepEqual([badId.status, badId.json.error.code], [400, "invalid_path"]);
    const noRoute = await t.call("GET", "/api/nothing");
    assert.equal(noRoute.status, 404);
    const wrong = await t.call("PUT", "/api/targets");
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "GET, POST");
    const big = await t.call("POST", "/api/targets", {
      body: { host: DEST, label: "x".repeat(2000) },
    });
    assert.deepEqual([big.status, big.json.error.code], [413, "body_too_large"]);
    const form = await t.call("POST", "/api/targets", {
      raw: "host=127.0.0.1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.deepEqual([form.status, form.json.error.code], [415, "unsupported_media_type"]);
  } finally {
    await t.close();
  }
});

Deno.test("api targets - the prober's limits are a 400, not a silent failure", async () => {
  // Like busybox ping: only final-hop traces are possible.
  const t = await setup({ intermediateHops: false });
  try {
    const reply = await t.call("POST", "/api/targets", { body: { host: DEST } });
    assert.deepEqual([reply.status, reply.json.error.code], [400, "unsupported_by_prober"]);
    const ok = await t.call("POST", "/api/targets", { body: { host: DEST, finalHopOnly: true } });
    assert.equal(ok.status, 201);
  } finally {
    await t.close();
  }
});

Deno.test("api targets - a changed configuration keeps each target's own fields and drops removed keys", async () => {
  const t = await setup();
  try {
    const created = await t.call("POST", "/api/configurations", {
      body: { name: "slow", options: { interval: 7, timeout: 5, maxHops: 12 } },
    });
    assert.equal(created.status, 201, created.text);
    const config = created.json.configuration;
    const own = await t.call("POST", "/api/targets", {
      body: { host: DEST, configuration: "slow", interval: 1 },
    });
    const follower = await t.call("POST", "/api/targets", {
      body: { host: "127.0.0.2", configuration: "slow" },
    });
    assert.deepEqual(
      [own.json.target.interval, own.json.target.timeout, follower.json.target.interval],
      [1, 5, 7],
    );

    const changed = await t.call("PATCH", `/api/configurations/${config.id}`, {
      body: { options: { interval: 9, maxHops: 12 } },
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.targetsUpdated, 2);
    const ownAfter = (await t.call("GET", `/api/targets/${own.json.target.id}`)).json.target;
    const followerAfter =
      (await t.call("GET", `/api/targets/${follower.json.target.id}`)).json.target;
    // The target's explicit interval wins over the configuration's new one.
    assert.deepEqual([ownAfter.interval, ownAfter.maxHops], [1, 12]);
    assert.deepEqual([followerAfter.interval, followerAfter.maxHops], [9, 12]);
    // The removed timeout falls back to the default (3 s) on both.
    assert.deepEqual([ownAfter.timeout, followerAfter.timeout], [3, 3]);
  } finally {
    await t.close();
  }
});

Deno.test("api targets - an own interval equal to the configuration's survives its change", async () => {
  const t = await setup();
  try {
    const created = await t.call("POST", "/api/configurations", {
      body: { name: "seven", options: { interval: 7, maxHops: 12 } },
    });
    const config = created.json.configuration;
    const own = await t.call("POST", "/api/targets", {
      body: { host: DEST, configuration: "seven", interval: 7 },
    });
    const follower = await t.call("POST", "/api/targets", {
      body: { host: "127.0.0.2", configuration: "seven" },
    });
    assert.deepEqual([own.json.target.interval, follower.json.target.interval], [7, 7]);

    const changed = await t.call("PATCH", `/api/configurations/${config.id}`, {
      body: { options: { interval: 5 } },
    });
    assert.equal(changed.status, 200, changed.text);
    const ownAfter = (await t.call("GET", `/api/targets/${own.json.target.id}`)).json.target;
    const followerAfter =
      (await t.call("GET", `/api/targets/${follower.json.target.id}`)).json.target;
    assert.equal(ownAfter.interval, 7, "set on the target itself, so it stays");
    assert.equal(followerAfter.interval, 5);
    assert.deepEqual([ownAfter.maxHops, followerAfter.maxHops], [30, 30], "removed: default");
  } finally {
    await t.close();
  }
});

Deno.test("api targets - applying or changing a configuration keeps an own 1 s interval (not 7 s)", async () => {
  const t = await setup();
  try {
    const created = await t.call("POST", "/api/configurations", {
      body: { name: "slow", options: { interval: 5, timeout: 2 } },
    });
    const config = created.json.configuration;
    const target = await t.call("POST", "/api/targets", { body: { host: DEST, interval: 1 } });
    const id = target.json.target.id;
    const applied = await t.call("POST", `/api/configurations/${config.id}/apply`, {
      body: { targets: [id] },
    });
    assert.deepEqual([applied.json.targets[0].interval, applied.json.targets[0].timeout], [1, 2]);

    await t.call("PATCH", `/api/configurations/${config.id}`, {
      body: { options: { interval: 7, timeout: 2 } },
    });
    assert.equal((await t.call("GET", `/api/targets/${id}`)).json.target.interval, 1);

    // Switching to another configuration keeps it too; the old one's timeout does not linger.
    await t.call("POST", "/api/configurations", {
      body: { name: "hops", options: { maxHops: 9 } },
    });
    const switched = await t.call("PATCH", `/api/targets/${id}`, {
      body: { configuration: "hops" },
    });
    const view = switched.json.target;
    assert.deepEqual([view.interval, view.timeout, view.maxHops], [1, 3, 9]);
  } finally {
    await t.close();
  }
});

Deno.test("api targets - a cleared port follows the configuration again", async () => {
  const t = await setup();
  try {
    const created = await t.call("POST", "/api/configurations", {
      body: { name: "udp", options: { protocol: "udp", port: 5000 } },
    });
    const config = created.json.configuration;
    const target = await t.call("POST", "/api/targets", {
      body: { host: DEST, configuration: "udp", port: 6000 },
    });
    const id = target.json.target.id;
    assert.equal(target.json.target.port, 6000);
    const cleared = await t.call("PATCH", `/api/targets/${id}`, { body: { port: null } });
    assert.equal(cleared.json.target.port, 5000);
    await t.call("PATCH", `/api/configurations/${config.id}`, {
      body: { options: { protocol: "udp", port: 5001 } },
    });
    assert.equal((await t.call("GET", `/api/targets/${id}`)).json.target.port, 5001);
    const icmp = await t.call("POST", "/api/targets", {
      body: { host: "127.0.0.2", protocol: "icmp", port: 1 },
    });
    assert.deepEqual([icmp.status, icmp.json.error.details?.[0]?.field], [400, "port"]);
  } finally {
    await t.close();
  }
});

Deno.test("api targets - groups are set on create and patch and filter the list", async () => {
  const t = await setup();
  try {
    const edge = await t.call("POST", "/api/targets", {
      body: { host: DEST, groups: ["edge", "lab"], interval: 1 },
    });
    assert.equal(edge.status, 201);
    assert.deepEqual(edge.json.target.groups, ["edge", "lab"]);
    const other = await t.call("POST", "/api/targets", { body: { host: "127.0.0.2" } });
    assert.deepEqual(other.json.target.groups, []);

    const ids = async (query: string) =>
      (await t.call("GET", `/api/targets${query}`)).json.targets.map((x: { id: number }) => x.id);
    assert.deepEqual(await ids("?group=edge"), [edge.json.target.id]);
    assert.deepEqual(await ids("?group=none"), []);
    assert.equal((await ids("")).length, 2);

    const patched = await t.call("PATCH", `/api/targets/${other.json.target.id}`, {
      body: { groups: ["edge"] },
    });
    assert.deepEqual(patched.json.target.groups, ["edge"]);
    assert.deepEqual((await ids("?group=edge")).sort(), [
      edge.json.target.id,
      other.json.target.id,
    ]);
    const relabel = await t.call("PATCH", `/api/targets/${other.json.target.id}`, {
      body: { label: "two" },
    });
    assert.deepEqual(relabel.json.target.groups, ["edge"], "groups not sent are kept");
    const bad = await t.call("POST", "/api/targets", { body: { host: DEST, groups: [""] } });
    assert.equal(bad.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("api targets - udp flows: default 1, set and changed per target, null for icmp", async () => {
  const t = await setup();
  try {
    const created = await t.call("POST", "/api/targets", {
      body: { host: DEST, protocol: "udp", interval: 1, timeout: 0.5 },
    });
    assert.equal(created.status, 201);
    const target = created.json.target;
    assert.equal(target.flow, 1);
    const patched = await t.call("PATCH", `/api/targets/${target.id}`, { body: { flow: 7 } });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.target.flow, 7);
    assert.equal((await t.store.getTarget(target.id))?.options.flowId, 7);
    const icmp = await t.call("POST", "/api/targets", { body: { host: DEST } });
    assert.equal(icmp.json.target.flow, null);
  } finally {
    await t.close();
  }
});
