// The command table as users meet it: subprocesses with the `deno task start` permissions.
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore } from "../../store/sqlite/mod.ts";
import { UsageError } from "../../api/cli/command.ts";
import { COMMANDS } from "../../api/cli/commands.ts";
import { parseMonitorArgs } from "../../api/cli/monitor.ts";
import { parseServeArgs } from "../../api/cli/serve_args.ts";
import { parseTraceArgs } from "../../api/cli/trace_args.ts";
import { resolveLogLevel } from "../../api/cli/settings.ts";
import { MAIN, runMain, taskPermissions } from "./run.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "pingwatcher-cli-" });
}

async function entries(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names;
}

Deno.test("cli - --help lists every command of the table", async () => {
  const { code, stdout } = await runMain(["--help"]);
  assert.equal(code, 0);
  for (const command of COMMANDS) assert.match(stdout, new RegExp(`^  ${command.name} `, "m"));
});

Deno.test("cli - CMD --help prints that command's usage", async () => {
  for (const command of COMMANDS) {
    const { code, stdout } = await runMain([command.name, "--help"]);
    assert.equal(code, 0, command.name);
    assert.equal(stdout, command.usage + "\n", command.name);
  }
});

Deno.test("cli - an unknown command is a usage error that writes and starts nothing", async () => {
  const dir = await tempDir();
  const data = `${dir}/data`;
  const { code, stderr, stdout } = await runMain(
    ["targets", "add", "127.0.0.9", "--data-dir", data, "--headless"],
  );
  assert.equal(code, 2);
  assert.match(stderr, /unknown command 'targets'/);
  assert.match(stderr, /pingwatcher serve targets/);
  assert.equal(stdout, "");
  assert.deepEqual(await entries(data), [], "no database file was created");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cli - a bad flag is exit 2 with the command's usage", async () => {
  const { code, stderr } = await runMain(["trace", "127.0.0.1", "--probe-port", "x"]);
  assert.equal(code, 2);
  assert.match(stderr, /--probe-port: "x" is not a number/);
  assert.match(stderr, /Usage: pingwatcher trace HOST/);
});

Deno.test("cli - --log-level beats PINGWATCHER_LOG_LEVEL", () => {
  const env = { PINGWATCHER_LOG_LEVEL: "error" };
  assert.deepEqual(resolveLogLevel(["--log-level", "debug", "x"], env), {
    level: "debug",
    rest: ["x"],
  });
  assert.equal(resolveLogLevel(["--log-level=warn"], env).level, "warn");
  assert.equal(resolveLogLevel([], env).level, "error");
  assert.equal(resolveLogLevel([], {}).level, "info");
});

Deno.test("cli - serve logs at the flag's level, not the environment's", async () => {
  const dir = await tempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...(await taskPermissions()),
      MAIN,
      "serve",
      "--headless",
      "--port",
      "0",
      "--data-dir",
      dir,
      "--log-level",
      "info",
    ],
    env: { PINGWATCHER_LOG_LEVEL: "error", NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
    // A safety net so a regression fails instead of hanging; nothing asserts on time.
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  let seen = "";
  const decoder = new TextDecoder();
  let killed = false;
  // Keep reading to the end: the server logs its shutdown to the same pipe.
  for await (const chunk of child.stderr) {
    seen += decoder.decode(chunk);
    if (!killed && seen.includes("PingWatcher listening on")) {
      killed = true;
      child.kill("SIGTERM");
    }
  }
  assert.match(seen, /INFO PingWatcher listening on http:\/\/127\.0\.0\.1:\d+/);
  const status = await child.status;
  assert.equal(status.code, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cli - monitor without targets says how to add one", async () => {
  const dir = await tempDir();
  const { code, stdout } = await runMain(["monitor", "--data-dir", dir]);
  assert.equal(code, 0);
  assert.match(stdout, /No targets yet/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cli - monitor 127.0.0.1 adds the target, shows it and stops cleanly on SIGTERM", async () => {
  const dir = await tempDir();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...(await taskPermissions()),
      MAIN,
      "monitor",
      "127.0.0.1",
      "--interval",
      "0.5",
      "--data-dir",
      dir,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000), // a safety net against a hang, not a timing assertion
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let seen = "";
  let stopped = false;
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    seen += decoder.decode(chunk);
    if (!stopped && seen.includes("127.0.0.1")) {
      stopped = true;
      child.kill("SIGTERM");
    }
  }
  const status = await child.status;
  assert.equal(status.code, 0, await stderr);
  assert.match(seen, /127\.0\.0\.1/);
  const store = openSqliteStore(join(dir, "pingwatcher.db"));
  try {
    assert.deepEqual((await store.listTargets()).map((t) => t.host), ["127.0.0.1"]);
  } finally {
    await store.close();
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cli - passwd, seed and cleanup run with the task's permissions", async () => {
  const dir = await tempDir();
  const passwd = await runMain(["passwd", "--data-dir", dir], { stdin: "correct horse\n" });
  assert.equal(passwd.code, 0, passwd.stderr);
  assert.match(passwd.stdout, /password set in/);
  const seed = await runMain(
    ["seed", "--targets", "1", "--days", "0.01", "--interval", "60", "--data-dir", dir],
  );
  assert.equal(seed.code, 0, seed.stderr);
  const cleanup = await runMain(["cleanup", "--data-dir", dir]);
  assert.equal(cleanup.code, 0, cleanup.stderr);
  assert.match(cleanup.stdout, /^cleanup: deleted \d+ rows/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cli - trace 127.0.0.1 --json runs with the task's permissions", async () => {
  const { code, stdout, stderr } = await runMain(["trace", "127.0.0.1", "--count", "1", "--json"]);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout);
  assert.equal(result.target, "127.0.0.1");
  assert.ok(Array.isArray(result.hops) && result.hops.length >= 1);
});

Deno.test("cli - --probe-port everywhere; the old spellings still work, conflicts are refused", () => {
  const udp = ["--protocol", "udp"];
  assert.equal(parseServeArgs([...udp, "--probe-port", "5000"]).options.port, 5000);
  assert.equal(parseServeArgs([...udp, "--port-probe", "5001"]).options.port, 5001);
  assert.equal(parseServeArgs([...udp, "--port", "9000"]).port, 9000, "--port is the HTTP port");
  assert.throws(
    () => parseServeArgs([...udp, "--probe-port", "1", "--port-probe", "2"]),
    UsageError,
  );
  assert.equal(
    parseTraceArgs(["127.0.0.1", ...udp, "--probe-port", "5002"], false).options.port,
    5002,
  );
  assert.equal(parseTraceArgs(["127.0.0.1", ...udp, "--port", "5003"], false).options.port, 5003);
  assert.equal(parseMonitorArgs([...udp, "--port", "5004"]).options.port, 5004);
  assert.equal(parseMonitorArgs([...udp, "--probe-port", "5005"]).options.port, 5005);
});
