// The scripting commands against a running server on loopback (the real `serve` code in this
// process on a FakeProber), and the two-writers rule: a writing command beside a running server
// goes through its API; with a writer that cannot be reached it is refused and writes nothing.
import assert from "node:assert/strict";
import { hostname } from "node:os";
import { runServe } from "../../api/cli/serve.ts";
import { systemClock } from "../../engine/clock.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { runMain } from "./run.ts";

async function startServer(dir: string, env: Record<string, string> = {}) {
  const prober = new FakeProber({
    clock: systemClock,
    network: { "127.0.0.1": straightRoute(["10.0.0.1", "127.0.0.1"], { stepMs: 0.2 }) },
  });
  let stop!: () => void;
  const interrupted = new Promise<void>((resolve) => stop = resolve);
  let listened!: (url: string) => void;
  const url = new Promise<string>((resolve) => listened = resolve);
  const errors: string[] = [];
  const running = runServe(["--port", "0", "--data-dir", dir, "--headless"], {
    write: () => {},
    writeError: (text) => errors.push(text),
    env,
    selectProber: () => Promise.resolve({ ok: true, prober }),
    interrupted,
    onListen: listened,
  });
  const base = await Promise.race([
    url,
    running.then((code) => {
      throw new Error(`serve exited ${code}: ${errors.join("")}`);
    }),
  ]);
  return {
    url: base,
    async stop() {
      stop();
      assert.equal(await running, 0);
    },
  };
}

/** Polls the server until a target has stored rounds (no timing is asserted). */
async function untilMeasured(url: string, id: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const body = await (await fetch(`${url}/api/summary`)).json();
    if (body.targets.find((t: { id: number; sent?: number }) => t.id === id)?.sent) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no rounds were stored");
}

Deno.test("manage server - target add beside a running server goes through its API", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-server-" });
  const server = await startServer(dir);
  const data = ["--data-dir", dir];
  try {
    assert.equal(
      JSON.parse(Deno.readTextFileSync(`${dir}/pingwatcher.db.server`)).url,
      server.url,
    );
    let r = await runMain([
      "target",
      "add",
      "127.0.0.1",
      "--interval",
      "0.2",
      "--timeout",
      "0.5",
      ...data,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`added target 1 127\\.0\\.0\\.1 \\(via server ${server.url}\\)`),
    );
    const listed = (await (await fetch(`${server.url}/api/targets`)).json()).targets;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].status.probing, true, "the server probes it at once");
    await untilMeasured(server.url, 1);

    r = await runMain(["status", "--server", server.url, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    let status = JSON.parse(r.stdout);
    assert.deepEqual(status.source, { via: "server", where: server.url });
    assert.equal(status.targets[0].state, "up");
    assert.ok(status.targets[0].lastRttMs > 0);
    r = await runMain(["status", "--json", ...data]);
    status = JSON.parse(r.stdout);
    assert.equal(status.source.via, "server", "found through the file beside the database");

    r = await runMain(["target", "logs", "1", "--last", "2", "--json", ...data]);
    assert.equal(JSON.parse(r.stdout).rounds.length, 2);
    r = await runMain(["events", "--json", ...data]);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout).events, []);
    r = await runMain(["export", "--target", "1", "--format", "csv", "--server", server.url]);
    assert.match(r.stdout, /^target_id,/);
    assert.ok(r.stdout.trim().split("\n").length > 1);
    r = await runMain(["target", "pause", "1", ...data]);
    assert.match(r.stdout, /via server/);
    const paused = (await (await fetch(`${server.url}/api/targets/1`)).json()).target;
    assert.deepEqual([paused.paused, paused.status.probing], [true, false]);

    // Other writers on the same database are refused, not let in beside the server.
    r = await runMain(["monitor", "127.0.0.1", ...data]);
    assert.equal(r.code, 7);
    assert.match(r.stderr, /being written by another PingWatcher \(serve/);
    r = await runMain(["serve", "--port", "0", "--headless", ...data]);
    assert.equal(r.code, 7);
  } finally {
    await server.stop();
  }
  try {
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(!names.includes("pingwatcher.db.server"), "the server file goes with the server");
    assert.ok(!names.includes("pingwatcher.db.lock"), "so does the lock");
    const store = openSqliteStore(`${dir}/pingwatcher.db`);
    const targets = await store.listTargets();
    await store.close();
    assert.deepEqual(targets.map((t) => [t.host, t.paused]), [["127.0.0.1", true]], "one target");
    const r = await runMain(["target", "list", "--json", ...data]);
    assert.equal(JSON.parse(r.stdout).targets.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("manage server - a token-protected server needs PINGWATCHER_TOKEN", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-server-" });
  const server = await startServer(dir, { PINGWATCHER_TOKEN: "s3cret-token-for-tests" });
  try {
    let r = await runMain(["target", "list", "--server", server.url]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /log in or send a bearer token/);
    r = await runMain(["target", "list", "--json", "--server", server.url], {
      env: { PINGWATCHER_TOKEN: "s3cret-token-for-tests" },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).targets, []);
    r = await runMain(["status", "--server", "http://127.0.0.1:9"]);
    assert.equal(r.code, 6);
    assert.match(r.stderr, /cannot reach the server/);
    r = await runMain(["status", "--server", "ftp://x"]);
    assert.equal(r.code, 2);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("manage server - a live writer that cannot be reached refuses; a stale lock is taken", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-lock-" });
  const data = ["--data-dir", dir];
  try {
    const store = openSqliteStore(`${dir}/pingwatcher.db`);
    await store.close();
    const lock = `${dir}/pingwatcher.db.lock`;
    // A holder the commands cannot look up (their permissions do not reach /proc): judged by
    // the file's age, fresh = alive.
    const holder = { pid: 999_999, command: "serve", host: hostname(), since: "then" };
    Deno.writeTextFileSync(lock, JSON.stringify(holder));
    let r = await runMain(["target", "add", "127.0.0.1", ...data]);
    assert.equal(r.code, 7);
    assert.match(r.stderr, /nothing was written/);
    r = await runMain(["target", "list", "--json", ...data]);
    assert.deepEqual(JSON.parse(r.stdout).targets, [], "reads need no lock; nothing was added");
    const old = new Date(Date.now() - 120_000);
    Deno.utimeSync(lock, old, old);
    r = await runMain(["target", "add", "127.0.0.1", ...data]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(![...Deno.readDirSync(dir)].some((e) => e.name.endsWith(".lock")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
