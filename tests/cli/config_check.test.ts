// `check` and the config file: the file's targets are checked when there is one (named, or in the
// data directory), with their own options; --db asks for the database's instead; a file with
// problems is exit 2 with nothing probed (and for monitor, with no database opened).
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CheckDeps, runCheck } from "../../api/cli/check.ts";
import { UsageError } from "../../api/cli/command.ts";
import { monitorCommand } from "../../api/cli/monitor_command.ts";
import { ManualClock } from "../../engine/clock.ts";
import { resolveTargetOptions } from "../../engine/mod.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { openStore } from "../../store/mod.ts";
import { driveUntil } from "../engine/helpers.ts";

function harness(env: Record<string, string> = {}, dbPath = "/nonexistent/pingwatcher.db") {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: {
      "127.0.0.1": straightRoute(["127.0.0.1"]),
      "127.0.0.2": straightRoute(["127.0.0.2"]),
      "127.0.0.3": straightRoute(["127.0.0.3"]),
    },
  });
  const out: string[] = [];
  const err: string[] = [];
  const deps: CheckDeps = {
    write: (text) => out.push(text),
    writeError: (text) => err.push(text),
    isTty: false,
    env,
    selectProber: () => Promise.resolve({ ok: true, prober: fake }),
    addressLookup: (host) => Promise.resolve([host]),
    databasePath: () => dbPath,
    clock,
  };
  const run = (argv: string[]) => driveUntil(clock, runCheck(argv, deps), { stepMs: 50 });
  return { fake, out, err, run };
}

Deno.test("config check - the file's targets are checked, with their labels and options", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "pingwatcher.yaml"),
      "configurations:\n  - name: quick\n    options: { timeout: 0.5 }\n" +
        "targets:\n  - host: 127.0.0.1\n    label: a\n  - host: 127.0.0.2\n" +
        "    configuration: quick\n    finalHopOnly: true\n",
    );
    const h = harness({ PINGWATCHER_DATA_DIR: dir });
    assert.equal(await h.run(["--json"]), 0);
    const doc = JSON.parse(h.out.join(""));
    // deno-lint-ignore no-explicit-any
    assert.deepEqual(doc.map((r: any) => [r.host, r.label, r.ok]), [
      ["127.0.0.1", "a", true],
      ["127.0.0.2", null, true],
    ]);
    const named = harness();
    assert.equal(await named.run(["--config", join(dir, "pingwatcher.yaml"), "--json"]), 0);
    assert.equal(JSON.parse(named.out.join("")).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config check - --db checks the database's targets even with a file present", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "pingwatcher.yaml"), "targets:\n  - host: 127.0.0.1\n");
    const db = join(dir, "other.db");
    const store = await openStore(db);
    await store.addTarget({ host: "127.0.0.3", options: resolveTargetOptions({}) });
    await store.close();
    const h = harness({ PINGWATCHER_DATA_DIR: dir }, db);
    assert.equal(await h.run(["--db", db, "--json"]), 0);
    // deno-lint-ignore no-explicit-any
    assert.deepEqual(JSON.parse(h.out.join("")).map((r: any) => r.host), ["127.0.0.3"]);
    await assert.rejects(h.run(["--config", "x.yaml", "--db", db]), UsageError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config check - a file with problems: exit 2, each problem named, nothing probed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "pw.yaml");
    await Deno.writeTextFile(path, "targets:\n  - host: 127.0.0.1\n    timeout: -1\n");
    const h = harness({ PINGWATCHER_CONFIG: path });
    assert.equal(await h.run([]), 2);
    assert.deepEqual(h.err.join("").trimEnd().split("\n"), [
      `${path}:3:5 targets[0].timeout: must be >= 0.1`,
      "check: the config file has problems; nothing was probed",
    ]);
    assert.deepEqual(h.out, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config monitor - a file with problems: exit 2 before a database is opened", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "pingwatcher.yaml");
    await Deno.writeTextFile(path, "targets:\n  - host: 127.0.0.1\n    colour: red\n");
    const err: string[] = [];
    const code = await monitorCommand.run(["--data-dir", dir], {
      write: () => {},
      writeError: (text) => err.push(text),
      env: {},
      isTty: false,
      stderrIsTty: false,
      interrupted: new Promise(() => {}),
      readStdin: () => Promise.resolve(""),
    });
    assert.equal(code, 2);
    assert.deepEqual(err.join("").trimEnd().split("\n"), [
      `${path}:3:5 targets[0].colour: unknown field`,
      "monitor: the config file has problems; nothing was started",
    ]);
    await assert.rejects(Deno.stat(join(dir, "pingwatcher.db")), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
