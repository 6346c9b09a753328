// PostgreSQL going away while the engine probes: probing goes on, rounds wait in the store's
// queue (bounded, drops counted), and everything probed is stored once the server is back.
// Its own server (pg_server.ts), stopped and started on the same port mid-run.
import assert from "node:assert/strict";
import { Engine, ManualClock, type Round, setLogSink } from "../../engine/mod.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { resolveTargetOptions } from "../../engine/options.ts";
import { type Store } from "../../store/mod.ts";
import { openPostgresStore } from "../../store/postgres/mod.ts";
import { OPTIONS, plainRound, T0 } from "./builders.ts";
import { driveUntil } from "../engine/helpers.ts";
import { PG_SKIP_REASON, startPgServer } from "./pg_server.ts";

const DEST = "127.0.0.9";
const ignore = PG_SKIP_REASON !== null;
if (ignore) console.log(`PostgreSQL fault tests skipped: ${PG_SKIP_REASON}`);

/** Flushes until the pool has reconnected (its sockets died with the server): no sleeping. */
async function flushWhenBack(store: Store): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      return await store.flush();
    } catch (error) {
      if (attempt >= 20) throw error;
    }
  }
}

Deno.test({
  name: "postgres faults - a restart mid-run loses no probed round",
  ignore,
  async fn() {
    const errors: string[] = [];
    setLogSink((line) => errors.push(line));
    const server = startPgServer();
    const clock = new ManualClock(T0);
    const store = openPostgresStore(server.url(server.createDatabase()), { clock });
    const { id } = await store.addTarget({ host: DEST, options: OPTIONS });
    const prober = new FakeProber({
      clock,
      network: { [DEST]: straightRoute(["127.0.0.1", DEST]) },
    });
    const engine = new Engine({ prober, clock, spreadStart: false, reverseDns: false });
    const probed: Round[] = [];
    engine.subscribe((event) => {
      if (event.type !== "round") return;
      probed.push(event.round);
      store.appendRound(event.round);
    });
    engine.setTarget({
      id,
      host: DEST,
      label: null,
      options: resolveTargetOptions({ intervalMs: 1000, timeoutMs: 500 }),
      paused: false,
    });
    try {
      await clock.advance(10_000);
      await store.flush();
      const before = probed.length;
      assert.equal((await store.rounds(id, {})).length, before);

      server.stop();
      await clock.advance(30_000); // the writer loop tries and fails meanwhile
      await assert.rejects(store.flush());
      const away = await store.storeStats();
      assert.ok(probed.length >= before + 29, `probing went on: ${probed.length - before} rounds`);
      assert.ok(away.queuedRounds >= 29, `queued while away: ${away.queuedRounds}`);
      assert.ok(away.failedFlushes >= 1);
      assert.ok(errors.some((line) => line.includes("ERROR store: flush failed")));

      server.start();
      await clock.advance(5_000);
      await driveUntil(clock, engine.stop());
      await flushWhenBack(store);
      const stats = await store.storeStats();
      assert.equal(stats.queuedRounds, 0);
      assert.equal(stats.droppedRounds, 0);
      const stored = await store.rounds(id, {});
      const key = (r: Round) => JSON.stringify([r.seq, r.startedAt, r.address, r.hops]);
      assert.deepEqual(stored.map(key), probed.map(key), "what is stored is what was probed");
      assert.equal(new Set(stored.map((r) => r.seq)).size, stored.length);
    } finally {
      await driveUntil(clock, engine.stop()).catch(() => {});
      await store.close().catch(() => {});
      server.stop();
      setLogSink((line) => console.error(line));
    }
  },
});

Deno.test({
  name: "postgres faults - past its bound the queue drops the oldest rounds and counts them",
  ignore,
  async fn() {
    setLogSink(() => {});
    const server = startPgServer();
    const clock = new ManualClock(T0);
    const store = openPostgresStore(server.url(server.createDatabase()), {
      clock,
      maxQueuedRounds: 5,
    });
    try {
      const { id } = await store.addTarget({ host: DEST, options: OPTIONS });
      server.stop();
      for (let seq = 0; seq < 8; seq++) store.appendRound(plainRound(id, seq));
      await assert.rejects(store.flush());
      const stats = await store.storeStats();
      assert.equal(stats.queuedRounds, 5);
      assert.equal(stats.droppedRounds, 3);
      server.start();
      await flushWhenBack(store);
      assert.deepEqual((await store.rounds(id, {})).map((r) => r.seq), [3, 4, 5, 6, 7]);
    } finally {
      await store.close().catch(() => {});
      server.stop();
      setLogSink((line) => console.error(line));
    }
  },
});
