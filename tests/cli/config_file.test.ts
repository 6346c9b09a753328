// The config file as an operator meets it: errors that name file:line:column, field and reason
// (bad YAML, unknown field, wrong type, duplicate target, a host like `a;b`), JSON accepted, the
// starter file from init-config, and its place in the precedence flags > environment > file.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ConfigError,
  configFileSchema,
  initConfigCommand,
  parseConfigText,
  readConfig,
  STARTER_CONFIG,
  withConfigEnv,
} from "../../api/cli/config/mod.ts";
import type { CliIo } from "../../api/cli/command.ts";
import { parseServeArgs } from "../../api/cli/serve_args.ts";
import { targetCreate } from "../../api/schemas.ts";
import { isLoopbackAddress } from "./config_helpers.ts";

/** The formatted problems of a file's text (throws if the text loads cleanly). */
function problems(text: string, file = "pingwatcher.yaml"): string[] {
  try {
    parseConfigText(text, file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message.split("\n");
  }
  assert.fail("the file loaded without problems");
}

const lines = (...text: string[]) => text.join("\n") + "\n";

Deno.test("config file - a value out of range names file:line:col, the field path and the bound", () => {
  const text = lines(
    "targets:",
    "  - host: 127.0.0.1",
    "  - host: 127.0.0.2",
    "  - host: 127.0.0.3",
    "    label: third",
    "    interval: 0.05",
  );
  assert.deepEqual(problems(text), ["pingwatcher.yaml:6:5 targets[2].interval: must be >= 0.1"]);
});

Deno.test("config file - bad YAML is reported at its line and column, nothing else is checked", () => {
  const found = problems(lines("targets:", "  - host: 127.0.0.1", "    label: [unclosed"));
  assert.equal(found.length >= 1, true);
  assert.match(found[0], /^pingwatcher\.yaml:\d+:\d+: not valid YAML: /);
  const dup = problems(lines("server:", "  port: 1", "  port: 2"));
  assert.match(dup[0], /^pingwatcher\.yaml:3:3: not valid YAML: duplicated mapping key/);
});

Deno.test("config file - an unknown field is named where it stands, at any depth", () => {
  const text = lines(
    "targets:",
    "  - host: 127.0.0.1",
    "    intervall: 5",
    "server:",
    "  listen: 0.0.0.0",
    "colour: blue",
  );
  assert.deepEqual(problems(text).sort(), [
    "pingwatcher.yaml:3:5 targets[0].intervall: unknown field",
    "pingwatcher.yaml:5:3 server.listen: unknown field",
    "pingwatcher.yaml:6:1 colour: unknown field",
  ]);
});

Deno.test("config file - a wrong type says what was expected and what came", () => {
  const text = lines(
    "targets:",
    "  - host: 127.0.0.1",
    "    interval: fast",
    "    protocol: smoke",
    "retention: 3",
  );
  assert.deepEqual(problems(text), [
    "pingwatcher.yaml:3:5 targets[0].interval: must be a number (got string)",
    'pingwatcher.yaml:4:5 targets[0].protocol: must be one of "icmp", "udp", "tcp"',
    "pingwatcher.yaml:5:1 retention: must be a mapping (key: value) (got number)",
  ]);
  assert.deepEqual(problems(lines("targets:", "  - label: no host")), [
    "pingwatcher.yaml:2:5 targets[0].host: is required",
  ]);
});

Deno.test("config file - the same target twice is refused, also when spelled differently", () => {
  const text = lines(
    "targets:",
    "  - host: 127.0.0.1",
    "  - host: ::1",
    "  - host: LOCALHOST",
    "  - host: localhost",
    "  - host: 0:0:0:0:0:0:0:1",
  );
  const found = problems(text);
  assert.deepEqual(found, [
    "pingwatcher.yaml:5:5 targets[3].host: duplicate target: localhost is already targets[2]",
  ]);
});

Deno.test("config file - a host like a;b or -x is refused before anything runs", () => {
  const text = lines("targets:", "  - host: a;b", '  - host: "-x"', "  - host: 127.0.0.1");
  assert.deepEqual(problems(text), [
    'pingwatcher.yaml:2:5 targets[0].host: "a;b" is not an IP address or a valid host name',
    'pingwatcher.yaml:3:5 targets[1].host: "-x" is not an IP address or a valid host name',
  ]);
});

Deno.test("config file - options are resolved as the API would: a port needs udp or tcp", () => {
  const text = lines(
    "configurations:",
    "  - name: udp",
    "    options: { protocol: udp }",
    "  - name: udp",
    "targets:",
    "  - host: 127.0.0.1",
    "    port: 443",
    "  - host: 127.0.0.2",
    "    configuration: udp",
    "    port: 443",
  );
  assert.deepEqual(problems(text), [
    'pingwatcher.yaml:4:5 configurations[1].name: duplicate of configurations[0] ("udp")',
    "pingwatcher.yaml:7:5 targets[0].port: a port only applies to udp and tcp",
  ]);
});

Deno.test("config file - the alerts section is the alerts config, checked by its own schema", () => {
  const text = lines(
    "alerts:",
    "  commandAllowlist: [/usr/local/bin/page, relative/tool]",
    "  queueLimit: 5",
  );
  assert.deepEqual(problems(text), [
    "pingwatcher.yaml:2:43 alerts.commandAllowlist[1]: must be an absolute path",
    "pingwatcher.yaml:3:3 alerts.queueLimit: must be >= 100",
  ]);
});

Deno.test("config file - JSON is accepted and errors point into it the same way", () => {
  const text = '{\n  "targets": [\n    {"host": "127.0.0.1", "maxHops": 99}\n  ]\n}\n';
  assert.deepEqual(problems(text, "pw.json"), ["pw.json:3:27 targets[0].maxHops: must be <= 64"]);
  const ok = parseConfigText('{"targets": [{"host": "127.0.0.1", "interval": 1}]}', "pw.json");
  assert.deepEqual(ok.data.targets, [{ host: "127.0.0.1", interval: 1 }]);
});

Deno.test("config file - targets use the API's own schema: every API field is a file field", () => {
  const fileFields = Object.keys(configFileSchema.shape.targets.unwrap().element.shape);
  for (const field of Object.keys(targetCreate.shape)) assert.ok(fileFields.includes(field), field);
  assert.deepEqual(fileFields.filter((f) => !(f in targetCreate.shape)), []);
});

Deno.test("config file - the starter file loads cleanly and declares loopback targets only", () => {
  const loaded = parseConfigText(STARTER_CONFIG, "pingwatcher.yaml");
  const hosts = (loaded.data.targets ?? []).map((t) => t.host);
  assert.deepEqual(hosts, ["127.0.0.1", "::1"]);
  assert.ok(hosts.every(isLoopbackAddress));
  // Every commented-out line is a real field too: uncommented, the file still loads.
  const uncommented = STARTER_CONFIG.split("\n").map((line) =>
    line.replace(/^(\s+)# (\w+: .*)$/, "$1$2").replace(/^# {3}/, "  ")
      .replace(/^# (server|retention|auth|interfaces|alerts|alertRules):/, "$1:")
  ).join("\n").replace("tokenSha256: ...", `tokenSha256: ${"ab".repeat(32)}`);
  const full = parseConfigText(uncommented, "full.yaml");
  assert.deepEqual(Object.keys(full.data).sort(), [
    "alertRules",
    "alerts",
    "auth",
    "configurations",
    "interfaces",
    "retention",
    "server",
    "targets",
  ]);
  assert.equal(full.data.targets?.[0].interval, 2.5);
  assert.equal(full.data.server?.host, "127.0.0.1");
});

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    write: (t) => out.push(t),
    writeError: (t) => err.push(t),
    env,
    isTty: false,
    stderrIsTty: false,
    interrupted: new Promise(() => {}),
    readStdin: () => Promise.resolve(""),
  };
  return { cli, out, err };
}

Deno.test("init-config - writes the starter file, refuses to overwrite without --force", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = io({ PINGWATCHER_DATA_DIR: dir });
    assert.equal(await initConfigCommand.run([], first.cli), 0);
    const path = join(dir, "pingwatcher.yaml");
    assert.equal(await Deno.readTextFile(path), STARTER_CONFIG);

    await Deno.writeTextFile(path, "targets: []\n");
    const again = io({ PINGWATCHER_DATA_DIR: dir });
    assert.equal(await initConfigCommand.run([], again.cli), 1);
    assert.match(again.err.join(""), /already exists; nothing written \(use --force\)/);
    assert.equal(await Deno.readTextFile(path), "targets: []\n", "the operator's file is kept");

    assert.equal(
      await initConfigCommand.run(["--force"], io({ PINGWATCHER_DATA_DIR: dir }).cli),
      0,
    );
    assert.equal(await Deno.readTextFile(path), STARTER_CONFIG);

    const named = join(dir, "etc", "pw.yaml");
    assert.equal(await initConfigCommand.run([named], io().cli), 0);
    const loaded = await readConfig({ path: named, named: true });
    assert.equal(loaded?.data.targets?.length, 2, "the written file loads through the loader");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config file - a named file must exist; the default one may be absent", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = join(dir, "nope.yaml");
    assert.equal(await readConfig({ path: missing, named: false }), null);
    await assert.rejects(
      readConfig({ path: missing, named: true }),
      (error: Error) => error instanceof ConfigError && error.message.includes("does not exist"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config file - precedence: flags > environment > file > defaults", () => {
  const file = parseConfigText(
    lines(
      "server: { host: 127.0.0.2, port: 9100, headless: true, corsOrigins: [https://a.example] }",
      "retention: { rawDays: 7, hourDays: 400 }",
    ),
    "pingwatcher.yaml",
  ).data;
  const fromFile = parseServeArgs([], withConfigEnv({}, file));
  assert.deepEqual(
    [fromFile.listen, fromFile.port, fromFile.headless, fromFile.corsOrigins],
    ["127.0.0.2", 9100, true, ["https://a.example"]],
  );
  assert.deepEqual(fromFile.retention, { rawDays: 7, minuteDays: undefined, hourDays: 400 });
  const env = { PINGWATCHER_PORT: "9200", PINGWATCHER_RAW_DAYS: "2", PINGWATCHER_HOST: "" };
  const fromEnv = parseServeArgs([], withConfigEnv(env, file));
  assert.deepEqual([fromEnv.listen, fromEnv.port, fromEnv.retention.rawDays], [
    "127.0.0.2",
    9200,
    2,
  ], "a set variable beats the file; an empty one does not");
  const flags = parseServeArgs(["--port", "9300", "--raw-days", "1"], withConfigEnv(env, file));
  assert.deepEqual([flags.port, flags.retention.rawDays], [9300, 1]);
  const defaults = parseServeArgs([], withConfigEnv({}, null));
  assert.deepEqual([defaults.listen, defaults.port], ["127.0.0.1", 8000]);
});

Deno.test("config file - the interfaces section sets the interface monitor under flags and env", () => {
  const file = parseConfigText(
    lines(
      "interfaces:",
      "  intervalMs: 5000",
      "  include: [eth*, wg0]",
      "  exclude: [eth9]",
      "  primary: eth0",
    ),
    "pingwatcher.yaml",
  ).data;
  const fromFile = parseServeArgs([], withConfigEnv({}, file));
  assert.deepEqual(fromFile.interfaces, {
    enabled: true,
    flags: { intervalMs: 5000, include: ["eth*", "wg0"], exclude: ["eth9"], primary: "eth0" },
  });
  const flags = parseServeArgs(
    ["--interfaces-interval", "30", "--interfaces-primary", "wg0"],
    withConfigEnv({ PINGWATCHER_INTERFACES_EXCLUDE: "eth8" }, file),
  );
  assert.deepEqual(
    [
      flags.interfaces.flags.intervalMs,
      flags.interfaces.flags.primary,
      flags.interfaces.flags.exclude,
    ],
    [30_000, "wg0", ["eth8"]],
  );
  const off = parseConfigText("interfaces: { off: true }", "pingwatcher.yaml").data;
  assert.equal(parseServeArgs([], withConfigEnv({}, off)).interfaces.enabled, false);
  assert.throws(
    () => parseConfigText(lines("interfaces:", "  intervalMs: 10"), "pingwatcher.yaml"),
    /pingwatcher\.yaml:2:3 interfaces\.intervalMs: /,
  );
});

Deno.test("config file - the README's example loads cleanly and names loopback targets only", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const section = readme.slice(readme.indexOf("## Config file"));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, "the section has a yaml example");
  const loaded = parseConfigText(example, "README.md");
  assert.ok((loaded.data.targets ?? []).every((t) => isLoopbackAddress(t.host)));
  assert.equal(loaded.data.alertRules?.[0].name, "loopback loss");
});
