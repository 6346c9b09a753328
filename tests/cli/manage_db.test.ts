// The scripting commands on a temporary database, no server: target add|list|show|pause|resume|
// rm|logs, events, status and export, as subprocesses with the `deno task start` permissions.
import assert from "node:assert/strict";
import { resolveTargetOptions } from "../../engine/mod.ts";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { runMain } from "./run.ts";

const NOW = Date.now();
const MIN = 60_000;

/**
 * The database file without the header's change counters (bytes 24-27, 92-95), which SQLite bumps
 * when a connection sets its pragmas at open even though no data changes.
 */
function contentOf(path: string): Uint8Array {
  const bytes = Deno.readFileSync(path);
  bytes.fill(0, 24, 28);
  bytes.fill(0, 92, 96);
  return bytes;
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "pingwatcher-manage-" });
}

/** A database with one target, 30 rounds a minute apart, a route change and an open outage. */
async function seeded(dir: string): Promise<number> {
  const store = openSqliteStore(`${dir}/pingwatcher.db`);
  const target = await store.addTarget({
    host: "127.0.0.1",
    label: "lo",
    options: resolveTargetOptions({}),
  });
  for (let i = 0; i < 30; i++) {
    const at = NOW - (30 - i) * MIN;
    const reached = i < 27;
    store.appendRound({
      targetId: target.id,
      seq: i,
      startedAt: at,
      address: "127.0.0.1",
      destinationReached: reached,
      hops: [{
        ttl: 1,
        kind: reached ? "reply" : "timeout",
        ip: reached ? "127.0.0.1" : null,
        rttUs: reached ? 1000 + i : null,
        approximate: false,
      }],
    });
  }
  await store.recordRouteChange({
    targetId: target.id,
    at: NOW - 20 * MIN,
    before: [["10.0.0.1"], ["127.0.0.1"]],
    after: [["127.0.0.1"]],
  });
  await store.addOutage({
    targetId: target.id,
    start: NOW - 3 * MIN,
    roundsLost: 3,
    lastLostAt: NOW - MIN,
  });
  await store.close();
  return target.id;
}

