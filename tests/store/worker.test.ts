// The SQLite store in its Worker (store/worker/) beyond the shared suites, which it passes as
// "sqlite worker": a store that cannot open says why on every call and still closes; a closed one
// refuses; many targets' summaries and long lists cross whole; log lines reach the opener's sink.
import assert from "node:assert/strict";
import { setLogSink } from "../../engine/mod.ts";
import { openStore } from "../../store/mod.ts";
import { OPTIONS, plainRound } from "./builders.ts";
import { tempDbPath } from "./backends.ts";

const ENTRY = new URL("../../store/worker/entry.ts", import.meta.url);

Deno.test("store worker - a database that cannot be opened fails every call with why, and closes", async () => {
  const store = openStore("/nonexistent-pingwatcher-dir/sub/pw.db", { worker: ENTRY });
  await assert.rejects(store.listTargets(), /unable to open|no such file|cannot open/i);
  await assert.rejects(store.summary(), /unable to open|no such file|cannot open/i);
  await store.close();
  await assert.rejects(store.listTargets(), /closed/);
});

Deno.test("store worker - a closed store refuses appends and calls", async () => {
  const path = tempDbPath();
  const store = openStore(path, { worker: ENTRY });
  const { id } = await store.addTarget({ host: "10.0.20.1", options: OPTIONS });
  store.appendRound(plainRound(id, 0));
  await store.close();
  assert.throws(() => store.appendRound(plainRound(id, 1)), /closed/);
  await assert.rejects(store.rounds(id, {}), /closed/);
  const reopened = openStore(path, { worker: ENTRY });
  assert.equal((await reopened.rounds(id, {})).length, 1, "the round queued before close is kept");
  await reopened.close();
});

Deno.test("store worker - 1,200 targets' list and summary cross whole and in order", async () => {
  const store = openStore(tempDbPath(), { worker: ENTRY });
  try {
    for (let i = 0; i < 1200; i++) {
      await store.addTarget({ host: `10.1.${i >> 8}.${i & 255}`, options: OPTIONS });
    }
    const targets = await store.listTargets();
    assert.deepEqual(
      targets.map((t) => t.host),
      targets.map((_, i) => `10.1.${i >> 8}.${i & 255}`),
    );
    for (const t of targets.slice(0, 3)) store.appendRound(plainRound(t.id, 0));
    await store.flush();
    const rows = await store.summary({ sparklineMinutes: 5 });
    assert.equal(rows.length, 1200);
    assert.deepEqual(rows.map((r) => r.targetId), targets.map((t) => t.id));
    assert.equal(rows[0].sent, 1);
    assert.equal(rows[1199].sent, 0);
    assert.ok(
      rows.every((r) => r.sparkline.avgUs.length === 5 && r.sparkline.lossPct.length === 5),
    );
  } finally {
    await store.close();
  }
});

Deno.test("store worker - its log lines go through the opener's sink", async () => {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  const store = openStore(tempDbPath(), { worker: ENTRY });
  try {
    const round = plainRound(4242, 0); // no such target: the flush drops it and warns
    store.appendRound(round);
    await store.flush();
    assert.ok(lines.some((l) => l.includes("WARN") && l.includes("unknown targets")), lines.join());
  } finally {
    await store.close();
    setLogSink((line) => Deno.stderr.writeSync(new TextEncoder().encode(line + "\n")));
  }
});
