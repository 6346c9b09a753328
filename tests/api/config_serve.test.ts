// The server with a config file, on loopback: a file with problems stops it (exit 2) before a
// database is opened or a prober chosen; a good one sets the listen port and declares targets;
// editing the file reloads it while it runs, and SIGHUP does too.
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigReloader, type ReloadOutcome } from "../../api/cli/config/mod.ts";
import { runServe } from "../../api/cli/serve.ts";
import { systemClock } from "../../engine/clock.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { setup } from "./helpers.ts";

function fakeProber() {
  return new FakeProber({
    clock: systemClock,
    network: {
      "127.0.0.1": straightRoute(["127.0.0.1"]),
      "127.0.0.2": straightRoute(["127.0.0.2"]),
    },
  });
}

Deno.test("config serve - a file with problems: exit 2, every problem named, nothing opened", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "pingwatcher.yaml"),
      "targets:\n  - host: 127.0.0.1\n  - host: a;b\n  - host: 127.0.0.1\n",
    );
    const err: string[] = [];
    let proberChosen = false;
    const code = await runServe(["--data-dir", dir, "--port", "0"], {
      write: () => {},
      writeError: (text) => err.push(text),
      env: {},
      selectProber: () => {
        proberChosen = true;
        return Promise.resolve({ ok: true, prober: fakeProber() });
      },
      interrupted: new Promise(() => {}),
    });
    assert.equal(code, 2);
    const file = join(dir, "pingwatcher.yaml");
    assert.deepEqual(err.join("").trimEnd().split("\n"), [
      `${file}:3:5 targets[1].host: "a;b" is not an IP address or a valid host name`,
      `${file}:4:5 targets[2].host: duplicate target: 127.0.0.1 is already targets[0]`,
      "pingwatcher: the config file has 2 problems; nothing was started",
    ]);
    assert.equal(proberChosen, false, "no prober was even chosen");
    await assert.rejects(Deno.stat(join(dir, "pingwatcher.db")), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config serve - --config PATH that does not exist is refused with exit 2", async () => {
  const err: string[] = [];
  const code = await runServe(["--config", "/nonexistent/pw.yaml", "--db", ":memory:"], {
    write: () => {},
    writeError: (text) => err.push(text),
    env: {},
    selectProber: () => Promise.resolve({ ok: true, prober: fakeProber() }),
    interrupted: new Promise(() => {}),
  });
  assert.equal(code, 2);
  assert.match(err.join(""), /^\/nonexistent\/pw\.yaml: does not exist/);
});

Deno.test("config serve - the file sets the port and targets; an edit is reloaded while running", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "pw.yaml");
  await Deno.writeTextFile(
    path,
    "server:\n  port: 0\n  headless: true\ntargets:\n  - host: 127.0.0.1\n    interval: 0.5\n",
  );
  let stop!: () => void;
  const interrupted = new Promise<void>((resolve) => stop = resolve);
  let listened!: (url: string) => void;
  const url = new Promise<string>((resolve) => listened = resolve);
  const reloads: ReloadOutcome[] = [];
  let reloaded!: (outcome: ReloadOutcome) => void;
  const nextReload = new Promise<ReloadOutcome>((resolve) => reloaded = resolve);
  const running = runServe(["--data-dir", dir], {
    write: () => {},
    writeError: () => {},
    env: { PINGWATCHER_CONFIG: path },
    selectProber: () => Promise.resolve({ ok: true, prober: fakeProber() }),
    interrupted,
    onListen: listened,
    onConfigReload: (outcome) => {
      reloads.push(outcome);
      reloaded(outcome);
    },
  });
  try {
    const base = await url;
    assert.notEqual(new URL(base).port, "8000", "port 0 from the file: any free port");
    const first = await (await fetch(`${base}/api/targets`)).json();
    assert.deepEqual(
      // deno-lint-ignore no-explicit-any
      first.targets.map((t: any) => [t.host, t.declared, t.interval]),
      [["127.0.0.1", true, 0.5]],
    );
    await Deno.writeTextFile(
      path,
      "server:\n  port: 0\n  headless: true\ntargets:\n  - host: 127.0.0.1\n    interval: 0.5\n" +
        "  - host: 127.0.0.2\n    groups: [new]\n",
    );
    const outcome = await nextReload;
    assert.equal(outcome.ok, true);
    assert.deepEqual(outcome.result?.added, ["127.0.0.2"]);
    const second = await (await fetch(`${base}/api/targets`)).json();
    assert.deepEqual(
      // deno-lint-ignore no-explicit-any
      second.targets.map((t: any) => [t.host, t.declared, t.groups]),
      [["127.0.0.1", true, []], ["127.0.0.2", true, ["new"]]],
    );
  } finally {
    stop();
    assert.equal(await running, 0);
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(reloads.every((r) => r.ok));
});

Deno.test("config serve - SIGHUP reloads the file", async () => {
  const t = await setup();
  const dir = await Deno.makeTempDir();
  const path = join(dir, "pingwatcher.yaml");
  await Deno.writeTextFile(path, "targets:\n  - host: 127.0.0.1\n");
  let heard!: (outcome: ReloadOutcome) => void;
  const reload = new Promise<ReloadOutcome>((resolve) => heard = resolve);
  const reloader = new ConfigReloader({
    location: { path, named: true },
    service: t.app.service,
    prober: t.fake,
    onReload: heard,
  });
  try {
    reloader.watch();
    Deno.kill(Deno.pid, "SIGHUP");
    const outcome = await reload;
    assert.deepEqual(outcome.result?.added, ["127.0.0.1"]);
    const list = await t.call("GET", "/api/targets");
    assert.equal(list.json.targets[0].declared, true);
  } finally {
    reloader.stop();
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});
