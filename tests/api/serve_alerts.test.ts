import assert from "node:assert/strict";
import { runServe } from "../../api/cli/serve.ts";
import { parseServeArgs } from "../../api/cli/serve_args.ts";
import { systemClock } from "../../engine/clock.ts";
import { FakeProber, straightRoute } from "../../engine/probers/fake.ts";

const quiet = { write: () => {}, env: {} };

Deno.test("serve - retention and the alerts config are options, checked at start", async () => {
  const args = parseServeArgs(["--raw-days", "1.5"], { PINGWATCHER_HOUR_DAYS: "400" });
  assert.deepEqual(args.retention, { rawDays: 1.5, minuteDays: undefined, hourDays: 400 });
  assert.throws(() => parseServeArgs(["--minute-days", "0"]), /minute-days/);
  assert.throws(() => parseServeArgs(["--raw-days", "x"]), /raw-days/);
  const dir = await Deno.makeTempDir();
  const errors: string[] = [];
  const run = (argv: string[]) =>
    runServe(["--port", "0", "--db", `${dir}/a.db`, ...argv], {
      ...quiet,
      writeError: (text) => errors.push(text),
      selectProber: () => Promise.reject(new Error("must not be reached")),
      interrupted: new Promise(() => {}),
    });
  assert.equal(await run(["--alerts-config", `${dir}/missing.json`]), 2);
  assert.match(errors.join(""), /missing\.json does not exist/);
  await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ maxConcurrentActions: -1 }));
  assert.equal(await run(["--alerts-config", `${dir}/bad.json`]), 2);
  assert.match(errors.join(""), /alerts config: maxConcurrentActions/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("serve - the alert service runs: a rule fires and the event is pushed", async () => {
  const dir = await Deno.makeTempDir();
  const prober = new FakeProber({
    clock: systemClock,
    network: { "127.0.0.1": straightRoute(["10.0.0.1", "127.0.0.1"], { stepMs: 0.2 }) },
  });
  let stop!: () => void;
  const interrupted = new Promise<void>((resolve) => stop = resolve);
  let listened!: (url: string) => void;
  const url = new Promise<string>((resolve) => listened = resolve);
  const running = runServe(["--port", "0", "--data-dir", dir, "--headless"], {
    ...quiet,
    writeError: () => {},
    selectProber: () => Promise.resolve({ ok: true, prober }),
    interrupted,
    onListen: listened,
  });
  try {
    const base = await url;
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const rule = await post("/api/alerts/rules", {
      name: "final hop slow",
      condition: { metric: "curMs", op: ">", threshold: 50 },
      trigger: { consecutive: 2 },
      actions: [{ type: "logFile" }],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const socket = new WebSocket(`${base.replace("http", "ws")}/ws`);
    const alert = new Promise<{ kind: string; ruleName: string }>((resolve) => {
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === "hello") {
          socket.send(JSON.stringify({ type: "subscribe", targets: "all" }));
        }
        const found = message.events?.find((e: { type: string }) => e.type === "alert");
        if (found) resolve(found.alert);
      };
    });
    const created = await post("/api/targets", { host: "127.0.0.1", interval: 0.1, timeout: 1 });
    assert.equal(created.status, 201);
    // The destination slows to 80 ms: the rule's condition holds from now on.
    prober.setRoute("127.0.0.1", straightRoute(["10.0.0.1", "127.0.0.1"], { stepMs: 80 }));
    const pushed = await alert;
    assert.deepEqual([pushed.kind, pushed.ruleName], ["firing", "final hop slow"]);
    const active = await fetch(`${base}/api/alerts/active`).then((r) => r.json());
    assert.equal(JSON.stringify(active).includes("final hop slow"), true);
    const closed = new Promise((resolve) => socket.onclose = resolve);
    stop();
    assert.equal(await running, 0);
    await closed;
    const logged = await Deno.readTextFile(`${dir}/alerts/alerts.jsonl`);
    assert.match(logged, /"kind":"firing"/);
  } finally {
    stop();
    await running.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
