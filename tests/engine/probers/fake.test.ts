import assert from "node:assert/strict";
import { ManualClock } from "../../../engine/clock.ts";
import { type FakeHop, FakeProber, straightRoute } from "../../../engine/probers/fake.ts";
import { mulberry32 } from "../../../engine/random.ts";
import type { ProbeRequest, ProbeResult } from "../../../engine/types.ts";

const DEST = "10.0.0.9";

function req(ttl: number, options: { address?: string; timeoutMs?: number } = {}): ProbeRequest {
  return {
    address: options.address ?? DEST,
    ipVersion: 4,
    ttl,
    protocol: "icmp",
    sizeBytes: 56,
    timeoutMs: options.timeoutMs ?? 3000,
  };
}

/** Sends one probe and lets the manual clock run until every probe could have settled. */
async function probeOnce(
  fake: FakeProber,
  clock: ManualClock,
  request: ProbeRequest,
): Promise<ProbeResult> {
  const pending = fake.probe(request);
  await clock.advance(request.timeoutMs);
  return await pending;
}

/** Tracks whether a promise has settled yet. */
function watch<T>(promise: Promise<T>): { done: boolean; value?: T } {
  const state: { done: boolean; value?: T } = { done: false };
  promise.then((value) => {
    state.done = true;
    state.value = value;
  });
  return state;
}

function lossyNetwork(): FakeHop[] {
  return [{ ip: "10.0.0.1", rttMs: 1 }, { ip: "10.0.0.2", rttMs: 2, lossPct: 30 }, {
    rttMs: 5,
  }];
}

async function fates(seed: number, count: number): Promise<string> {
  const clock = new ManualClock();
  const fake = new FakeProber({ clock, seed, network: { [DEST]: lossyNetwork() } });
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await probeOnce(fake, clock, req(3))).kind[0]);
  return out.join("");
}

Deno.test("fake prober - a clean path answers with Time Exceeded, then the destination's reply", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: { [DEST]: straightRoute(["10.0.0.1", "10.0.0.2", DEST], { stepMs: 2 }) },
  });
  assert.equal(fake.name, "fake");
  assert.deepEqual(await probeOnce(fake, clock, req(1)), {
    kind: "ttlExceeded",
    ip: "10.0.0.1",
    rttUs: 2000,
  });
  assert.deepEqual(await probeOnce(fake, clock, req(2)), {
    kind: "ttlExceeded",
    ip: "10.0.0.2",
    rttUs: 4000,
  });
  for (const ttl of [3, 4, 30]) {
    assert.deepEqual(await probeOnce(fake, clock, req(ttl)), {
      kind: "reply",
      ip: DEST,
      rttUs: 6000,
    });
  }
  assert.equal(fake.sent(), 5);
  assert.equal(fake.sent(DEST), 5);
  assert.equal(fake.sent(DEST, 3), 1);
  assert.equal(fake.sent("10.9.9.9"), 0);
});

Deno.test("fake prober - replies arrive on the clock after their RTT, losses after the timeout", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: { [DEST]: [{ ip: "10.0.0.1", rttMs: 10 }, { silent: true }, { rttMs: 20 }] },
  });
  const reply = watch(fake.probe(req(1, { timeoutMs: 1000 })));
  const lost = watch(fake.probe(req(2, { timeoutMs: 1000 })));
  assert.equal(fake.inFlight(), 2);
  await clock.advance(9);
  assert.equal(reply.done, false);
  await clock.advance(1);
  assert.equal(reply.done, true);
  assert.equal(fake.inFlight(), 1);
  await clock.advance(989);
  assert.equal(lost.done, false);
  await clock.advance(1);
  assert.deepEqual(lost.value, { kind: "timeout" });
  assert.equal(fake.inFlight(), 0);
});

