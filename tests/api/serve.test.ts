import assert from "node:assert/strict";
import { runServe } from "../../api/cli/serve.ts";
import { parseServeArgs } from "../../api/cli/serve_args.ts";
import { systemClock } from "../../engine/clock.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";

Deno.test("serve - options come from flags, then PINGWATCHER_* variables, then defaults", () => {
  const defaults = parseServeArgs([]);
  assert.deepEqual([defaults.listen, defaults.port, defaults.headless, defaults.hosts], [
    "127.0.0.1",
    8000,
    false,
    [],
  ]);
  const env = { PINGWATCHER_HOST: "::1", PINGWATCHER_PORT: "9000", PINGWATCHER_HEADLESS: "1" };
  const fromEnv = parseServeArgs([], env);
  assert.deepEqual([fromEnv.listen, fromEnv.port, fromEnv.headless], ["::1", 9000, true]);
  const flags = parseServeArgs(["--port", "0", "--host", "127.0.0.2", "127.0.0.1"], env);
  assert.deepEqual([flags.listen, flags.port, flags.hosts], ["127.0.0.2", 0, ["127.0.0.1"]]);
  assert.throws(() => parseServeArgs(["--port", "70000"]), /port/);
  assert.throws(() => parseServeArgs(["-f"]));
  assert.throws(() => parseServeArgs(["a;b"]), /host/);
  assert.throws(() => parseServeArgs(["--cors-origin", "https://x.example/path"]), /cors-origin/);
});

Deno.test("serve - SIGTERM-style shutdown writes every round a client has seen", async () => {
  const dir = await Deno.makeTempDir();
  const db = `${dir}/a.db`;
  const prober = new FakeProber({
    clock: systemClock,
    network: { "127.0.0.1": straightRoute(["10.0.0.1", "127.0.0.1"], { stepMs: 0.2 }) },
  });
  let stop!: () => void;
  const interrupted = new Promise<void>((resolve) => stop = resolve);
  let listened!: (url: string) => void;
  const url = new Promise<string>((resolve) => listened = resolve);
  const running = runServe(["--port", "0", "--db", db, "--headless"], {
    write: () => {},
    writeError: () => {},
    env: {},
    selectProber: () => Promise.resolve({ ok: true, prober }),
    interrupted,
    onListen: listened,
  });
  try {
    const base = await url;
    const created = await fetch(`${base}/api/targets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ host: "127.0.0.1", interval: 0.1, timeout: 0.5 }),
    });
    const { target } = await created.json();
    const socket = new WebSocket(`${base.replace("http", "ws")}/ws`);
    const seen = new Promise<number>((resolve) => {
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === "hello") {
          socket.send(JSON.stringify({ type: "subscribe", targets: "all" }));
        }
        const round = message.events?.find((e: { type: string }) => e.type === "round");
        if (round) resolve(round.round.seq);
      };
    });
    const seq = await seen;
    const closed = new Promise((resolve) => socket.onclose = resolve);
    stop();
    assert.equal(await running, 0);
    await closed;
    const store = openSqliteStore(db);
    try {
      const stored = await store.rounds(target.id, {});
      assert.ok(
        stored.some((round) => round.seq === seq),
        "the round pushed to the client is on disk",
      );
    } finally {
      await store.close();
    }
  } finally {
    stop();
    await running;
    await Deno.remove(dir, { recursive: true });
  }
});
