import assert from "node:assert/strict";
import { flushMicrotasks, ManualClock } from "../../../engine/clock.ts";
import { checkMtrPacket } from "../../../engine/probers/check.ts";
import { MtrPacketProber } from "../../../engine/probers/mtr_packet.ts";
import { setLogSink } from "../../../engine/log.ts";
import type { ProbeRequest, ProbeResult } from "../../../engine/types.ts";

const STAND_IN = new URL("../../fixtures/stand_in_mtr_packet.ts", import.meta.url).pathname;

function standIn(clock: ManualClock, maxInFlight?: number): MtrPacketProber {
  return new MtrPacketProber({
    executable: Deno.execPath(),
    args: ["run", "--quiet", STAND_IN],
    clock,
    maxInFlight,
  });
}

function req(address: string, ttl: number, timeoutMs = 1500): ProbeRequest {
  return { address, ipVersion: 4, ttl, protocol: "icmp", sizeBytes: 56, timeoutMs };
}

/** A probe whose outcome can be looked at without awaiting it. */
function track(promise: Promise<ProbeResult>): { result: ProbeResult | null } {
  const box: { result: ProbeResult | null } = { result: null };
  promise.then((result) => (box.result = result));
  return box;
}

const logged: string[] = [];
setLogSink((line) => logged.push(line));

Deno.test("mtr-packet prober - out-of-order replies are matched by token", async () => {
  const prober = standIn(new ManualClock());
  const [first, second] = await Promise.all([
    prober.probe(req("10.0.0.5", 1)),
    prober.probe(req("10.0.0.5", 2)),
  ]);
  assert.deepEqual(first, { kind: "ttlExceeded", ip: "10.0.0.1", rttUs: 1000 });
  assert.deepEqual(second, { kind: "ttlExceeded", ip: "10.0.0.2", rttUs: 2000 });
  assert.deepEqual(await prober.probe(req("10.0.0.5", 3)), {
    kind: "reply",
    ip: "10.0.0.5",
    rttUs: 3000,
  });
  await prober.close();
});

Deno.test("mtr-packet prober - our timeout is exact; the slot is held until mtr-packet lets go", async () => {
  const clock = new ManualClock();
  const prober = standIn(clock);
  await prober.probe(req("10.0.0.5", 3)); // child running
  const silent = track(prober.probe(req("10.0.0.99", 3, 1500)));
  await clock.advance(1499);
  assert.equal(silent.result, null);
  await clock.advance(1);
  assert.deepEqual(silent.result, { kind: "timeout" });
  assert.equal(prober.inFlight, 1);
  await clock.advance(5500);
  assert.equal(prober.inFlight, 0);
  await prober.close();
});

Deno.test("mtr-packet prober - back-pressure at the in-flight limit", async () => {
  const clock = new ManualClock();
  const prober = standIn(clock, 2);
  const held = [prober.probe(req("10.0.0.99", 3, 1000)), prober.probe(req("10.0.0.99", 4, 1000))];
  const waiting = track(prober.probe(req("10.0.0.5", 5)));
  await clock.advance(1000);
  assert.deepEqual(await Promise.all(held), [{ kind: "timeout" }, { kind: "timeout" }]);
  await flushMicrotasks();
  assert.equal(waiting.result, null, "third probe must wait for a slot");
  assert.equal(prober.inFlight, 2);
  await clock.advance(6000); // mtr-packet's whole-second timeout plus grace: slots freed
  while (waiting.result === null) await flushMicrotasks();
  assert.deepEqual(waiting.result, { kind: "reply", ip: "10.0.0.5", rttUs: 3000 });
  await prober.close();
});

Deno.test("mtr-packet prober - a crash fails held probes as errors and restarts", async () => {
  const clock = new ManualClock();
  const prober = standIn(clock);
  const results = await Promise.all([
    prober.probe(req("10.0.0.5", 1)), // held back by the stand-in, so in flight at the crash
    prober.probe(req("10.0.0.66", 3)),
  ]);
  for (const result of results) {
    assert.equal(result.kind, "error");
    assert.equal(result.kind === "error" && result.code, "prober-restarted");
  }
  assert.deepEqual(await prober.probe(req("10.0.0.5", 3)), {
    kind: "reply",
    ip: "10.0.0.5",
    rttUs: 3000,
  });
  assert.equal(prober.starts, 2);
  assert.ok(logged.some((line) => line.includes("mtr-packet exited (exit code 139)")));
  await prober.close();
});

Deno.test("mtr-packet prober - an address that keeps crashing it is paused", async () => {
  const clock = new ManualClock();
  const prober = standIn(clock);
  assert.equal((await prober.probe(req("10.0.0.66", 3))).kind, "error");
  const second = track(prober.probe(req("10.0.0.66", 3)));
  await clock.advance(1000); // restart back-off after a quick second crash
  while (second.result === null) await flushMicrotasks();
  const starts = prober.starts;
  const third = await prober.probe(req("10.0.0.66", 3));
  assert.equal(third.kind === "error" && third.code, "prober-crash-suspect");
  assert.equal(prober.starts, starts, "no new child for a paused address");
  const other = track(prober.probe(req("10.0.0.5", 3)));
  await clock.advance(1000);
  while (other.result === null) await flushMicrotasks();
  assert.equal(other.result.kind, "reply");
  await prober.close();
});

Deno.test("mtr-packet prober - close resolves probes still in flight", async () => {
  const prober = standIn(new ManualClock());
  const pending = prober.probe(req("10.0.0.99", 3));
  await prober.probe(req("10.0.0.5", 3));
  await prober.close();
  const result = await pending;
  assert.equal(result.kind === "error" && result.code, "closed");
  assert.equal((await prober.probe(req("10.0.0.5", 3))).kind, "error");
});

Deno.test("mtr-packet prober - a missing program is explained", async () => {
  const check = await checkMtrPacket("/nonexistent/mtr-packet");
  assert.equal(check.ok, false);
  assert.match(!check.ok ? check.reason : "", /not found — install mtr-tiny/);
});

const real = await checkMtrPacket();
Deno.test({
  name: "mtr-packet prober - real mtr-packet on loopback: icmp, udp, tcp, IPv6",
  ignore: !real.ok,
  async fn() {
    const prober = new MtrPacketProber();
    const results = await Promise.all([
      prober.probe(req("127.0.0.1", 5)),
      prober.probe({ ...req("127.0.0.1", 5), protocol: "udp", port: 33434 }),
      prober.probe({ ...req("127.0.0.1", 5), protocol: "tcp", port: 9 }),
      prober.probe({ ...req("::1", 5), ipVersion: 6 }),
    ]);
    assert.deepEqual(results.map((r) => r.kind === "reply" && r.ip), [
      "127.0.0.1",
      "127.0.0.1",
      "127.0.0.1",
      "::1",
    ]);
    await prober.close();
  },
});
