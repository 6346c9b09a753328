// Outages on the FakeProber with a manual clock: one starts after N unanswered rounds in a row
// (3 by default, per target through the API) at the first of them, ends at the first answered
// round, survives a restart while open, and shows in /api/events, the summary and insights.
import assert from "node:assert/strict";
import { createApp } from "../../api/app.ts";
import type { EngineEvent } from "../../engine/mod.ts";
import { ManualClock } from "../../engine/clock.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { driveUntil } from "../engine/helpers.ts";
import { tempDbPath } from "../store/backends.ts";
import { DEST, EPOCH, type Setup, setup } from "./helpers.ts";

const UP = straightRoute(["10.0.0.1", DEST]);
const DOWN = [{ ip: "10.0.0.1", rttMs: 1 }, { ip: DEST, lossPct: 100 }];

/** Resolves with the next `n` rounds of a target (as recorded), in the order they finished. */
function nextRounds(
  service: { subscribe(listener: (e: EngineEvent) => void): () => void },
  targetId: number,
  n: number,
) {
  const seen: { seq: number; startedAt: number; reached: boolean }[] = [];
  return new Promise<typeof seen>((resolve) => {
    const stop = service.subscribe((event) => {
      if (event.type !== "round" || event.round.targetId !== targetId) return;
      const { seq, startedAt, destinationReached: reached } = event.round;
      seen.push({ seq, startedAt, reached });
      if (seen.length === n) {
        stop();
        resolve(seen);
      }
    });
  });
}

async function rounds(t: Setup, targetId: number, n: number) {
  const heard = await driveUntil(t.clock, nextRounds(t.app.service, targetId, n), { stepMs: 50 });
  await t.app.service.outages.settled();
  return heard;
}

Deno.test("outages - three unanswered rounds start one, the first answer ends it", async () => {
  const t = await setup({ network: { [DEST]: UP } });
  try {
    const { id } = await t.app.service.create({ host: DEST, interval: 1, timeout: 0.5 });
    await rounds(t, id, 2);
    t.fake.setRoute(DEST, DOWN);
    const lost = (await rounds(t, id, 2)).filter((r) => !r.reached);
    assert.equal(lost.length, 2);
    assert.deepEqual((await t.call("GET", `/api/targets/${id}/outages`)).json.outages, []);
    const third = (await rounds(t, id, 1))[0];
    assert.equal(third.reached, false);
    let reply = await t.call("GET", `/api/targets/${id}/outages`);
    assert.equal(reply.json.rounds, 3);
    assert.equal(reply.json.outages.length, 1);
    const open = reply.json.outages[0];
    assert.equal(open.open, true);
    assert.equal(open.end, null);
    assert.equal(open.start, lost[0].startedAt, "starts at the first unanswered round");
    assert.equal(open.roundsLost, 3);
    await rounds(t, id, 2); // two more lost rounds extend it
    t.fake.setRoute(DEST, UP);
    const after = await rounds(t, id, 3);
    const firstAnswered = after.filter((r) => r.reached).sort((a, b) => a.seq - b.seq)[0];
    reply = await t.call("GET", `/api/targets/${id}/outages`);
    const closed = reply.json.outages[0];
    assert.equal(reply.json.outages.length, 1);
    assert.equal(closed.open, false);
    assert.equal(closed.end, firstAnswered.startedAt);
    assert.equal(closed.durationMs, closed.end - closed.start);
    assert.ok(closed.roundsLost >= 5, `lost ${closed.roundsLost}`);
    assert.equal(closed.roundsLost, (closed.end - closed.start) / 1000);
  } finally {
    await t.close();
  }
});