Deno.test("manage - target add, list, show, pause, resume and rm on the database", async () => {
  const dir = await tempDir();
  const db = ["--data-dir", dir];
  try {
    let r = await runMain([
      "target",
      "add",
      "127.0.0.1",
      "--label",
      "lo",
      "--group",
      "lab",
      "--group",
      "edge",
      "--interval",
      "1",
      "--json",
      ...db,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const added = JSON.parse(r.stdout).target;
    assert.deepEqual([added.host, added.label, added.interval, added.paused], [
      "127.0.0.1",
      "lo",
      1,
      false,
    ]);
    assert.deepEqual(added.groups, ["lab", "edge"]);
    r = await runMain(["target", "add", "a;b", ...db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not an IP address or a valid host name/);
    r = await runMain(["target", "add", "127.0.0.2", "--interval", "0.01", ...db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--interval/);
    r = await runMain(["target", "add", "127.0.0.2", "--configuration", "nope", ...db]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /configuration: "nope" does not exist/);
    r = await runMain(["target", "list", "--json", ...db]);
    assert.deepEqual(JSON.parse(r.stdout).targets.map((t: { id: number }) => t.id), [added.id]);
    r = await runMain(["target", "show", String(added.id), ...db]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^host +127\.0\.0\.1$/m);
    r = await runMain(["target", "show", "99", ...db]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /target 99 not found/);
    r = await runMain(["target", "pause", String(added.id), "--json", ...db]);
    assert.equal(JSON.parse(r.stdout).target.paused, true);
    r = await runMain(["target", "list", ...db]);
    assert.match(r.stdout, /paused/);
    r = await runMain(["target", "resume", String(added.id), "--json", ...db]);
    assert.equal(JSON.parse(r.stdout).target.paused, false);
    r = await runMain(["target", "rm", String(added.id), ...db]);
    assert.equal(r.code, 0);
    r = await runMain(["target", "list", "--json", ...db]);
    assert.deepEqual(JSON.parse(r.stdout).targets, []);
    r = await runMain(["target", "frob", ...db]);
    assert.equal(r.code, 2);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(!names.includes("pingwatcher.db.lock"), "the lock is released after each write");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("manage - logs, events, status and export read the database without writing", async () => {
  const dir = await tempDir();
  const db = ["--data-dir", dir];
  try {
    const id = await seeded(dir);
    const before = contentOf(`${dir}/pingwatcher.db`);
    let r = await runMain(["target", "logs", String(id), "--last", "5", "--json", ...db]);
    assert.equal(r.code, 0, r.stderr);
    const rounds = JSON.parse(r.stdout).rounds;
    assert.deepEqual(rounds.map((x: { seq: number }) => x.seq), [25, 26, 27, 28, 29]);
    r = await runMain([
      "target",
      "logs",
      String(id),
      "--since",
      String(NOW - 10 * MIN),
      "--last",
      "100",
      "--json",
      ...db,
    ]);
    assert.equal(JSON.parse(r.stdout).rounds.length, 10);
    r = await runMain(["target", "logs", String(id), "--since", "yesterday", ...db]);
    assert.equal(r.code, 2);
    r = await runMain(["target", "logs", String(id), "--last", "3", ...db]);
    assert.match(r.stdout, /lost/);

    r = await runMain(["events", "--json", ...db]);
    const kinds = JSON.parse(r.stdout).events.map((e: { kind: string }) => e.kind);
    assert.deepEqual(kinds, ["outage", "routeChange"]);
    r = await runMain(["events", "--kind", "routeChange", "--json", ...db]);
    assert.deepEqual(JSON.parse(r.stdout).events.map((e: { kind: string }) => e.kind), [
      "routeChange",
    ]);
    r = await runMain(["events", "--since", "10m", "--json", ...db]);
    assert.deepEqual(JSON.parse(r.stdout).events.map((e: { kind: string }) => e.kind), ["outage"]);
    r = await runMain(["events", "--limit", "1", ...db]);
    assert.match(r.stdout, /outage .*ongoing/);
    assert.match(r.stdout, /more: --cursor \S+/);
    const cursor = /--cursor (\S+)/.exec(r.stdout)![1];
    r = await runMain(["events", "--limit", "1", "--cursor", cursor, "--json", ...db]);
    assert.deepEqual(JSON.parse(r.stdout).events.map((e: { kind: string }) => e.kind), [
      "routeChange",
    ]);
    r = await runMain(["events", "--kind", "outages", ...db]);
    assert.equal(r.code, 2);

    r = await runMain(["status", "--json", ...db]);
    assert.equal(r.code, 1, "a target in an outage is down: exit 1");
    const status = JSON.parse(r.stdout);
    assert.equal(status.source.via, "database");
    const t = status.targets[0];
    assert.equal(t.state, "down");
    assert.equal(t.outage.open, true);
    assert.equal(t.outage.roundsLost, 3);
    assert.equal(t.lastRouteChange, NOW - 20 * MIN);
    assert.equal(t.lossPct, 30);
    r = await runMain(["status", ...db]);
    assert.match(r.stdout, /^1 +lo \(127\.0\.0\.1\) +down/m);
    assert.ok(!r.stdout.includes("\x1b["), "no colours when not a terminal");

    r = await runMain(["export", "--target", String(id), "--format", "csv", ...db]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.match(lines[0], /^target_id,/);
    assert.equal(lines.length, 31);
    r = await runMain(["export", "--target", String(id), "--since", String(NOW - 5 * MIN), ...db]);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.rounds.length, 5);
    const file = `${dir}/out.csv`;
    r = await runMain([
      "export",
      "--target",
      String(id),
      "--format",
      "csv",
      "--output",
      file,
      ...db,
    ]);
    assert.equal(r.code, 0);
    assert.equal(Deno.readTextFileSync(file).trim().split("\n").length, 31);
    r = await runMain(["export", "--target", String(id), "--output", file, ...db]);
    assert.equal(r.code, 1, "an existing file is not overwritten without --force");
    assert.equal(Deno.readTextFileSync(file).trim().split("\n").length, 31);
    r = await runMain(["export", "--target", "9", ...db]);
    assert.equal(r.code, 1);
    const after = contentOf(`${dir}/pingwatcher.db`);
    const changed = before.findIndex((byte, i) => byte !== after[i]);
    assert.equal(after.length, before.length, "nothing written");
    assert.equal(changed, -1, `nothing written (first changed byte ${changed})`);
    assert.ok(![...Deno.readDirSync(dir)].some((e) => e.name.endsWith(".lock")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("manage - reading commands on a missing database say so and create nothing", async () => {
  const dir = await tempDir();
  try {
    for (const args of [["status"], ["events"], ["target", "list"]]) {
      const r = await runMain([...args, "--data-dir", `${dir}/none`]);
      assert.equal(r.code, 1, args.join(" "));
      assert.match(r.stderr, /no database at/);
    }
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
