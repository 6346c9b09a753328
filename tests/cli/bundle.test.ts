// The program must run from one bundled file in an empty directory (the `deno compile` shape):
// no reads of repository files at run time. `deno compile` itself needs Deno's download host,
// which this machine cannot reach, so `deno bundle` stands in for it: the same module graph in
// one file, with the UI bundle and the migrations inside.
import assert from "node:assert/strict";
import { PROBER_PROGRAMS, selectProber } from "../../engine/probers/mod.ts";
import { INTERFACE_READER_PROGRAMS } from "../../engine/netif/mod.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const probe = await selectProber("auto");
if (probe.ok) await probe.prober.close();

async function bundleInto(dir: string): Promise<string> {
  const bundle = `${dir}/pingwatcher.js`;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform=deno", "-o", bundle, MAIN],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
  return bundle;
}

/**
 * The narrowed permissions: files only in the data directory, probers, loopback. `programDir`:
 * it may also read its own folder, to start the store's Worker from itself (store/worker/).
 * `ffi`: --allow-ffi too, as the start task and the binary have (the native prober).
 */
function narrowed(dataDir: string, programDir?: string, ffi = false): string[] {
  return [
    "--no-prompt",
    `--allow-read=${programDir ? `${dataDir},${programDir}` : dataDir}`,
    `--allow-write=${dataDir}`,
    `--allow-run=${[...PROBER_PROGRAMS, ...INTERFACE_READER_PROGRAMS].join(",")}`,
    "--allow-net=127.0.0.1",
    "--allow-env",
    "--allow-sys",
    ...(ffi ? ["--allow-ffi"] : []),
  ];
}

/** Every file access the runtime checked (DENO_AUDIT_PERMISSIONS), granted or denied. */
async function fileAccesses(auditLog: string): Promise<{ permission: string; value: string }[]> {
  const text = await Deno.readTextFile(auditLog).catch(() => "");
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line))
    .filter((entry) => entry.permission === "read" || entry.permission === "write");
}

Deno.test({
  name: "bundle - main.ts bundled alone runs trace from an empty directory",
  ignore: !probe.ok,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const bundle = await bundleInto(dir);
      const run = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          `--allow-run=${[...PROBER_PROGRAMS, ...INTERFACE_READER_PROGRAMS].join(",")}`,
          "--allow-net",
          "--allow-env",
          "--allow-sys",
          "--allow-ffi",
          bundle,
          "trace",
          "127.0.0.1",
          "--json",
          "--count",
          "2",
          "--interval",
          "0.1",
        ],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
      const report = JSON.parse(new TextDecoder().decode(run.stdout));
      assert.equal(report.samples, 2);
      assert.equal(report.hops.at(-1).ip, "127.0.0.1");
      // The compiled program's prober where it can open raw sockets: FFI works from the bundle.
      if (Deno.build.os === "linux" && Deno.uid() === 0) assert.equal(report.prober, "native");
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["pingwatcher.js"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Reads stderr into `text` as it arrives; `port` once the server says where it listens. */
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

Deno.test({
  name: "bundle - first start from an empty directory, files only in the data directory: " +
    "serves the UI and API, probes nothing until a target is added, reads nothing else",
  ignore: !probe.ok,
  sanitizeResources: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "pingwatcher-bundle-" });
    const bundle = await bundleInto(root);
    const cwd = `${root}/empty`;
    await Deno.mkdir(cwd);
    // The default data directory of a first start (XDG on Linux), created by the program.
    const dataDir = `${root}/xdg/pingwatcher`;
    const audit = `${root}/audit.jsonl`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...narrowed(dataDir, root, true), bundle, "serve", "--port", "0"],
      cwd,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: `${root}/home`,
        XDG_DATA_HOME: `${root}/xdg`,
        DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
        DENO_AUDIT_PERMISSIONS: audit,
        NO_COLOR: "1",
      },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = watchStderr(child.stderr);
    try {
      const port = await until("listening", 30_000, () => Promise.resolve(stderr.port));
      const base = `http://127.0.0.1:${port}`;
      const page = await fetch(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>PingWatcher<\/title>/);
      const script = await fetch(`${base}/app.js`);
      assert.equal(script.status, 200);
      assert.ok((await script.text()).length > 10_000, "the UI bundle is served from the binary");
      // First start: no targets, so nothing is probed until the user adds one.
      assert.deepEqual((await (await fetch(`${base}/api/targets`)).json()).targets, []);
      assert.deepEqual((await (await fetch(`${base}/api/summary`)).json()).targets, []);
      const added = await fetch(`${base}/api/targets`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ host: "127.0.0.1", interval: 1 }),
      });
      assert.equal(added.status, 201, await added.clone().text());
      const row = await until("recorded rounds", 30_000, async () => {
        const summary = await (await fetch(`${base}/api/summary`)).json();
        return summary.targets[0]?.sent >= 2 ? summary.targets[0] : null;
      });
      assert.equal(row.address, "127.0.0.1");
    } finally {
      child.kill("SIGTERM");
    }
    const status = await child.status;
    await stderr.done;
    try {
      assert.equal(status.code, 0, stderr.text);
      assert.doesNotMatch(stderr.text, /PermissionDenied|NotCapable|Requires \w+ access/i);
      assert.doesNotMatch(
        stderr.text,
        /runs in the engine's thread/,
        "the store ran in its Worker",
      );
      const accesses = await fileAccesses(audit);
      assert.ok(accesses.length > 0, "the audit log recorded the database's accesses");
      // The interface monitor first tries the kernel's counters directly; Deno refuses /proc and
      // /sys below --allow-all (denied, so nothing is read) and it falls back to grep. Those two
      // trees are the only accesses allowed outside the data directory.
      const kernelCounters = (path: string) => /^\/(proc|sys)\//.test(path);
      // The program's own file is read once more, to start the store's Worker from it.
      const escaped = accesses.filter((a) =>
        a.value !== dataDir && !a.value.startsWith(`${dataDir}/`) && !kernelCounters(a.value) &&
        a.value !== bundle
      );
      assert.deepEqual(escaped, [], "file access outside the data directory");
      assert.ok([...Deno.readDirSync(dataDir)].some((e) => e.name === "pingwatcher.db"));
      assert.deepEqual([...Deno.readDirSync(cwd)], [], "nothing written to the working directory");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("bundle - with no prober on PATH, the first start names the fix and exits 4", async () => {
  const root = await Deno.makeTempDir({ prefix: "pingwatcher-noprober-" });
  try {
    const bundle = await bundleInto(root);
    const dataDir = `${root}/data`;
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...narrowed(dataDir), bundle, "serve", "--data-dir", dataDir, "--port", "0"],
      cwd: root,
      clearEnv: true,
      env: { PATH: `${root}/empty-path`, HOME: root, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 4, stderr);
    assert.match(stderr, /no working prober/);
    assert.match(stderr, /^native: needs --allow-ffi/m);
    assert.match(stderr, /^mtr-packet: not found/m);
    assert.match(stderr, /^ping: not found/m);
    assert.match(stderr, /^To fix this on Linux: install mtr-tiny \(.*apt install mtr-tiny/m);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("bundle - --version names the program, the runtime and the platform", async () => {
  const root = await Deno.makeTempDir({ prefix: "pingwatcher-version-" });
  try {
    const bundle = await bundleInto(root);
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...narrowed(`${root}/data`), bundle, "--version"],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.match(
      new TextDecoder().decode(run.stdout),
      new RegExp(`^pingwatcher \\d+\\.\\d+\\.\\d+ \\(deno ${Deno.version.deno}, ${Deno.build.os}-`),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
