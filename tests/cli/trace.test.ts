import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { EXIT, runTrace, type TraceDeps } from "../../api/cli/trace.ts";
import type { ProberChoice } from "../../api/cli/trace_args.ts";
import { type FakeHop, FakeProber } from "../../engine/probers/fake.ts";
import type { IpVersion } from "../../engine/types.ts";
import { driveUntil } from "../engine/helpers.ts";

const DEST = "10.0.0.9";

/**
 * Three rounds, one second apart: hop 1 answers in 1, 2, 3 ms; hop 2 never answers; the
 * destination answers in 10 ms, loses the second round's probe, then answers in 20 ms.
 */
const NETWORK: FakeHop[] = [
  { ip: "10.0.0.1", rttMs: ({ nowMs }) => Math.floor(nowMs / 1000) + 1 },
  { ip: "10.0.0.2", silent: true },
  { ip: DEST, rttMs: ({ nowMs }) => [10, 99_999, 20][Math.floor(nowMs / 1000)] ?? 5 },
];

interface Harness {
  deps: TraceDeps;
  clock: ManualClock;
  fake: FakeProber;
  out: string[];
  err: string[];
  calls: { selectProber: ProberChoice[]; addressLookup: string[] };
  run(argv: string[]): Promise<number>;
}

function harness(
  options: {
    isTty?: boolean;
    lookup?: (host: string, ipVersion: IpVersion | null) => Promise<string[]>;
    proberFails?: boolean;
    interrupted?: Promise<void>;
  } = {},
): Harness {
  const clock = new ManualClock();
  const fake = new FakeProber({ clock, network: { [DEST]: NETWORK } });
  const out: string[] = [];
  const err: string[] = [];
  const calls = { selectProber: [] as ProberChoice[], addressLookup: [] as string[] };
  const deps: TraceDeps = {
    write: (text) => out.push(text),
    writeError: (text) => err.push(text),
    isTty: options.isTty ?? false,
    selectProber: (choice) => {
      calls.selectProber.push(choice);
      return Promise.resolve(
        options.proberFails
          ? { ok: false, reason: "mtr-packet: not installed\nping: not installed" }
          : { ok: true, prober: fake },
      );
    },
    addressLookup: (host, ipVersion) => {
      calls.addressLookup.push(host);
      return options.lookup?.(host, ipVersion) ?? Promise.resolve([DEST]);
    },
    clock,
    interrupted: options.interrupted,
    reverseDns: false,
  };
  const run = (argv: string[]) => driveUntil(clock, runTrace(argv, deps), { stepMs: 50 });
  return { deps, clock, fake, out, err, calls, run };
}

const TIMING = ["--interval", "1", "--timeout", "0.5"];

Deno.test("trace cli - --json has the spec's shape and the network's numbers", async () => {
  const h = harness();
  const code = await h.run([DEST, "--json", "--count", "3", ...TIMING]);
  assert.equal(code, EXIT.ok);
  assert.deepEqual(h.err, []);
  const doc = JSON.parse(h.out.join(""));
  assert.deepEqual(Object.keys(doc), [
    "target",
    "address",
    "prober",
    "protocol",
    "samples",
    "hops",
  ]);
  assert.deepEqual(Object.keys(doc.hops[0]), [
    "hop",
    "ip",
    "ips",
    "dns",
    "sent",
    "received",
    "lossPct",
    "avgMs",
    "minMs",
    "maxMs",
    "curMs",
    "stdevMs",
    "jitterMs",
    "approximate",
    "unreachable",
    "mpls",
  ]);
  assert.deepEqual(doc, {
    target: DEST,
    address: DEST,
    prober: "fake",
    protocol: "icmp",
    samples: 3,
    hops: [
      {
        hop: 1,
        ip: "10.0.0.1",
        ips: ["10.0.0.1"],
        dns: null,
        sent: 3,
        received: 3,
        lossPct: 0,
        avgMs: 2,
        minMs: 1,
        maxMs: 3,
        curMs: 3,
        stdevMs: 1,
        jitterMs: 1,
        approximate: false,
        unreachable: null,
        mpls: null,
      },
      {
        hop: 2,
        ip: null,
        ips: [],
        dns: null,
        sent: 3,
        received: 0,
        lossPct: 100,
        avgMs: null,
        minMs: null,
        maxMs: null,
        curMs: null,
        stdevMs: null,
        jitterMs: null,
        approximate: false,
        unreachable: null,
        mpls: null,
      },
      {
        hop: 3,
        ip: DEST,
        ips: [DEST],
        dns: null,
        sent: 3,
        received: 2,
        lossPct: 33.33,
        avgMs: 15,
        minMs: 10,
        maxMs: 20,
        curMs: 20,
        stdevMs: 7.071,
        jitterMs: 10,
        approximate: false,
        unreachable: null,
        mpls: null,
      },
    ],
  });
  assert.deepEqual(h.calls.addressLookup, [], "an IP literal needs no lookup");
  assert.deepEqual(h.calls.selectProber, ["auto"]);
  const after = await h.fake.probe({ ...probeTo(DEST), ttl: 3 });
  assert.equal(after.kind === "error" && after.code, "closed", "the prober was closed");
});

function probeTo(address: string) {
  return {
    address,
    ipVersion: 4 as const,
    ttl: 1,
    protocol: "icmp" as const,
    sizeBytes: 56,
    timeoutMs: 500,
  };
}