Deno.test("fake prober - an RTT longer than the probe's timeout is a timeout", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({ clock, network: { [DEST]: [{ rttMs: 5000 }] } });
  assert.deepEqual(await probeOnce(fake, clock, req(1, { timeoutMs: 3000 })), { kind: "timeout" });
});

Deno.test("fake prober - loss is reproducible for a seed and near the configured rate", async () => {
  const first = await fates(7, 400);
  assert.equal(await fates(7, 400), first, "same seed, same losses");
  assert.notEqual(await fates(8, 400), first, "another seed, other losses");
  const lossPct = (100 * [...first].filter((k) => k === "t").length) / first.length;
  assert.ok(lossPct > 22 && lossPct < 38, `loss ${lossPct}% near 30%`);
  assert.ok([...first].every((k) => k === "t" || k === "r"));
});

Deno.test("fake prober - other addresses do not disturb an address's loss sequence", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    seed: 7,
    network: { [DEST]: lossyNetwork(), "10.0.1.9": lossyNetwork() },
  });
  const out: string[] = [];
  for (let i = 0; i < 100; i++) {
    const mine = fake.probe(req(3));
    const other = fake.probe(req(3, { address: "10.0.1.9" }));
    await clock.advance(3000);
    out.push((await mine).kind[0]);
    await other;
  }
  assert.equal(out.join(""), await fates(7, 100));
});

Deno.test("fake prober - a silent hop never answers but forwards to later hops", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: { [DEST]: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2", silent: true }, {}] },
  });
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(await probeOnce(fake, clock, req(2)), { kind: "timeout" });
    assert.equal((await probeOnce(fake, clock, req(3))).kind, "reply");
  }
});

Deno.test("fake prober - a hop that drops its own replies does not cause loss further on", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: { [DEST]: [{ ip: "10.0.0.1", dropsOwnRepliesPct: 60 }, { ip: "10.0.0.2" }, {}] },
  });
  const hop1: string[] = [];
  for (let i = 0; i < 100; i++) {
    hop1.push((await probeOnce(fake, clock, req(1))).kind);
    assert.equal((await probeOnce(fake, clock, req(3))).kind, "reply");
  }
  const lost = hop1.filter((k) => k === "timeout").length;
  assert.ok(lost > 40 && lost < 80, `${lost} of 100 replies dropped`);
});

Deno.test("fake prober - real loss at a hop carries to later hops", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: { [DEST]: [{ ip: "10.0.0.1", lossPct: 50 }, { ip: "10.0.0.2" }, {}] },
  });
  let lost = 0;
  for (let i = 0; i < 100; i++) {
    if ((await probeOnce(fake, clock, req(3))).kind === "timeout") lost++;
  }
  assert.ok(lost > 35 && lost < 65, `${lost} of 100 lost at the destination`);
});

Deno.test("fake prober - ECMP: several addresses at a hop alternate probe by probe", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: { [DEST]: [{ ip: "10.0.0.1" }, { ips: ["10.0.2.1", "10.0.2.2"] }, {}] },
  });
  const seen: (string | null)[] = [];
  for (let i = 0; i < 4; i++) {
    const result = await probeOnce(fake, clock, req(2));
    seen.push(result.kind === "ttlExceeded" ? result.ip : null);
  }
  assert.deepEqual(seen, ["10.0.2.1", "10.0.2.2", "10.0.2.1", "10.0.2.2"]);
});

Deno.test("fake prober - setRoute changes the path from the next probe on", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: { [DEST]: straightRoute(["10.0.0.1", "10.0.0.2", DEST]) },
  });
  const before = fake.probe(req(2));
  fake.setRoute(DEST, straightRoute(["10.0.0.1", "10.0.7.2", "10.0.7.3", DEST]));
  const after = fake.probe(req(2));
  await clock.advance(3000);
  assert.deepEqual(await before, { kind: "ttlExceeded", ip: "10.0.0.2", rttUs: 2000 });
  assert.deepEqual(await after, { kind: "ttlExceeded", ip: "10.0.7.2", rttUs: 2000 });
  assert.deepEqual(await probeOnce(fake, clock, req(3)), {
    kind: "ttlExceeded",
    ip: "10.0.7.3",
    rttUs: 3000,
  });
  fake.setRoute(DEST, null);
  assert.deepEqual(await probeOnce(fake, clock, req(3)), { kind: "timeout" });
});

