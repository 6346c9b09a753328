import assert from "node:assert/strict";
import { DEST, EPOCH, setup } from "./helpers.ts";

Deno.test("api configurations - CRUD, apply, and changes reach the targets following them", async () => {
  const t = await setup();
  try {
    const created = await t.call("POST", "/api/configurations", {
      body: { name: "fast-udp", options: { interval: 0.5, protocol: "udp", port: 5000 } },
    });
    assert.equal(created.status, 201, created.text);
    const config = created.json.configuration;
    assert.deepEqual(config.options, { interval: 0.5, protocol: "udp", port: 5000 });
    const dup = await t.call("POST", "/api/configurations", { body: { name: "fast-udp" } });
    assert.deepEqual([dup.status, dup.json.error.code], [409, "name_taken"]);
    const incoherent = await t.call("POST", "/api/configurations", {
      body: { name: "bad", options: { protocol: "icmp", port: 1 } },
    });
    assert.equal(incoherent.status, 400);

    const target = await t.call("POST", "/api/targets", {
      body: { host: DEST, configuration: "fast-udp", maxHops: 9 },
    });
    assert.equal(target.status, 201, target.text);
    const view = target.json.target;
    assert.deepEqual(
      [view.configuration, view.interval, view.protocol, view.port, view.maxHops],
      ["fast-udp", 0.5, "udp", 5000, 9],
    );
    const plain = await t.call("POST", "/api/targets", { body: { host: "127.0.0.2" } });
    const applied = await t.call("POST", `/api/configurations/${config.id}/apply`, {
      body: { targets: [plain.json.target.id] },
    });
    assert.equal(applied.status, 200);
    assert.equal(applied.json.targets[0].protocol, "udp");

    const changed = await t.call("PATCH", `/api/configurations/${config.id}`, {
      body: { name: "slow-udp", options: { interval: 5, protocol: "udp" } },
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.targetsUpdated, 2);
    const after = await t.call("GET", `/api/targets/${view.id}`);
    assert.deepEqual([after.json.target.interval, after.json.target.configuration], [
      5,
      "slow-udp",
    ]);

    const list = await t.call("GET", "/api/configurations");
    assert.deepEqual(list.json.configurations.map((c: { name: string }) => c.name), ["slow-udp"]);
    assert.equal((await t.call("DELETE", `/api/configurations/${config.id}`)).status, 204);
    assert.equal((await t.call("GET", `/api/configurations/${config.id}`)).status, 404);
    const unlinked = await t.call("GET", `/api/targets/${view.id}`);
    assert.deepEqual([unlinked.json.target.configuration, unlinked.json.target.interval], [
      null,
      5,
    ]);
    const missing = await t.call("POST", "/api/configurations/99/apply", {
      body: { targets: [1] },
    });
    assert.equal(missing.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("api sessions - create, list, get, rename, delete", async () => {
  const t = await setup();
  try {
    const { json } = await t.call("POST", "/api/targets", { body: { host: DEST } });
    const id = json.target.id;
    const created = await t.call("POST", `/api/targets/${id}/sessions`, {
      body: { name: "outage", start: EPOCH, end: EPOCH + 60_000 },
    });
    assert.equal(created.status, 201);
    const session = created.json.session;
    assert.deepEqual([session.targetId, session.name], [id, "outage"]);
    const backwards = await t.call("POST", `/api/targets/${id}/sessions`, {
      body: { name: "x", start: 10, end: 5 },
    });
    assert.equal(backwards.status, 400);
    const renamed = await t.call("PATCH", `/api/sessions/${session.id}`, {
      body: { name: "the outage" },
    });
    assert.equal(renamed.json.session.name, "the outage");
    assert.equal(
      (await t.call("PATCH", `/api/sessions/${session.id}`, { body: { end: 0 } })).status,
      400,
    );
    const list = await t.call("GET", `/api/targets/${id}/sessions`);
    assert.deepEqual(list.json.sessions.map((s: { id: number }) => s.id), [session.id]);
    assert.equal(
      (await t.call("GET", `/api/sessions/${session.id}`)).json.session.end,
      EPOCH + 60_000,
    );
    assert.equal((await t.call("DELETE", `/api/sessions/${session.id}`)).status, 204);
    assert.equal((await t.call("GET", `/api/sessions/${session.id}`)).status, 404);
    assert.equal((await t.call("GET", "/api/targets/77/sessions")).status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("api exports - CSV and JSON of a session; JSON re-imported as a read-only replay", async () => {
  const t = await setup();
  try {
    const { json } = await t.call("POST", "/api/targets", {
      body: { host: DEST, interval: 1, timeout: 0.5, label: "lo" },
    });
    const id = json.target.id;
    await t.clock.advance(10_500);
    const s = await t.call("POST", `/api/targets/${id}/sessions`, {
      body: { name: "first five", start: EPOCH, end: EPOCH + 5000 },
    });
    const csv = await t.call("GET", `/api/sessions/${s.json.session.id}/export?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-type")!, /text\/csv/);
    assert.match(csv.headers.get("content-disposition")!, /first_five\.csv/);
    const lines = csv.text.trim().split("\n");
    assert.equal(lines[0].split(",")[0], "target_id");
    assert.equal(lines.length, 1 + 5 * 3, "5 rounds of 3 hops");
    assert.deepEqual(lines[1].split(",").slice(5, 9), ["1", "ttlExceeded", "10.0.0.1", "1"]);

    const exported = await t.call("GET", `/api/targets/${id}/export?format=json`);
    assert.equal(exported.json.format, "pingwatcher-export");
    assert.equal(exported.json.rounds.length, 11);
    const imported = await t.call("POST", "/api/import", { body: exported.json });
    assert.equal(imported.status, 201, imported.text);
    const replay = imported.json.target;
    assert.deepEqual([replay.replay, replay.paused, replay.host, replay.label], [
      true,
      true,
      DEST,
      "lo",
    ]);
    const logs = await t.call("GET", `/api/targets/${replay.id}/logs?limit=100`);
    assert.deepEqual(logs.json.rounds, exported.json.rounds, "the same rounds come back");
    assert.equal((await t.call("POST", `/api/targets/${replay.id}/resume`)).status, 409);
    assert.equal(
      (await t.call("PATCH", `/api/targets/${replay.id}`, { body: { label: "x" } })).status,
      409,
    );
    assert.equal(
      (await t.call("POST", `/api/targets/${replay.id}/traceroute`, { body: {} })).status,
      409,
    );
    assert.deepEqual(t.app.service.engine.targetIds(), [id], "the replay is never probed");

    // Schedules are sub-millisecond: fractional times survive an export/import round trip.
    type Exported = { startedAt: number };
    const fractional = {
      ...exported.json,
      rounds: exported.json.rounds.map((r: Exported) => ({ ...r, startedAt: r.startedAt + 0.375 })),
    };
    const again = await t.call("POST", "/api/import", { body: fractional });
    assert.equal(again.status, 201, again.text);
    const back = await t.call("GET", `/api/targets/${again.json.target.id}/logs?limit=100`);
    assert.deepEqual(
      back.json.rounds.map((r: Exported) => r.startedAt),
      fractional.rounds.map((r: Exported) => r.startedAt),
    );

    const broken = { ...exported.json, rounds: [{ seq: "x" }] };
    assert.equal((await t.call("POST", "/api/import", { body: broken })).status, 400);
    assert.equal((await t.store.listTargets()).length, 3, "a failed import leaves nothing");
  } finally {
    await t.close();
  }
});

Deno.test("api exports - a large range is streamed page by page", async () => {
  const t = await setup();
  try {
    const { json } = await t.call("POST", "/api/targets", { body: { host: DEST } });
    await t.call("POST", `/api/targets/${json.target.id}/pause`);
    const total = 20_000;
    for (let seq = 0; seq < total; seq++) {
      t.store.appendRound({
        targetId: json.target.id,
        seq,
        startedAt: EPOCH + seq * 1000,
        address: DEST,
        destinationReached: true,
        hops: [{ ttl: 1, kind: "reply", ip: DEST, rttUs: 100 + (seq % 7), approximate: false }],
      });
    }
    await t.store.flush();
    let pagesRead = 0;
    const roundPage = t.store.roundPage.bind(t.store);
    t.store.roundPage = (...args) => {
      pagesRead++;
      return roundPage(...args);
    };
    const response = await t.app.handler(
      new Request(`http://127.0.0.1:8000/api/targets/${json.target.id}/export?format=csv`),
    );
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader.read()).value!;
    text += (await reader.read()).value!;
    assert.ok(pagesRead <= 2, `the first bytes left after ${pagesRead} pages, not all 10`);
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
    }
    assert.equal(text.trim().split("\n").length, 1 + total);
    assert.equal(pagesRead, 11, "10 full pages and an empty one");
  } finally {
    await t.close();
  }
});
