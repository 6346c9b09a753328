import assert from "node:assert/strict";
import { ManualClock } from "../../../engine/clock.ts";
import { PingProber } from "../../../engine/probers/ping.ts";
import { proberLimitation, selectProber } from "../../../engine/probers/mod.ts";
import type { Clock, ProbeRequest } from "../../../engine/types.ts";

const STAND_IN = new URL("../../fixtures/stand_in_ping.sh", import.meta.url).pathname;

function req(address: string, ttl: number, timeoutMs = 1000): ProbeRequest {
  return { address, ipVersion: 4, ttl, protocol: "icmp", sizeBytes: 56, timeoutMs };
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

Deno.test("ping prober - echo replies keep ping's own RTT and calibrate the spawn overhead", async () => {
  const prober = new PingProber({
    executable: STAND_IN,
    flavor: "iputils",
    clock: steppingClock(4),
  });
  const result = await prober.probe(req("10.99.2.2", 64));
  assert.deepEqual(result, { kind: "reply", ip: "10.99.2.2", rttUs: 53 });
  assert.equal(prober.overhead.ms, 4 - 0.053);
  await prober.close();
});

Deno.test("ping prober - time exceeded is timed around the child minus overhead, approximate", async () => {
  const prober = new PingProber({
    executable: STAND_IN,
    flavor: "iputils",
    clock: steppingClock(5),
  });
  prober.overhead.add(1.5);
  assert.deepEqual(await prober.probe(req("10.99.2.2", 1)), {
    kind: "ttlExceeded",
    ip: "10.99.1.1",
    rttUs: 3500,
    approximate: true,
  });
  assert.deepEqual(await prober.probe(req("10.99.2.2", 2)), {
    kind: "unreachable",
    ip: "10.99.1.1",
    rttUs: 3500,
    code: "host-unreachable",
    approximate: true,
  });
  await prober.close();
});

Deno.test("ping prober - a silent probe times out at the probe's timeout and the child is killed", async () => {
  const clock = new ManualClock();
  const prober = new PingProber({ executable: STAND_IN, flavor: "iputils", clock });
  const pending = prober.probe(req("10.0.0.99", 64, 2000));
  await clock.advance(2000);
  assert.deepEqual(await pending, { kind: "timeout" });
  await prober.close();
});

Deno.test("ping prober - refuses what ping cannot send", async () => {
  const prober = new PingProber({ executable: STAND_IN, flavor: "iputils" });
  const result = await prober.probe({ ...req("10.99.2.2", 3), protocol: "udp", port: 33434 });
  assert.equal(result.kind === "error" && result.code, "unsupported");
  await prober.close();
});

Deno.test("ping prober - busybox can only probe the destination", () => {
  const busybox = new PingProber({ flavor: "busybox" });
  const iputils = new PingProber({ flavor: "iputils" });
  assert.equal(busybox.intermediateHops, false);
  assert.match(
    proberLimitation(busybox, { protocol: "icmp", finalHopOnly: false }) ?? "",
    /--final-hop-only/,
  );
  assert.equal(proberLimitation(busybox, { protocol: "icmp", finalHopOnly: true }), null);
  assert.equal(proberLimitation(iputils, { protocol: "icmp", finalHopOnly: false }), null);
  assert.match(proberLimitation(iputils, { protocol: "tcp", finalHopOnly: false }) ?? "", /ICMP/);
});

Deno.test("select prober - when nothing works, says what to install", async () => {
  const selection = await selectProber("auto", {
    mtrPacketExecutable: "/nonexistent/mtr-packet",
    pingExecutable: "/nonexistent/ping",
    rawSockets: false,
  });
  assert.equal(selection.ok, false);
  const reason = selection.ok ? "" : selection.reason;
  assert.match(reason, /native: raw ICMP sockets need root or CAP_NET_RAW/);
  assert.match(reason, /mtr-packet: not found — install mtr-tiny/);
  assert.match(reason, /ping: not found — install iputils-ping/);
});

Deno.test("select prober - auto falls back to ping", async () => {
  const selection = await selectProber("auto", {
    mtrPacketExecutable: "/nonexistent/mtr-packet",
    pingExecutable: STAND_IN,
    rawSockets: false,
  });
  assert.equal(selection.ok && selection.prober.name, "ping");
  if (selection.ok) await selection.prober.close();
});

const realPing = await selectProber("ping");
Deno.test({
  name: "ping prober - real ping on loopback: exact RTT, calibrated overhead",
  ignore: !realPing.ok,
  async fn() {
    if (!realPing.ok) return;
    const prober = realPing.prober as PingProber;
    const result = await prober.probe(req("127.0.0.1", 64));
    assert.equal(result.kind, "reply");
    assert.equal(result.kind === "reply" && result.approximate, undefined);
    assert.ok((prober.overhead.ms ?? 0) > 0);
    await prober.close();
  },
});