Deno.test("trace cli - a host name is resolved once and reported with its address", async () => {
  const h = harness({ lookup: () => Promise.resolve([DEST, "10.0.0.99"]) });
  const code = await h.run(["Target.PWLAB.test", "--json", "--count", "1", "-4", ...TIMING]);
  assert.equal(code, EXIT.ok);
  const doc = JSON.parse(h.out.join(""));
  assert.equal(doc.target, "target.pwlab.test");
  assert.equal(doc.address, DEST);
  assert.equal(doc.samples, 1);
  assert.deepEqual(h.calls.addressLookup, ["target.pwlab.test"]);
  assert.equal(h.fake.sent("10.0.0.99"), 0);
});

Deno.test("trace cli - --report prints a table with ERR for a lost newest probe", async () => {
  const h = harness();
  const code = await h.run([DEST, "--report", "--count", "2", ...TIMING]);
  assert.equal(code, EXIT.ok);
  const text = h.out.join("");
  assert.ok(!text.includes("\x1b["), "no colour or screen control in a report");
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], `HOST: ${DEST} (${DEST})  icmp via fake, 2 rounds`);
  assert.match(lines[1], /^Hop\s+Address\s+Name\s+Loss%\s+Sent\s+Recv\s+Avg\s+Min\s+Max\s+Cur/);
  const row = (hop: number) => lines.find((line) => line.trimStart().startsWith(`${hop} `))!;
  assert.match(row(1), /10\.0\.0\.1\s+0\.0\s+2\s+2\s+1\.500\s+1\.000\s+2\.000\s+2\.000/);
  assert.match(row(2), /\?\?\?\s+100\.0\s+2\s+0\s+-\s+-\s+-\s+ERR/);
  assert.match(row(3), /10\.0\.0\.9\s+50\.0\s+2\s+1\s+10\.00\s+10\.00\s+10\.00\s+ERR/);
});

Deno.test("trace cli - not a terminal and no --count: a report of 10 rounds", async () => {
  const h = harness();
  const code = await h.run([DEST, ...TIMING]);
  assert.equal(code, EXIT.ok);
  assert.match(h.out.join(""), /icmp via fake, 10 rounds/);
});

Deno.test("trace cli - live on a terminal redraws per round and stops on Ctrl-C", async () => {
  let interrupt!: () => void;
  const interrupted = new Promise<void>((resolve) => interrupt = resolve);
  const h = harness({ isTty: true, interrupted });
  const running = runTrace([DEST, ...TIMING], h.deps);
  await h.clock.advance(3_600);
  interrupt();
  const code = await driveUntil(h.clock, running);
  assert.equal(code, EXIT.ok);
  const screens = h.out.filter((text) => text.startsWith("\x1b[H\x1b[2J"));
  assert.ok(screens.length >= 3, `${screens.length} redraws`);
  assert.match(
    screens[0],
    /PingWatcher trace 10\.0\.0\.9 \(10\.0\.0\.9\) - icmp via fake, 1 rounds/,
  );
  assert.match(h.out.at(-1)!, /10\.0\.0\.1/, "the final table");
});

Deno.test("trace cli - bad arguments exit 2 with usage", async () => {
  for (
    const argv of [
      [],
      [DEST, "10.0.0.8"],
      [DEST, "--count", "0"],
      [DEST, "--count", "many"],
      [DEST, "--bogus"],
      [DEST, "--report", "--json"],
      [DEST, "--protocol", "sctp"],
      [DEST, "--interval", "0.01"],
      [DEST, "-6"],
      [DEST, "--prober", "nmap"],
    ]
  ) {
    const h = harness();
    assert.equal(await h.run(argv), EXIT.usage, argv.join(" "));
    assert.match(h.err.join(""), /^trace: .*\n\nUsage: pingwatcher trace HOST/s);
    assert.deepEqual(h.out, []);
    assert.equal(h.calls.selectProber.length, 0);
  }
});

Deno.test("trace cli - hosts that look like options or shell are refused before anything runs", async () => {
  for (const host of ["-f", "a;b", "$(id)", "a b", "`id`", "a|b", "a&&b", "--", "a\nb", ""]) {
    const h = harness();
    assert.equal(await h.run([host, "--count", "1"]), EXIT.usage, JSON.stringify(host));
    assert.deepEqual(h.calls, { selectProber: [], addressLookup: [] }, JSON.stringify(host));
    assert.equal(h.fake.sent(), 0);
  }
});

Deno.test("trace cli - an unresolvable host exits 3", async () => {
  const failing = harness({ lookup: () => Promise.reject(new Error("ENOTFOUND")) });
  assert.equal(await failing.run(["nowhere.pwlab.test", "--count", "1"]), EXIT.unresolved);
  assert.match(failing.err.join(""), /cannot resolve nowhere\.pwlab\.test: ENOTFOUND/);
  assert.equal(failing.calls.selectProber.length, 0);
  const empty = harness({ lookup: () => Promise.resolve([]) });
  assert.equal(await empty.run(["empty.pwlab.test", "--count", "1"]), EXIT.unresolved);
  assert.match(empty.err.join(""), /empty\.pwlab\.test: no address found/);
});

Deno.test("trace cli - no working prober exits 4", async () => {
  const h = harness({ proberFails: true });
  assert.equal(await h.run([DEST, "--count", "1"]), EXIT.noProber);
  assert.match(h.err.join(""), /no working prober\nmtr-packet: not installed/);
  assert.equal(h.fake.sent(), 0);
  const udpPing = harness();
  assert.equal(
    await udpPing.run([DEST, "--protocol", "udp", "--prober", "ping", "--count", "1"]),
    EXIT.noProber,
  );
  assert.equal(udpPing.calls.selectProber.length, 0);
  const udpAuto = harness();
  assert.equal(await udpAuto.run([DEST, "--protocol", "udp", "--count", "1", ...TIMING]), 0);
  assert.deepEqual(udpAuto.calls.selectProber, ["mtr-packet"], "udp needs mtr-packet");
});
