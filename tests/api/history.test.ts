import assert from "node:assert/strict";
import { historyOf, inMs, rawHistory } from "../../api/history.ts";
import type { Store } from "../../store/mod.ts";
import { DEST, EPOCH, setup } from "./helpers.ts";

Deno.test("api history - the raw-rounds fallback agrees with the store's own queries", async () => {
  const t = await setup();
  try {
    const { json } = await t.call("POST", "/api/targets", {
      body: { host: DEST, interval: 1, timeout: 0.5 },
    });
    await t.clock.advance(30_500);
    const id = json.target.id;
    const raw = rawHistory(t.store);
    const window = { last: 20 };
    const [mine, theirs] = [await raw.hopStats(id, window), await t.store.hopStats(id, window)];
    const pick = (r: typeof mine) => r.hops.map((h) => [h.hop, h.ip, h.sent, h.received, h.avgMs]);
    assert.deepEqual(pick(mine), pick(theirs));
    const query = { hop: "all" as const, start: EPOCH, end: EPOCH + 30_000, maxPoints: 10 };
    const sent = (r: Awaited<ReturnType<typeof raw.timeline>>) =>
      r.series.map((s) => s.points.reduce((n, p) => n + p.sent, 0));
    assert.deepEqual(sent(await raw.timeline(id, query)), sent(await t.store.timeline(id, query)));
    const summary = await raw.summary({ focusRounds: 10 });
    assert.deepEqual([summary[0].sent, summary[0].lossPct, summary[0].avgUs], [10, 0, 3000]);
  } finally {
    await t.close();
  }
});

Deno.test("api history - a store without history queries is answered from raw rounds", async () => {
  const t = await setup();
  try {
    const { json } = await t.call("POST", "/api/targets", {
      body: { host: DEST, interval: 1, timeout: 0.5 },
    });
    await t.clock.advance(5_500);
    const missing = () => Promise.reject(new Error("history queries are not implemented yet"));
    const bare = {
      ...t.store,
      hopStats: missing,
      timeline: missing,
      summary: missing,
      insights: missing,
    };
    const history = historyOf(bare as Store);
    const hops = await history.hopStats(json.target.id, { last: 5 });
    assert.deepEqual(hops.hops.map((h) => h.sent), [5, 5, 5]);
    const insights = await history.insights(json.target.id, { start: EPOCH, end: EPOCH + 5_000 });
    assert.equal(insights.sent, 5);
    const broken = { ...t.store, hopStats: () => Promise.reject(new Error("disk on fire")) };
    await assert.rejects(historyOf(broken as Store).hopStats(1, { last: 1 }), /disk on fire/);
  } finally {
    await t.close();
  }
});

Deno.test("api history - µs fields become ms fields, recursively", () => {
  assert.deepEqual(inMs({ avgUs: 1500, minUs: null, series: [{ p95Us: 20 }], hop: 3 }), {
    avgMs: 1.5,
    minMs: null,
    series: [{ p95Ms: 0.02 }],
    hop: 3,
  });
});
