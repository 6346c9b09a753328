// The ping prober as it runs on Windows and macOS, exercised on Linux: the registry is told which
// platform to act as, and a stand-in program replays recorded ping.exe / ping / ping6 output
// through Deno.Command (tests/fixtures/stand_in_ping_replay.sh).
import assert from "node:assert/strict";
import { ManualClock } from "../../../engine/clock.ts";
import { noProberFix, PROBER_PROGRAMS, selectProber } from "../../../engine/probers/mod.ts";
import { PingProber } from "../../../engine/probers/ping.ts";
import { pingCommand } from "../../../engine/probers/ping_parse.ts";
import type { Clock, ProbeRequest, ProbeResult } from "../../../engine/types.ts";

const STAND_IN = new URL("../../fixtures/stand_in_ping_replay.sh", import.meta.url).pathname;

function req(address: string, ttl: number, ipVersion: 4 | 6 = 4): ProbeRequest {
  return { address, ipVersion, ttl, protocol: "icmp", sizeBytes: 64, timeoutMs: 1000 };
}

/** A clock whose monotonic time jumps by `stepMs` on every reading: a child "takes" stepMs. */
function steppingClock(stepMs: number): Clock {
  let now = 0;
  const manual = new ManualClock();
  return {
    now: () => manual.now(),
    monotonic: () => (now += stepMs) - stepMs,
    sleep: (ms, signal) => manual.sleep(ms, signal),
  };
}

/** Fails instead of hanging when the prober waits for a child that never exits by itself. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after 10 s`)), 10_000);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("ping platforms - the command lines of ping.exe, macOS ping and ping6", () => {
  assert.deepEqual(pingCommand(req("10.99.2.2", 3), "windows"), {
    program: "ping",
    args: ["-n", "1", "-i", "3", "-w", "1000", "-l", "36", "-4", "10.99.2.2"],
  });
  assert.deepEqual(pingCommand(req("fd00::2", 3, 6), "windows").args.slice(-2), ["-6", "fd00::2"]);
  assert.deepEqual(pingCommand(req("10.99.2.2", 3), "bsd"), {
    program: "ping",
    args: ["-n", "-c", "1", "-m", "3", "-W", "1000", "-s", "36", "10.99.2.2"],
  });
  assert.deepEqual(pingCommand(req("fd00::2", 3, 6), "bsd"), {
    program: "ping6",
    args: ["-n", "-c", "1", "-h", "3", "-s", "16", "fd00::2"],
  });
  assert.deepEqual(PROBER_PROGRAMS, ["mtr-packet", "ping", "ping6"]);
});

Deno.test("ping platforms - on Windows, auto skips mtr-packet and opens ping.exe", async () => {
  const selection = await selectProber("auto", {
    os: "windows",
    executables: { ping: STAND_IN, "mtr-packet": "/nonexistent/mtr-packet" },
    clock: steppingClock(7),
  });
  assert.ok(selection.ok, selection.ok ? "" : selection.reason);
  const prober = selection.prober as PingProber;
  try {
    assert.equal(prober.flavor, "windows");
    // Calibration: five replies of 6 ms over a 7 ms child → 1 ms of spawn overhead.
    assert.equal(prober.overhead.ms, 1);
    const results: ProbeResult[] = [];
    for (const [address, ttl] of [["8.8.8.8", 1], ["8.8.8.8", 2], ["8.8.8.8", 64]] as const) {
      results.push(await prober.probe(req(address, ttl)));
    }
    assert.deepEqual(results, [
      { kind: "ttlExceeded", ip: "203.190.230.72", rttUs: 6000, approximate: true },
      {
        kind: "unreachable",
        ip: "10.0.1.6",
        rttUs: 6000,
        code: "host-unreachable",
        approximate: true,
      },
      { kind: "reply", ip: "8.8.8.8", rttUs: 6000 },
    ]);
  } finally {
    await prober.close();
  }
});

Deno.test("ping platforms - Windows 'Request timed out.' is a timeout", async () => {
  const prober = new PingProber({ executable: STAND_IN, flavor: "windows" });
  assert.deepEqual(await prober.probe(req("10.0.0.99", 64)), { kind: "timeout" });
  await prober.close();
});

Deno.test("ping platforms - on macOS, ping -m times the Time Exceeded line and kills the waiting child", async () => {
  const selection = await selectProber("ping", {
    os: "darwin",
    executables: { ping: STAND_IN, ping6: STAND_IN },
    clock: steppingClock(2),
  });
  assert.ok(selection.ok, selection.ok ? "" : selection.reason);
  const prober = selection.prober as PingProber;
  try {
    assert.equal(prober.flavor, "bsd");
    assert.equal(prober.overhead.ms, 2 - 0.052);
    // The stand-in keeps running for 30 s after these lines, as macOS ping waits for -W.
    assert.deepEqual(await within(prober.probe(req("10.99.2.2", 1)), "ttl 1"), {
      kind: "ttlExceeded",
      ip: "192.168.1.1",
      rttUs: 52,
      approximate: true,
    });
    assert.deepEqual(await within(prober.probe(req("10.99.2.2", 2)), "ttl 2"), {
      kind: "unreachable",
      ip: "192.168.1.220",
      rttUs: 52,
      code: "host-unreachable",
      approximate: true,
    });
    assert.deepEqual(await prober.probe(req("::1", 64, 6)), {
      kind: "reply",
      ip: "::1",
      rttUs: 71,
    });
  } finally {
    await prober.close();
  }
});

Deno.test("ping platforms - a silent macOS probe ends at its timeout", async () => {
  const clock = new ManualClock();
  const prober = new PingProber({ executable: STAND_IN, flavor: "bsd", clock });
  const pending = prober.probe(req("10.0.0.99", 64));
  await clock.advance(1000);
  assert.deepEqual(await pending, { kind: "timeout" });
  await prober.close();
});

Deno.test("ping platforms - when nothing works, one message names the platform's fix", async () => {
  const missing = { ping: "/nonexistent/ping", "mtr-packet": "/nonexistent/mtr-packet" };
  const reasons = async (os: string) => {
    const selection = await selectProber("auto", { os, executables: missing, rawSockets: false });
    assert.equal(selection.ok, false);
    return selection.ok ? "" : selection.reason;
  };
  const linux = await reasons("linux");
  assert.match(linux, /^native: raw ICMP sockets need root/m);
  assert.match(linux, /^mtr-packet: not found/m);
  assert.match(linux.split("\n").at(-1)!, /^To fix this on Linux: install mtr-tiny/);
  const mac = await reasons("darwin");
  assert.match(mac.split("\n").at(-1)!, /^To fix this on macOS: nothing needs installing/);
  const windows = await reasons("windows");
  assert.doesNotMatch(windows, /mtr-packet/, "mtr-packet is not tried on Windows");
  assert.doesNotMatch(windows, /native/, "the native prober is not tried on Windows");
  assert.match(windows, /ping\.exe is part of Windows/);
  assert.match(
    windows.split("\n").at(-1)!,
    /^To fix this on Windows: allow ICMP through the Windows firewall/,
  );
  assert.match(noProberFix("windows"), /netsh advfirewall firewall add rule/);
});