Deno.test("outages - a per-target threshold of 5 ignores four lost rounds", async () => {
  const t = await setup({ network: { [DEST]: UP } });
  try {
    const { id } = await t.app.service.create({ host: DEST, interval: 1, timeout: 0.5 });
    const put = await t.call("PUT", `/api/targets/${id}/outage_settings`, { body: { rounds: 5 } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { targetId: id, rounds: 5, isDefault: false });
    const bad = await t.call("PUT", `/api/targets/${id}/outage_settings`, { body: { rounds: 0 } });
    assert.equal(bad.status, 400);
    await rounds(t, id, 1);
    t.fake.setRoute(DEST, DOWN);
    await rounds(t, id, 4);
    t.fake.setRoute(DEST, UP);
    await rounds(t, id, 3);
    assert.deepEqual((await t.call("GET", `/api/targets/${id}/outages`)).json.outages, []);
    t.fake.setRoute(DEST, DOWN);
    await rounds(t, id, 5);
    assert.equal((await t.call("GET", `/api/targets/${id}/outages`)).json.outages.length, 1);
    const reset = await t.call("PUT", `/api/targets/${id}/outage_settings`, {
      body: { rounds: null },
    });
    assert.deepEqual(reset.json, { targetId: id, rounds: 3, isDefault: true });
    assert.equal((await t.call("GET", `/api/targets/4242/outage_settings`)).status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("outages - an open outage survives a restart and the next answer closes it", async () => {
  const path = tempDbPath();
  const clock = new ManualClock(EPOCH);
  const fake = new FakeProber({ clock, network: { [DEST]: DOWN } });
  const boot = async () => {
    const store = openSqliteStore(path, { clock });
    const app = createApp({
      store,
      prober: fake,
      clock,
      engine: { spreadStart: false, reverseDns: false },
      addressLookup: () => Promise.resolve([DEST]),
    });
    await app.start();
    return { store, app };
  };
  const drive = async (app: Awaited<ReturnType<typeof boot>>["app"], id: number, n: number) => {
    const heard = await driveUntil(clock, nextRounds(app.service, id, n), { stepMs: 50 });
    await app.service.outages.settled();
    return heard;
  };
  let first = await boot();
  const { id } = await first.app.service.create({ host: DEST, interval: 1, timeout: 0.5 });
  await drive(first.app, id, 4);
  const [before] = await first.store.outages({ targetId: id });
  assert.equal(before.end, null);
  await driveUntil(clock, first.app.stop());
  await first.store.close();

  fake.setRoute(DEST, UP);
  first = await boot();
  try {
    assert.equal(first.app.service.outages.isOpen(id), true);
    const heard = await drive(first.app, id, 2);
    const outages = await first.store.outages({ targetId: id });
    assert.equal(outages.length, 1, "the same outage, not a second one");
    assert.equal(outages[0].id, before.id);
    assert.equal(outages[0].end, Math.min(...heard.map((r) => r.startedAt)));
    assert.equal(first.app.service.outages.isOpen(id), false);
  } finally {
    await driveUntil(clock, first.app.stop());
    await first.store.close();
  }
});

Deno.test("outages - /api/events merges outages and route changes, pages by cursor", async () => {
  const t = await setup({ network: { [DEST]: UP } });
  try {
    const a = await t.app.service.create({ host: DEST, interval: 1, timeout: 0.5 });
    const b = await t.app.service.create({ host: "127.0.0.2", interval: 1, timeout: 0.5 });
    await t.app.service.setPaused(b.id, true); // b only holds what is written below
    for (let i = 0; i < 3; i++) {
      const start = EPOCH - (i + 1) * 60_000;
      const o = await t.store.addOutage({
        targetId: b.id,
        start,
        roundsLost: 3,
        lastLostAt: start,
      });
      await t.store.updateOutage(o.id, { roundsLost: 3, lastLostAt: start, end: start + 30_000 });
    }
    await t.store.recordRouteChange({
      targetId: b.id,
      at: EPOCH - 60_000,
      before: [["10.0.0.1"]],
      after: [["10.0.0.9"]],
    });
    const all = await t.call("GET", `/api/events?targetId=${b.id}`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.json.events.map((e: { kind: string; at: number }) => [e.kind, (EPOCH - e.at) / 60_000]),
      [["outage", 1], ["routeChange", 1], ["outage", 2], ["outage", 3]],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `targetId=${b.id}&limit=1${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await t.call("GET", `/api/events?${query}`);
      assert.equal(page.json.events.length, 1);
      seen.push(`${page.json.events[0].kind}${page.json.events[0].id}`);
      cursor = page.json.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      all.json.events.map((e: { kind: string; id: number }) => `${e.kind}${e.id}`),
    );
    const routes = await t.call("GET", `/api/events?kind=routeChange`);
    assert.deepEqual(routes.json.events.map((e: { targetId: number }) => e.targetId), [b.id]);
    const ranged = await t.call(
      "GET",
      `/api/events?kind=outage&start=${EPOCH - 150_000}&end=${EPOCH - 100_000}`,
    );
    assert.equal(ranged.json.events.length, 1, "only the outage overlapping the range");
    await t.store.addAlertEvent({
      ruleId: 1,
      targetId: b.id,
      agent: "fra-1",
      kind: "firing",
      at: EPOCH - 30_000,
      detail: { ruleName: "loss", message: "m" },
    });
    const alerts = await t.call("GET", `/api/events?kind=alert`);
    assert.deepEqual(
      alerts.json.events.map((e: { alert: unknown }) => e.alert),
      [{ ruleId: 1, event: "firing", ruleName: "loss", message: "m", agent: "fra-1" }],
      "an alert names the agent whose rounds raised it",
    );
    assert.equal((await t.call("GET", "/api/events?kind=outages")).status, 400);
    assert.equal((await t.call("GET", "/api/events?cursor=abc")).status, 400);
    assert.equal((await t.call("GET", "/api/events?targetId=999")).status, 404);
    assert.ok(a.id > 0);
    const doc = (await t.call("GET", "/api/openapi.json")).json;
    assert.ok(doc.paths["/api/events"]);
    assert.ok(doc.paths["/api/targets/{id}/outages"]);
  } finally {
    await t.close();
  }
});

Deno.test("outages - summary uptime over 24 h / 7 d / 30 d and insights' checks", async () => {
  const t = await setup({ network: { [DEST]: UP } });
  try {
    const { id } = await t.app.service.create({ host: DEST, interval: 1, timeout: 0.5 });
    await rounds(t, id, 2);
    t.fake.setRoute(DEST, DOWN);
    await rounds(t, id, 4);
    t.fake.setRoute(DEST, UP);
    await rounds(t, id, 4);
    await t.store.flush();
    const row = (await t.call("GET", "/api/summary")).json.targets[0];
    const [outage] = await t.store.outages({ targetId: id });
    const age = t.clock.now() - (await t.store.getTarget(id))!.createdAt;
    const expected = Math.round((1 - (outage.end! - outage.start) / age) * 10_000) / 100;
    assert.deepEqual(row.uptime, { day: expected, week: expected, month: expected });
    assert.ok(expected < 100);
    assert.equal(row.outage, null);
    const insights = await t.call(
      "GET",
      `/api/targets/${id}/insights?start=${EPOCH}&end=${t.clock.now() + 1}`,
    );
    assert.equal(insights.status, 200);
    const checks = insights.json.checks;
    assert.equal(checks.rounds, insights.json.sent);
    assert.equal(checks.answered, insights.json.received);
    assert.ok(checks.answered < checks.rounds);
    assert.equal(checks.successRatePct, Math.round(checks.answered / checks.rounds * 10_000) / 100);
    assert.ok(
      checks.minMs !== null && checks.minMs <= checks.avgMs && checks.avgMs <= checks.maxMs,
    );
    assert.equal(insights.json.outages.count, 1);
    assert.equal(insights.json.outages.downtimeMs, outage.end! - outage.start);
  } finally {
    await t.close();
  }
});
