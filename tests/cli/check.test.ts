import assert from "node:assert/strict";
import { join } from "node:path";
import { type CheckDeps, runCheck } from "../../api/cli/check.ts";
import { CHECK_USAGE } from "../../api/cli/check_args.ts";
import { UsageError } from "../../api/cli/command.ts";
import { ManualClock } from "../../engine/clock.ts";
import { resolveTargetOptions } from "../../engine/mod.ts";
import { type FakeHop, FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import { openStore } from "../../store/mod.ts";
import { driveUntil } from "../engine/helpers.ts";
import { runMain } from "./run.ts";

const DEST = "10.0.0.9";
const OTHER = "10.0.0.8";

/** The destination answers in 10, 20, 30 … ms: one more 10 ms per second of simulated time. */
const SLOWING: FakeHop[] = [
  { ip: "10.0.0.1", rttMs: 1 },
  { ip: "10.0.0.2", rttMs: 2 },
  { rttMs: ({ nowMs }) => 10 * (Math.floor(nowMs / 1000) + 1) },
];

/** Every second round (1 s apart) the destination's answer is later than the 0.5 s timeout. */
const LOSSY: FakeHop[] = [
  { ip: "10.0.0.1", rttMs: 1 },
  { rttMs: ({ nowMs }) => Math.floor(nowMs / 1000) % 2 ? 99_999 : 5 },
];

const ESC = "\x1b";
const TIMING = ["--interval", "1", "--timeout", "0.5"];

interface Harness {
  fake: FakeProber;
  out: string[];
  err: string[];
  deps: CheckDeps;
  run(argv: string[]): Promise<number>;
  /** Without driving the clock: for command lines refused before anything waits. */
  direct(argv: string[]): Promise<number>;
}

function harness(
  options: {
    network?: Record<string, FakeHop[]>;
    isTty?: boolean;
    env?: Record<string, string>;
    dbPath?: string;
    proberFails?: boolean;
  } = {},
): Harness {
  const clock = new ManualClock();
  const network = options.network ?? { [DEST]: straightRoute(["10.0.0.1", "10.0.0.2", DEST]) };
  const fake = new FakeProber({ clock, network });
  const out: string[] = [];
  const err: string[] = [];
  const deps: CheckDeps = {
    write: (text) => out.push(text),
    writeError: (text) => err.push(text),
    isTty: options.isTty ?? false,
    env: options.env ?? {},
    selectProber: () =>
      Promise.resolve(
        options.proberFails
          ? { ok: false, reason: "mtr-packet: not installed" }
          : { ok: true, prober: fake },
      ),
    addressLookup: (host) =>
      host === "dest.example"
        ? Promise.resolve([DEST])
        : /^[\d.:]+$/.test(host)
        ? Promise.resolve([host])
        : Promise.reject(new Error("NXDOMAIN")),
    databasePath: () => options.dbPath ?? "/nonexistent/pingwatcher.db",
    clock,
  };
  const run = (argv: string[]) => driveUntil(clock, runCheck(argv, deps), { stepMs: 50 });
  return { fake, out, err, deps, run, direct: (argv) => runCheck(argv, deps) };
}

function json(h: Harness) {
  return JSON.parse(h.out.join(""));
}

Deno.test("check - a destination that answers is ok, exit 0, one line per target", async () => {
  const h = harness();
  const code = await h.run([DEST]);
  assert.equal(code, 0);
  assert.deepEqual(h.err, []);
  const lines = h.out.join("").trimEnd().split("\n");
  assert.match(lines[0], /^Target\s+Address\s+RTT ms\s+Loss%\s+Hops\s+Verdict$/);
  assert.match(lines[1], /^10\.0\.0\.9\s+10\.0\.0\.9\s+3\.000\s+0\.0\s+3\s+ok$/);
  assert.equal(lines[2], "1 of 1 targets ok");
});

Deno.test("check - --json has one object per target with the final hop, hops and figures", async () => {
  const h = harness();
  assert.equal(await h.run([DEST, "--json"]), 0);
  const doc = json(h);
  assert.equal(doc.length, 1);
  assert.deepEqual(doc[0], {
    id: null,
    host: DEST,
    label: null,
    address: DEST,
    ok: true,
    reason: null,
    finalHop: { ip: DEST, rttMs: 3, answered: true },
    hops: [
      { hop: 1, ip: "10.0.0.1", rttMs: 1, kind: "ttlExceeded" },
      { hop: 2, ip: "10.0.0.2", rttMs: 2, kind: "ttlExceeded" },
      { hop: 3, ip: DEST, rttMs: 3, kind: "reply" },
    ],
    checks: {
      rounds: 1,
      answered: 1,
      successRatePct: 100,
      lossPct: 0,
      minMs: 3,
      avgMs: 3,
      maxMs: 3,
    },
  });
});

Deno.test("check - --count N reports success rate and min/avg/max over the rounds", async () => {
  const h = harness({ network: { [DEST]: SLOWING } });
  assert.equal(await h.run([DEST, "--json", "--count", "3", ...TIMING]), 0);
  const [result] = json(h);
  assert.deepEqual(result.checks, {
    rounds: 3,
    answered: 3,
    successRatePct: 100,
    lossPct: 0,
    minMs: 10,
    avgMs: 20,
    maxMs: 30,
  });
  assert.equal(result.finalHop.rttMs, 30, "the final hop of the newest round");
});

Deno.test("check - loss over the rounds above --max-loss is exit 1, within it exit 0", async () => {
  const lossy = harness({ network: { [DEST]: LOSSY } });
  assert.equal(await lossy.run([DEST, "--json", "--count", "4", ...TIMING]), 1);
  const [result] = json(lossy);
  assert.equal(result.ok, false);
  assert.equal(result.reason, "loss 50% above --max-loss 0%");
  assert.deepEqual(
    [result.checks.answered, result.checks.successRatePct, result.checks.lossPct],
    [2, 50, 50],
  );

  const tolerant = harness({ network: { [DEST]: LOSSY } });
  assert.equal(await tolerant.run([DEST, "--count", "4", "--max-loss", "50", ...TIMING]), 0);
});

Deno.test("check - an average RTT above --max-rtt is exit 1, within it exit 0", async () => {
  const slow = harness({ network: { [DEST]: SLOWING } });
  assert.equal(await slow.run([DEST, "--count", "3", "--max-rtt", "15", ...TIMING]), 1);
  assert.match(slow.out.join(""), /FAIL: RTT 20 ms above --max-rtt 15 ms/);
  assert.match(slow.out.join(""), /0 of 1 targets ok/);

  const fast = harness({ network: { [DEST]: SLOWING } });
  assert.equal(await fast.run([DEST, "--count", "3", "--max-rtt", "20", ...TIMING]), 0);
});

Deno.test("check - unreachable, silent and unresolvable targets fail with a reason", async () => {
  const h = harness({
    network: {
      [DEST]: straightRoute(["10.0.0.1", "10.0.0.2", DEST]),
      [OTHER]: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2", unreachable: "host-unreachable" }],
    },
  });
  const code = await h.run([DEST, OTHER, "10.0.0.7", "nowhere.example", "--json", ...TIMING]);
  assert.equal(code, 1);
  const byHost = Object.fromEntries(json(h).map((r: { host: string }) => [r.host, r]));
  assert.equal(byHost[DEST].ok, true);
  assert.equal(byHost[OTHER].ok, false);
  assert.equal(byHost[OTHER].reason, "unreachable (host-unreachable) at hop 2 from 10.0.0.2");
  assert.deepEqual(byHost[OTHER].finalHop, { ip: null, rttMs: null, answered: false });
  assert.equal(byHost["10.0.0.7"].reason, "no reply from the destination");
  assert.equal(byHost["10.0.0.7"].checks.lossPct, 100);
  assert.equal(byHost["nowhere.example"].address, null);
  assert.match(byHost["nowhere.example"].reason, /^cannot resolve nowhere\.example: .*NXDOMAIN/);
});

Deno.test("check - targets are probed at once, and --final-hop-only sends one probe each", async () => {
  const network = {
    [DEST]: straightRoute(["10.0.0.1", "10.0.0.2", DEST]),
    [OTHER]: straightRoute(["10.0.0.1", OTHER]),
  };
  const h = harness({ network });
  assert.equal(await h.run([DEST, OTHER, "--final-hop-only", "--json"]), 0);
  assert.equal(h.fake.sent(DEST), 1);
  assert.equal(h.fake.sent(OTHER), 1);
  const starts = h.fake.sends.map((s) => s.atMs);
  assert.equal(Math.max(...starts), Math.min(...starts), "both sent in the same instant");
  assert.deepEqual(json(h).map((r: { hops: unknown[] }) => r.hops.length), [1, 1]);
});

Deno.test("check - database targets are checked and the store gains no rounds", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-check-" });
  const path = join(dir, "pingwatcher.db");
  const store = await openStore(path);
  const options = resolveTargetOptions({ timeoutMs: 500 });
  const a = await store.addTarget({ host: DEST, label: "core", options });
  const b = await store.addTarget({ host: OTHER, options });
  const paused = await store.addTarget({ host: "10.0.0.7", options, paused: true });
  const before = await store.listTargets();
  await store.close();

  const h = harness({
    dbPath: path,
    network: {
      [DEST]: straightRoute(["10.0.0.1", DEST]),
      [OTHER]: [{ ip: "10.0.0.1" }, { ip: OTHER, lossPct: 100 }],
    },
  });
  assert.equal(await h.run(["--json"]), 1);
  const results = json(h);
  assert.deepEqual(results.map((r: { id: number }) => r.id), [a.id, b.id]);
  assert.deepEqual(results.map((r: { ok: boolean }) => r.ok), [true, false]);
  assert.equal(results[0].label, "core");
  assert.match(h.err.join(""), /skipping 1 paused target\(s\): 10\.0\.0\.7/);
  assert.equal(h.fake.sent("10.0.0.7"), 0);

  const after = await openStore(path);
  try {
    assert.deepEqual(await after.listTargets(), before, "targets unchanged");
    for (const id of [a.id, b.id, paused.id]) {
      assert.deepEqual(await after.rounds(id, { last: 100 }), [], `no rounds for ${id}`);
    }
  } finally {
    await after.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check - flags override database targets' options for this check only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-check-" });
  const path = join(dir, "pingwatcher.db");
  const store = await openStore(path);
  const stored = await store.addTarget({ host: DEST, options: resolveTargetOptions({}) });
  await store.close();
  const h = harness({ dbPath: path });
  assert.equal(await h.run(["--final-hop-only"]), 0);
  assert.equal(h.fake.sent(DEST), 1);
  const after = await openStore(path);
  assert.deepEqual((await after.getTarget(stored.id))!.options, stored.options);
  await after.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("check - nothing to check is exit 2, and a missing database is not created", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-check-" });
  const path = join(dir, "pingwatcher.db");
  const missing = harness({ dbPath: path });
  await assert.rejects(
    missing.direct([]),
    (e) => e instanceof UsageError && /no database at/.test(e.message),
  );
  assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);

  const store = await openStore(path);
  await store.close();
  const empty = harness({ dbPath: path });
  assert.equal(await empty.run([]), 2);
  assert.match(empty.err.join(""), /nothing to check/);
  assert.equal(empty.fake.sent(), 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("check - bad command lines are usage errors before anything is probed", async () => {
  const cases: [string[], RegExp][] = [
    [["--count", "0", DEST], /--count: must be a whole number/],
    [["--count", "x", DEST], /--count/],
    [["--max-loss", "101", DEST], /--max-loss: "101" must be a percentage/],
    [["--max-rtt", "0", DEST], /--max-rtt: "0" must be a number of milliseconds above 0/],
    [["--prober", "nope", DEST], /--prober: "nope" is not one of auto/],
    [["a;b"], /"a;b" is not an IP address or a valid host name/],
    [[DEST, "--db", "x.db"], /--db\/--data-dir choose the database's targets/],
    [[DEST, "--timeout", "abc"], /--timeout: "abc" is not a number/],
    [[DEST, "--bogus"], /Unknown option '--bogus'/],
  ];
  for (const [argv, message] of cases) {
    const h = harness();
    await assert.rejects(
      h.direct(argv),
      (e) => e instanceof UsageError && message.test(e.message),
      argv.join(" "),
    );
    assert.equal(h.fake.sent(), 0, argv.join(" "));
  }
});

Deno.test("check - no working prober is exit 4", async () => {
  const h = harness({ proberFails: true });
  assert.equal(await h.run([DEST]), 4);
  assert.match(h.err.join(""), /no working prober\nmtr-packet: not installed/);
});

Deno.test("check - colours only on a terminal, and never with NO_COLOR", async () => {
  const tty = harness({ isTty: true });
  await tty.run([DEST]);
  assert.ok(tty.out.join("").includes(`${ESC}[32mok${ESC}[0m`));
  const noColor = harness({ isTty: true, env: { NO_COLOR: "1" } });
  await noColor.run([DEST]);
  assert.ok(!noColor.out.join("").includes(ESC));
  const piped = harness({ isTty: false });
  await piped.run([DEST]);
  assert.ok(!piped.out.join("").includes(ESC));
});

Deno.test("check - the usage documents every exit code", () => {
  assert.match(CHECK_USAGE, /0 every target ok, 1 some target not ok, 2 bad command line/);
  assert.match(CHECK_USAGE, /4 no working prober/);
});

Deno.test("check cli - main.ts check 127.0.0.1 --json probes loopback and exits 0", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-check-" });
  const { code, stdout, stderr } = await runMain(["check", "127.0.0.1", "--json"], {
    env: { PINGWATCHER_DATA_DIR: join(dir, "data") },
  });
  assert.equal(code, 0, stderr);
  const [result] = JSON.parse(stdout);
  assert.equal(result.host, "127.0.0.1");
  assert.equal(result.ok, true);
  assert.equal(result.finalHop.answered, true);
  assert.equal(typeof result.finalHop.rttMs, "number");
  assert.equal(result.checks.successRatePct, 100);
  assert.throws(() => Deno.statSync(join(dir, "data")), Deno.errors.NotFound, "no data dir made");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("check cli - no HOST and no database is exit 2 and creates nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pingwatcher-check-" });
  const { code, stdout, stderr } = await runMain(["check", "--data-dir", join(dir, "data")]);
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.match(stderr, /no database at/);
  assert.throws(() => Deno.statSync(join(dir, "data")), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});
