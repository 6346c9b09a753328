// `pingwatcher service print`: the printed systemd unit and launchd plist, input validation, and
// the point of it all: the unit's own ExecStart, run as printed, serves and probes loopback with
// its narrowed permissions and never meets a denial or a prompt.
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { UsageError } from "../../api/cli/command.ts";
import { runService } from "../../api/cli/service_command.ts";
import { systemdUnit } from "../../api/cli/service_unit.ts";
import { ENV_NAMES } from "../../api/cli/env.ts";
import { ROOT, runMain } from "./run.ts";

function print(args: string[]): string {
  let out = "";
  assert.equal(runService(["print", ...args], { write: (text) => out += text }), 0);
  return out;
}

/** A unit file as sections of key → values; continuation lines joined, comments dropped. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | null = null;
  for (const line of text.replaceAll("\\\n", " ").split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const header = line.match(/^\[(\w+)\]$/);
    if (header) {
      current = new Map();
      sections.set(header[1], current);
      continue;
    }
    const pair = line.match(/^(\w+)=(.*)$/);
    assert.ok(pair && current, `not a unit line: ${line}`);
    current.set(pair[1], [...(current.get(pair[1]) ?? []), pair[2]]);
  }
  return sections;
}

/** systemd's splitting of ExecStart: whitespace-separated words, "double quotes" group. */
function splitExec(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function value(unit: Map<string, Map<string, string[]>>, section: string, key: string) {
  return unit.get(section)?.get(key)?.[0];
}

/** The <string>s of the plist's ProgramArguments, after checking that every tag is closed. */
function parsePlist(text: string): { keys: Map<string, string>; argv: string[] } {
  const body = text.replace(/<\?xml[^>]*\?>/, "").replace(/<!DOCTYPE[^>]*>/, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  const stack: string[] = [];
  for (const tag of body.matchAll(/<(\/?)(\w+)[^>]*?(\/?)>/g)) {
    if (tag[3]) continue;
    if (!tag[1]) stack.push(tag[2]);
    else assert.equal(stack.pop(), tag[2], "tags are balanced");
  }
  assert.deepEqual(stack, []);
  const unescape = (s: string) =>
    s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
  const keys = new Map<string, string>();
  for (const m of body.matchAll(/<key>(\w+)<\/key>\s*<(string|true\/|false\/|dict|array)>/g)) {
    const after = body.slice(m.index! + m[0].length);
    keys.set(m[1], m[2] === "string" ? unescape(after.slice(0, after.indexOf("<"))) : m[2]);
  }
  const array = body.match(/<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/);
  assert.ok(array);
  const argv = [...array[1].matchAll(/<string>([^<]*)<\/string>/g)].map((m) => unescape(m[1]));
  return { keys, argv };
}

function flag(argv: string[], name: string): string | undefined {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

Deno.test("service - the systemd unit runs the headless server with narrowed permissions", () => {
  const unit = parseUnit(print([
    "systemd",
    "--user",
    "pingwatcher",
    "--port",
    "8080",
    "--host",
    "0.0.0.0",
    "--dns-server",
    "127.0.0.53",
  ]));
  assert.deepEqual([...unit.keys()], ["Unit", "Service", "Install"]);
  assert.equal(value(unit, "Service", "Type"), "simple");
  assert.equal(value(unit, "Service", "Restart"), "on-failure");
  assert.equal(value(unit, "Service", "User"), "pingwatcher");
  assert.equal(value(unit, "Service", "WorkingDirectory"), "/var/lib/pingwatcher");
  assert.equal(value(unit, "Service", "StateDirectory"), "pingwatcher");
  assert.equal(value(unit, "Service", "NoNewPrivileges"), undefined, "would void file caps");
  assert.equal(value(unit, "Service", "CapabilityBoundingSet"), "CAP_NET_RAW");
  assert.equal(value(unit, "Install", "WantedBy"), "multi-user.target");
  const argv = splitExec(value(unit, "Service", "ExecStart")!);
  assert.equal(argv[1], "run");
  assert.ok(argv.includes("--no-prompt"));
  assert.equal(flag(argv, "allow-run"), "mtr-packet,ping,ping6,grep,netstat,route");
  // The start task's V8 flags (deno.json), which the unit repeats.
  const startTask: string = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks.start;
  assert.equal(flag(argv, "v8-flags"), startTask.match(/--v8-flags=(\S+)/)![1]);
  // The data directory, and main.ts's folder, whose modules the store's Worker loads.
  const program = argv.find((a) => a.endsWith("main.ts"))!;
  assert.equal(flag(argv, "allow-read"), `/var/lib/pingwatcher,${dirname(program)}`);
  assert.equal(flag(argv, "allow-write"), "/var/lib/pingwatcher");
  assert.equal(flag(argv, "allow-net"), "0.0.0.0:8080,127.0.0.53:53");
  assert.match(flag(argv, "allow-env")!, /^PINGWATCHER_/);
  assert.ok(!argv.some((a) => a === "-A" || a === "--allow-all" || a.startsWith("--allow-sys")));
  assert.match(argv.find((a) => a.endsWith("main.ts"))!, /^\/.*\/main\.ts$/);
  assert.deepEqual(argv.slice(argv.indexOf("serve")), [
    "serve",
    "--headless",
    "--data-dir",
    "/var/lib/pingwatcher",
    "--host",
    "0.0.0.0",
    "--port",
    "8080",
  ]);
});

Deno.test("service - a data directory outside /var/lib is a ReadWritePath; IPv6 in brackets", () => {
  const unit = parseUnit(print(["systemd", "--data-dir", "/srv/pw data/", "--host", "::1"]));
  assert.equal(value(unit, "Service", "StateDirectory"), undefined);
  assert.equal(value(unit, "Service", "ReadWritePaths"), `"/srv/pw data"`);
  assert.equal(value(unit, "Service", "User"), undefined);
  const argv = splitExec(value(unit, "Service", "ExecStart")!);
  assert.equal(flag(argv, "allow-read")!.split(",")[0], "/srv/pw data");
  assert.match(flag(argv, "allow-net")!, /^\[::1\]:8000(,|$)/);
});

Deno.test("service - extra destinations and alert commands widen exactly what they name", () => {
  const unit = parseUnit(print([
    "systemd",
    "--dns-server",
    "127.0.0.53",
    "--net",
    "smtp.example.com:587",
    "--net",
    "target.example",
    "--allow-command",
    "/usr/local/bin/notify",
  ]));
  const argv = splitExec(value(unit, "Service", "ExecStart")!);
  assert.equal(
    flag(argv, "allow-run"),
    "mtr-packet,ping,ping6,grep,netstat,route,/usr/local/bin/notify",
  );
  assert.equal(
    flag(argv, "allow-net"),
    "127.0.0.1:8000,127.0.0.53:53,smtp.example.com:587,target.example",
  );
});

Deno.test("service - a compiled binary is run directly; the unit says how to narrow it", () => {
  const text = systemdUnit({
    name: "pingwatcher",
    dataDir: "/var/lib/pingwatcher",
    host: "127.0.0.1",
    port: 8000,
    user: null,
    deno: null,
    program: "/usr/local/bin/pingwatcher",
    dnsServers: ["127.0.0.53"],
    net: [],
    commands: [],
    nativeProber: false,
  });
  const argv = splitExec(value(parseUnit(text), "Service", "ExecStart")!);
  assert.deepEqual(argv.slice(0, 3), ["/usr/local/bin/pingwatcher", "serve", "--headless"]);
  assert.match(
    text,
    /^# {3}deno compile --no-prompt --allow-run=mtr-packet,ping,ping6,grep,netstat,route .*--output \/usr\/local\/bin\/pingwatcher main\.ts$/m,
  );
  assert.doesNotMatch(text, /^#.*\\$/m, "no comment line ends in a backslash");
});

Deno.test("service - the launchd plist carries the same argv", () => {
  const { keys, argv } = parsePlist(print([
    "launchd",
    "--name",
    "dev.pingwatcher",
    "--user",
    "_pingwatcher",
    "--dns-server",
    "127.0.0.1",
  ]));
  assert.equal(keys.get("Label"), "dev.pingwatcher");
  assert.equal(keys.get("UserName"), "_pingwatcher");
  assert.equal(keys.get("RunAtLoad"), "true/");
  assert.equal(keys.get("KeepAlive"), "dict");
  assert.equal(keys.get("WorkingDirectory"), "/usr/local/var/pingwatcher");
  assert.equal(keys.get("StandardOutPath"), "/usr/local/var/pingwatcher/dev.pingwatcher.log");
  assert.equal(
    keys.get("StandardErrorPath"),
    "/usr/local/var/pingwatcher/dev.pingwatcher.err.log",
  );
  assert.equal(flag(argv, "allow-run"), "mtr-packet,ping,ping6,grep,netstat,route");
  assert.equal(flag(argv, "allow-write"), "/usr/local/var/pingwatcher");
  const systemd = parseUnit(
    print(["systemd", "--dns-server", "127.0.0.1", "--data-dir", "/usr/local/var/pingwatcher"]),
  );
  assert.deepEqual(argv, splitExec(value(systemd, "Service", "ExecStart")!));
});

Deno.test("service - --native-prober adds FFI and CAP_NET_RAW for the server, systemd only", () => {
  const plain = parseUnit(print(["systemd", "--user", "pingwatcher"]));
  assert.ok(!splitExec(value(plain, "Service", "ExecStart")!).includes("--allow-ffi"));
  assert.equal(value(plain, "Service", "AmbientCapabilities"), undefined);
  const native = parseUnit(print(["systemd", "--user", "pingwatcher", "--native-prober"]));
  assert.ok(splitExec(value(native, "Service", "ExecStart")!).includes("--allow-ffi"));
  assert.equal(value(native, "Service", "AmbientCapabilities"), "CAP_NET_RAW");
  assert.equal(value(native, "Service", "CapabilityBoundingSet"), "CAP_NET_RAW");
  assert.throws(
    () => runService(["print", "launchd", "--native-prober"], { write: () => {} }),
    /--native-prober: the native prober runs on Linux only/,
  );
});

Deno.test("service - bad input is a usage error naming the option", () => {
  const cases: [string[], RegExp][] = [
    [["systemd", "--data-dir", "data"], /--data-dir: "data" is not an absolute path/],
    [["systemd", "--data-dir", "/a\nExecStartPre=/bin/sh"], /--data-dir: .*newline/],
    [["systemd", "--data-dir", "/a,/etc"], /--data-dir: .*comma/],
    [["systemd", "--data-dir", "/var/lib/../etc"], /must not contain \. or \.\./],
    [["systemd", "--host", "a;b"], /--host: "a;b" is not an IP address/],
    [["systemd", "--port", "70000"], /--port: "70000" is not a port number/],
    [["systemd", "--port", "-1"], /--port/],
    [["systemd", "--user", "root\nUser=x"], /--user: .* is not a valid user name/s],
    [["systemd", "--name", "../x"], /--name:/],
    [["systemd", "--deno", "deno"], /--deno: "deno" is not an absolute path/],
    [["systemd", "--dns-server", "ns1"], /--dns-server: "ns1" is not an IP address/],
    [["systemd", "--net=a;b:25"], /--net: "a;b:25" is not HOST or HOST:PORT/],
    [["upstart"], /"upstart" is not one of systemd, launchd/],
    [["systemd", "--bogus"], /bogus/],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => print(args),
      (e: Error) => e instanceof UsageError && message.test(e.message),
      args.join(" "),
    );
  }
  assert.throws(() => runService(["show"], { write: () => {} }), UsageError);
});

Deno.test("service - from the command line a bad option is exit 2 with the usage", async () => {
  const bad = await runMain(["service", "print", "systemd", "--host", "a;b"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--host: "a;b"/);
  assert.match(bad.stderr, /Usage: pingwatcher service print systemd\|launchd/);
  assert.equal(bad.stdout, "");
  const good = await runMain(["service", "print", "systemd", "--dns-server", "127.0.0.53"]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /^ExecStart=/m);
});

/** Reads stderr into `text` as it arrives; resolves `listening` with the port. */
function watchStderr(stream: ReadableStream<Uint8Array>) {
  const state = { text: "", port: null as number | null, done: Promise.resolve() };
  state.done = (async () => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      state.text += chunk;
      const port = state.text.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (port) state.port = Number(port[1]);
    }
  })();
  return state;
}

async function until<T>(what: string, deadlineMs: number, probe: () => Promise<T | null>) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The plain unit withholds FFI, so its server never probes with its own sockets; as root on Linux
// the --native-prober unit does (elsewhere it has no raw sockets and falls back like the plain one).
const RUNS: [string[], boolean][] = [
  [[], false],
  [["--native-prober"], Deno.build.os === "linux" && Deno.uid() === 0],
];

for (const [extra, native] of RUNS) {
  Deno.test({
    name: `service - the printed ExecStart serves and probes loopback with only its permissions ${
      extra.join(" ")
    }`,
    sanitizeResources: false,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "pingwatcher-service-" });
      const unit = parseUnit(
        print(["systemd", "--data-dir", dir, "--host", "127.0.0.1", "--port", "0", ...extra]),
      );
      const [program, ...args] = splitExec(value(unit, "Service", "ExecStart")!);
      // As systemd starts it: no shell, no terminal, a bare environment, cwd = WorkingDirectory.
      const env: Record<string, string> = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
      for (const name of ["HOME", "DENO_DIR"]) {
        const found = Deno.env.get(name);
        if (found !== undefined) env[name] = found;
      }
      const child = new Deno.Command(program, {
        args,
        cwd: value(unit, "Service", "WorkingDirectory"),
        clearEnv: true,
        env,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const stderr = watchStderr(child.stderr);
      try {
        const port = await until("listening", 30_000, () => Promise.resolve(stderr.port));
        const base = `http://127.0.0.1:${port}`;
        const health = await fetch(`${base}/healthz`);
        assert.deepEqual(await health.json(), { status: "ok" });
        const probers = await (await fetch(`${base}/api/probers`)).json();
        assert.equal(probers.active === "native", native, probers.active);
        const added = await fetch(`${base}/api/targets`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ host: "127.0.0.1", interval: 1 }),
        });
        assert.equal(added.status, 201, await added.clone().text());
        const { target: { id } } = await added.json();
        // About 10 s of real operation: rounds every second, recorded (the summary reads them back
        // from the store) and answered.
        const row = await until("recorded rounds", 30_000, async () => {
          const summary = await (await fetch(`${base}/api/summary`)).json();
          const target = summary.targets.find((t: { id: number }) => t.id === id);
          return target && target.sent >= 8 ? target : null;
        });
        assert.equal(row.lost, 0);
        assert.equal(row.address, "127.0.0.1");
        const targets = await (await fetch(`${base}/api/targets`)).json();
        assert.equal(targets.targets[0].status.lastError, null);
      } finally {
        child.kill("SIGTERM");
      }
      const status = await child.status;
      await stderr.done;
      assert.doesNotMatch(
        stderr.text,
        /PermissionDenied|NotCapable|Requires \w+ access|Allow\?|prompt/i,
      );
      assert.equal(status.code, 0, stderr.text);
      assert.match(stderr.text, /INFO stopped/);
      const files: string[] = [];
      for await (const entry of Deno.readDir(dir)) files.push(entry.name);
      assert.ok(files.includes("pingwatcher.db"), files.join(", "));
      await Deno.remove(dir, { recursive: true });
    },
  });
}

Deno.test("service - --allow-env lists every PINGWATCHER_* variable the program reads", async () => {
  const read = new Set<string>();
  for (const folder of ["api", "engine", "store", "alerts"]) {
    const walk = async (dir: string): Promise<void> => {
      for await (const entry of Deno.readDir(dir)) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory) await walk(path);
        else if (path.endsWith(".ts")) {
          const text = await Deno.readTextFile(path);
          // env.PINGWATCHER_X, env["PINGWATCHER_X"], name: "PINGWATCHER_X", Deno.env.get("…")
          const reads = /(?:env\.|env\[["']|name: ["']|env\.get\(["'])(PINGWATCHER_[A-Z_]+)/g;
          for (const match of text.matchAll(reads)) read.add(match[1]);
        }
      }
    };
    await walk(ROOT + folder);
  }
  assert.ok(read.size >= 10, [...read].join(", "));
  for (const name of read) assert.ok(ENV_NAMES.includes(name), `${name} is missing from ENV_NAMES`);
});
