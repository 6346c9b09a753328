import assert from "node:assert/strict";
import { driveUntil } from "../engine/helpers.ts";
import { DEST, EPOCH, setup } from "./helpers.ts";
import { summaryRows } from "../../api/routes/mod.ts";

const OTHER = "127.0.0.2";
const JITTERY = "127.0.0.4";

async function withTarget(body: Record<string, unknown> = {}) {
  const t = await setup({
    network: {
      [DEST]: [{ ip: "10.0.0.1", rttMs: 1 }, { ip: "10.0.0.2", rttMs: 2 }, { rttMs: 3 }],
      [OTHER]: [{ ip: "10.0.0.1", rttMs: 1 }, { rttMs: 30, lossPct: 50 }],
      // Alternating 10 / 20 ms at the destination: a jitter of exactly 10 ms.
      [JITTERY]: [{ ip: "10.0.0.1", rttMs: 1 }, { rttMs: (p) => p.index % 2 ? 20 : 10 }],
    },
  });
  const { json } = await t.call("POST", "/api/targets", {
    body: { host: DEST, interval: 1, timeout: 0.5, ...body },
  });
  return { ...t, id: json.target.id as number };
}

Deno.test("api data - hop statistics over the focus window or a range", async () => {
  const t = await withTarget();
  try {
    await t.clock.advance(20_500);
    const hops = await t.call("GET", `/api/targets/${t.id}/hops?focus=5`);
    assert.equal(hops.status, 200);
    const rows = hops.json.hops;
    assert.deepEqual(rows.map((h: { hop: number }) => h.hop), [1, 2, 3]);
    assert.deepEqual(rows.map((h: { ip: string }) => h.ip), ["10.0.0.1", "10.0.0.2", DEST]);
    assert.deepEqual(rows.map((h: { sent: number }) => h.sent), [5, 5, 5]);
    assert.deepEqual(rows.map((h: { avgMs: number }) => h.avgMs), [1, 2, 3]);
    assert.equal(rows[2].lossPct, 0);
    const range = await t.call(
      "GET",
      `/api/targets/${t.id}/hops?start=${EPOCH}&end=${EPOCH + 3000}`,
    );
    assert.deepEqual(range.json.hops.map((h: { sent: number }) => h.sent), [3, 3, 3]);
    const both = await t.call("GET", `/api/targets/${t.id}/hops?focus=5&start=${EPOCH}`);
    assert.equal(both.status, 400);
    const backwards = await t.call("GET", `/api/targets/${t.id}/hops?start=5&end=1`);
    assert.equal(backwards.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("api data - timeline buckets, raw samples, route changes, insights", async () => {
  const t = await withTarget();
  try {
    await t.clock.advance(10_500);
    t.fake.setRoute(DEST, [{ ip: "10.0.0.1", rttMs: 1 }, { ip: "10.0.0.9", rttMs: 2 }, {
      rttMs: 3,
    }]);
    await t.clock.advance(10_000);
    const range = `start=${EPOCH}&end=${EPOCH + 20_000}`;
    const timeline = await t.call(
      "GET",
      `/api/targets/${t.id}/timeline?hop=last&maxPoints=4&${range}`,
    );
    assert.equal(timeline.status, 200);
    assert.equal(timeline.json.series.length, 1);
    const points = timeline.json.series[0].points;
    assert.ok(points.length <= 4 && points.length > 0);
    assert.equal(points.reduce((n: number, p: { sent: number }) => n + p.sent, 0), 20);
    assert.equal(points[0].avgMs, 3, "µs turned into ms");
    const all = await t.call("GET", `/api/targets/${t.id}/timeline?hop=all&${range}`);
    assert.equal(all.json.series.length, 3);
    assert.equal((await t.call("GET", `/api/targets/${t.id}/timeline?hop=first`)).status, 400);

    const logs = await t.call("GET", `/api/targets/${t.id}/logs?limit=3`);
    assert.equal(logs.json.rounds.length, 3);
    const last = logs.json.rounds[2];
    assert.deepEqual(last.hops.map((h: { rttMs: number }) => h.rttMs), [1, 2, 3]);
    assert.ok(logs.json.rounds[0].seq < last.seq, "oldest first");

    const changes = await t.call("GET", `/api/targets/${t.id}/route_changes`);
    assert.equal(changes.json.routeChanges.length, 1);
    assert.deepEqual(changes.json.routeChanges[0].after[1], ["10.0.0.9"]);

    const insights = await t.call("GET", `/api/targets/${t.id}/insights?${range}`);
    assert.equal(insights.status, 200);
    assert.equal(insights.json.routeChanges, 1);
    assert.equal(insights.json.lossPct, 0);
    assert.ok(insights.json.findings.some((f: { kind: string }) => f.kind === "routeChanges"));
  } finally {
    await t.close();
  }
});

Deno.test("api data - the summary covers every target and sorts with nulls last", async () => {
  const t = await withTarget();
  try {
    await t.call("POST", "/api/targets", { body: { host: OTHER, interval: 1, timeout: 0.5 } });
    await t.call("POST", "/api/targets", { body: { host: JITTERY, interval: 1, timeout: 0.5 } });
    const idle = await t.call("POST", "/api/targets", {
      body: { host: "127.0.0.3", label: "idle" },
    });
    await t.call("POST", `/api/targets/${idle.json.target.id}/pause`);
    await t.clock.advance(20_500);
    const byLoss = await t.call("GET", "/api/summary?sort=lossPct&order=desc&focus=20");
    assert.equal(byLoss.status, 200);
    const hosts = byLoss.json.targets.map((r: { host: string }) => r.host);
    assert.deepEqual(hosts, [OTHER, DEST, JITTERY, "127.0.0.3"], "lossy first, no data last");
    assert.ok(byLoss.json.targets[0].lossPct > 0);
    assert.equal(byLoss.json.targets[3].lossPct, null);
    const byJitter = await t.call("GET", "/api/summary?sort=jitterMs&order=desc");
    assert.equal(byJitter.status, 200);
    const jitters = byJitter.json.targets.map((r: { host: string; jitterMs: number | null }) => [
      r.host,
      r.jitterMs,
    ]);
    assert.deepEqual(jitters[0], [JITTERY, 10], "final hop's jitter over the focus, in ms");
    assert.deepEqual(jitters.find(([host]: [string]) => host === DEST), [DEST, 0]);
    assert.deepEqual(jitters.at(-1), ["127.0.0.3", null], "no data last");
    const byAvg = await t.call("GET", "/api/summary?sort=avgMs");
    assert.deepEqual(byAvg.json.targets.map((r: { host: string }) => r.host)[0], DEST);
    assert.equal((await t.call("GET", "/api/summary?sort=nope")).status, 400);
    // The body written byte by byte says what the rows the WebSocket sends say, as JSON.
    const byId = await t.call("GET", "/api/summary");
    const rows = await summaryRows(t.app.service.summaryTargets(), {
      history: t.store,
      focus: 10,
      outages: t.store,
      now: t.clock.now(),
    });
    assert.deepEqual(byId.json, { focus: 10, targets: JSON.parse(JSON.stringify(rows)) });
    assert.equal(byId.json.targets[0].sparkline.avgMs.at(-1), 3, "the last minute's 3 ms");
  } finally {
    await t.close();
  }
});

Deno.test("api data - an on-demand traceroute of a host or a target stores nothing", async () => {
  const t = await withTarget();
  try {
    const trace = t.call("POST", "/api/traceroute", {
      body: { host: OTHER, rounds: 4, timeout: 0.5 },
    });
    const reply = await driveUntil(t.clock, trace);
    assert.equal(reply.status, 200, reply.text);
    const result = reply.json.traceroute;
    assert.deepEqual([result.address, result.rounds, result.prober], [OTHER, 4, "fake"]);
    assert.deepEqual(result.hops.map((h: { ip: string | null }) => h.ip)[0], "10.0.0.1");
    assert.equal((await t.store.listTargets()).length, 1, "no target was added");
    const own = await driveUntil(
      t.clock,
      t.call("POST", `/api/targets/${t.id}/traceroute`, { body: {} }),
    );
    assert.equal(own.json.traceroute.hops.length, 3);
    const bad = await t.call("POST", "/api/traceroute", { body: { host: "--help" } });
    assert.equal(bad.status, 400);
  } finally {
    await t.close();
  }
});