Deno.test("fake prober - an unknown address never answers", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({ clock });
  assert.deepEqual(await probeOnce(fake, clock, req(5, { address: "10.1.1.1" })), {
    kind: "timeout",
  });
  assert.equal(fake.sent("10.1.1.1", 5), 1);
});

Deno.test("fake prober - an unreachable hop answers every probe reaching it, with its address and quote", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: {
      [DEST]: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2", rttMs: 4, unreachable: "host-unreachable" }, {
        ip: DEST,
      }],
    },
  });
  assert.equal((await probeOnce(fake, clock, req(1))).kind, "ttlExceeded");
  for (const ttl of [2, 3, 10]) {
    assert.deepEqual(await probeOnce(fake, clock, req(ttl)), {
      kind: "unreachable",
      ip: "10.0.0.2",
      rttUs: 4000,
      code: "host-unreachable",
      quotedTtl: ttl - 1,
    });
  }
});

Deno.test("fake prober - RTT as a function of the clock", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({
    clock,
    network: { [DEST]: [{ rttMs: ({ nowMs }) => (nowMs < 10_000 ? 5 : 50) }] },
  });
  assert.deepEqual(await probeOnce(fake, clock, req(1)), { kind: "reply", ip: DEST, rttUs: 5000 });
  await clock.advance(10_000);
  assert.deepEqual(await probeOnce(fake, clock, req(1)), { kind: "reply", ip: DEST, rttUs: 50000 });
});

Deno.test("fake prober - injected errors resolve as kind error, or reject when asked to", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({ clock, network: { [DEST]: straightRoute(["10.0.0.1", DEST]) } });
  fake.setError({ code: "send-failed", ttl: 1 });
  const failed = await fake.probe(req(1));
  assert.equal(failed.kind, "error");
  assert.equal(failed.kind === "error" && failed.code, "send-failed");
  assert.equal((await probeOnce(fake, clock, req(2))).kind, "reply", "other TTLs unaffected");
  fake.setError({ code: "crash", throws: true });
  await assert.rejects(fake.probe(req(2)), /crash/);
  fake.setError(null);
  assert.equal((await probeOnce(fake, clock, req(2))).kind, "reply");
});

Deno.test("fake prober - an aborted probe resolves as error aborted and leaves nothing in flight", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({ clock, network: { [DEST]: [{ silent: true }, {}] } });
  const abort = new AbortController();
  const pending = fake.probe(req(1), abort.signal);
  assert.equal(fake.inFlight(), 1);
  abort.abort();
  const result = await pending;
  assert.equal(result.kind === "error" && result.code, "aborted");
  assert.equal(fake.inFlight(), 0);
  assert.equal(clock.pending, 0);
  const early = await fake.probe(req(2), abort.signal);
  assert.equal(early.kind === "error" && early.code, "aborted");
});

Deno.test("fake prober - close ends pending probes as errors", async () => {
  const clock = new ManualClock();
  const fake = new FakeProber({ clock, network: { [DEST]: [{ silent: true }, {}] } });
  const pending = fake.probe(req(1));
  await fake.close();
  const result = await pending;
  assert.equal(result.kind === "error" && result.code, "closed");
  assert.equal(fake.inFlight(), 0);
});

Deno.test("fake prober - mulberry32 is deterministic and in [0, 1)", () => {
  const a = mulberry32(42), b = mulberry32(42);
  const values = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(values, Array.from({ length: 1000 }, () => b()));
  assert.ok(values.every((v) => v >= 0 && v < 1));
});
