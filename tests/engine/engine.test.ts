import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { ReverseDns } from "../../engine/dns.ts";
import { Engine, type EngineEvent, type EngineOptions } from "../../engine/engine.ts";
import { NARROW_SLOT_MS, SPREAD_SLOT_MS, spreadSlotMs } from "../../engine/schedule.ts";
import { resolveTargetOptions, type TargetOptionsInput } from "../../engine/options.ts";
import {
  type FakeHop,
  type FakeNetwork,
  FakeProber,
  straightRoute,
} from "../../engine/probers/fake.ts";
import { driveUntil } from "./helpers.ts";
import type { AddressChange, Round, RouteChange, Target } from "../../engine/types.ts";

const DEST = "10.0.0.9";
const EPOCH = Date.UTC(2026, 0, 1);

function target(id: number, host: string, options: TargetOptionsInput = {}): Target {
  return {
    id,
    host,
    label: null,
    options: resolveTargetOptions({ intervalMs: 1000, timeoutMs: 500, ...options }),
    paused: false,
  };
}

function setup(network: FakeNetwork, options: Partial<EngineOptions> = {}) {
  const clock = new ManualClock(EPOCH);
  const fake = new FakeProber({ clock, network });
  const engine = new Engine({
    prober: fake,
    clock,
    spreadStart: false,
    reverseDns: false,
    ...options,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  const rounds = (id = 1): Round[] =>
    events.flatMap((e) => e.type === "round" && e.round.targetId === id ? [e.round] : []);
  const routeChanges = (): RouteChange[] =>
    events.flatMap((e) => e.type === "routeChange" ? [e.change] : []);
  const addressChanges = (): AddressChange[] =>
    events.flatMap((e) => e.type === "addressChange" ? [e.change] : []);
  /** Monotonic times at which each round's TTL 1 probe went out to `address`. */
  const firstSends = (address = DEST) =>
    fake.sends.filter((s) => s.address === address && s.ttl === 1).map((s) => s.atMs);
  /** Stopping lets rounds in flight wait out their timeouts, so the clock has to run. */
  const stop = () => driveUntil(clock, engine.stop());
  return { clock, fake, engine, events, rounds, routeChanges, addressChanges, firstSends, stop };
}

const PATH = straightRoute(["10.0.0.1", "10.0.0.2", DEST]);
const SILENT_PATH: FakeHop[] = [{ ip: "10.0.0.1" }, { silent: true }, { ip: DEST, rttMs: 3 }];

Deno.test("engine - rounds start on schedule while earlier rounds still wait out their timeouts", async () => {
  const t = setup({ [DEST]: SILENT_PATH });
  t.engine.setTarget(target(1, DEST, { intervalMs: 2500, timeoutMs: 3000 }));
  await t.clock.advance(5000);
  assert.deepEqual(t.firstSends(), [0, 2500, 5000], "rounds at 0, 2.5 and 5 s started on time");
  assert.ok(t.fake.inFlight() >= 2, "round 0 and round 1 both wait for hop 2 at 5 s");
  assert.deepEqual(t.rounds().map((r) => r.seq), [0], "round 0 ended when its hop 2 timed out");
  await t.clock.advance(10_000);
  await t.stop();
  const seqs = t.rounds().map((r) => r.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => i), "published in sequence order, none missing");
  assert.deepEqual(
    t.rounds().map((r) => r.startedAt - EPOCH),
    seqs.map((seq) => seq * 2500),
  );
  const r0 = t.rounds()[0];
  assert.deepEqual(r0.hops.map((h) => [h.kind, h.ip]), [
    ["ttlExceeded", "10.0.0.1"],
    ["timeout", null],
    ["reply", DEST],
  ]);
  assert.equal(t.engine.counters().roundsLate, 0);
  assert.equal(t.engine.counters().roundsSkipped, 0);
});

Deno.test("engine - rounds are published in sequence order even when a later one finishes first", async () => {
  // Hop 1 answers slowly only for the first round: round 0 ends after round 1.
  const slowFirst: FakeHop[] = [{ ip: "10.0.0.1", rttMs: ({ nowMs }) => nowMs < 100 ? 1400 : 1 }, {
    ip: DEST,
  }];
  const t = setup({ [DEST]: slowFirst });
  const finishedAt: number[] = [];
  t.engine.subscribe((e) => e.type === "round" && finishedAt.push(t.clock.monotonic()));
  t.engine.setTarget(target(1, DEST, { timeoutMs: 2000 }));
  await t.clock.advance(1200);
  assert.equal(t.rounds().length, 0, "round 1 is done but waits for round 0");
  await t.clock.advance(3000);
  await t.stop();
  assert.deepEqual(t.rounds().slice(0, 3).map((r) => r.seq), [0, 1, 2]);
  assert.equal(finishedAt[0], finishedAt[1], "round 1 was published right after round 0");
});

Deno.test("engine - no drift over many rounds", async () => {
  const t = setup({ [DEST]: PATH });
  t.engine.setTarget(target(1, DEST, { intervalMs: 1000 }));
  for (let i = 0; i < 200; i++) await t.clock.advance(1000);
  await t.stop();
  const sends = t.firstSends();
  assert.equal(sends.length, 201);
  assert.deepEqual(sends, sends.map((_, k) => k * 1000));
  assert.deepEqual(t.rounds().map((r) => r.startedAt), sends.map((ms) => EPOCH + ms));
  assert.equal(t.engine.counters().latenessP99Ms, 0);
});

Deno.test("engine - the probe limit makes rounds late or skipped, and counters show it", async () => {
  // Ten silent hops (nothing ever answers), three probe slots, 3 s timeouts, rounds every second.
  const t = setup({ [DEST]: Array.from({ length: 10 }, () => ({ silent: true })) }, {
    maxProbesInFlight: 3,
  });
  t.engine.setTarget(target(1, DEST, { maxHops: 10, timeoutMs: 3000, interPacketDelayMs: 0 }));
  await t.clock.advance(2500);
  const busy = t.engine.counters();
  assert.equal(busy.probesInFlight, 3);
  assert.ok(busy.probesWaiting >= 1, `a round waits for a slot (${busy.probesWaiting})`);
  await t.clock.advance(20_000);
  const counters = t.engine.counters();
  assert.ok(counters.roundsLate > 0, `late rounds: ${counters.roundsLate}`);
  assert.ok(counters.roundsSkipped > 0, `skipped rounds: ${counters.roundsSkipped}`);
  assert.ok(counters.latenessP99Ms! > 100);
  assert.ok(t.fake.inFlight() <= 3, "never more than the limit in flight");
  await t.stop();
  const seqs = t.rounds().map((r) => r.seq);
  assert.ok(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]), "still published in order");
  assert.equal(
    counters.roundsStarted + counters.roundsSkipped,
    23,
    "every round due in 22.5 s is started or skipped",
  );
});

Deno.test("engine - setTarget with new options applies them at once", async () => {
  const t = setup({ [DEST]: PATH });
  t.engine.setTarget(target(1, DEST, { intervalMs: 10_000 }));
  await t.clock.advance(3000);
  assert.equal(t.rounds().length, 1);
  t.engine.setTarget(target(1, DEST, { intervalMs: 1000, finalHopOnly: true, maxHops: 8 }));
  await t.clock.advance(2500);
  const after = t.fake.sends.filter((s) => s.atMs >= 3000);
  assert.deepEqual(after.map((s) => [s.atMs, s.ttl]), [[3000, 8], [4000, 8], [5000, 8]]);
  await t.stop();
  const seqs = t.rounds().map((r) => r.seq);
  assert.deepEqual(seqs, [0, 1, 2, 3], "the sequence goes on across the update");
  assert.deepEqual(t.rounds()[1].hops.map((h) => h.ttl), [8]);
});

Deno.test("engine - two quick updates leave one schedule and unique sequence numbers", async () => {
  const t = setup({ [DEST]: PATH });
  t.engine.setTarget(target(1, DEST));
  await t.clock.advance(2500);
  t.engine.setTarget(target(1, DEST, { intervalMs: 2000 }));
  t.engine.setTarget(target(1, DEST, { intervalMs: 500 }));
  await t.clock.advance(2600);
  await t.stop();
  const seqs = t.rounds().map((r) => r.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => i), `published ${seqs.join(",")}`);
  const sends = t.firstSends();
  assert.deepEqual(sends, [0, 1000, 2000, 2500, 3000, 3500, 4000, 4500, 5000]);
  assert.deepEqual(
    t.rounds().map((r) => r.startedAt - EPOCH),
    sends,
    "every round that went out was published",
  );
});

Deno.test("engine - a target updated and removed at once stays stopped", async () => {
  const t = setup({ [DEST]: PATH });
  t.engine.setTarget(target(1, DEST));
  await t.clock.advance(1500);
  t.engine.setTarget(target(1, DEST, { intervalMs: 500 }));
  await t.engine.removeTarget(1);
  const sent = t.fake.sent();
  await t.clock.advance(5000);
  assert.equal(t.fake.sent(), sent);
  assert.deepEqual(t.engine.targetIds(), []);
});

Deno.test("engine - a longer path behind a silent router is found and reported", async () => {
  const t = setup({ [DEST]: PATH });
  t.engine.setTarget(target(1, DEST));
  await t.clock.advance(10_000);
  assert.equal(t.engine.targetStatus(1)?.knownDistance, 3);
  t.fake.setRoute(DEST, [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { silent: true }, { ip: DEST }]);
  await t.clock.advance(30_000);
  await t.stop();
  const last = t.rounds().slice(-5);
  assert.ok(last.every((r) => r.destinationReached), "the destination is reached again");
  assert.ok(last.every((r) => r.hops.length === 4));
  assert.equal(t.routeChanges().length, 1);
  assert.deepEqual(t.routeChanges()[0].after, [["10.0.0.1"], ["10.0.0.2"], [], [DEST]]);
});

Deno.test("engine - removeTarget stops probing", async () => {
  const t = setup({ [DEST]: SILENT_PATH, "10.0.1.9": PATH });
  t.engine.setTarget(target(1, DEST));
  t.engine.setTarget(target(2, "10.0.1.9"));
  await t.clock.advance(3000);
  const sentBefore = t.fake.sent(DEST);
  assert.ok(sentBefore > 0);
  await t.engine.removeTarget(1);
  assert.equal(t.fake.inFlight(DEST), 0, "its probes in flight were abandoned");
  assert.deepEqual(t.engine.targetIds(), [2]);
  const roundsBefore = t.rounds(1).length;
  await t.clock.advance(10_000);
  assert.equal(t.fake.sent(DEST), sentBefore, "no probe went out after removal");
  assert.equal(t.rounds(1).length, roundsBefore, "nothing published after removal");
  assert.ok(t.fake.sent("10.0.1.9") > 30, "the other target carries on");
  await t.stop();
});

Deno.test("engine - a route change is reported once, with before and after", async () => {
  const t = setup({ [DEST]: PATH });
  t.engine.setTarget(target(1, DEST));
  await t.clock.advance(10_000);
  t.fake.setRoute(DEST, straightRoute(["10.0.0.1", "10.0.8.2", DEST]));
  await t.clock.advance(20_000);
  await t.stop();
  assert.equal(t.routeChanges().length, 1);
  const [change] = t.routeChanges();
  assert.deepEqual(change.before, [["10.0.0.1"], ["10.0.0.2"], [DEST]]);
  assert.deepEqual(change.after, [["10.0.0.1"], ["10.0.8.2"], [DEST]]);
  assert.equal(change.targetId, 1);
  // The round due at 10 s had sent only TTL 1 when the route changed: the first on the new one.
  assert.equal(change.at, EPOCH + 10_000, "dated by the first round on the new route");
});

Deno.test("engine - timeouts and ECMP siblings are not route changes", async () => {
  const t = setup({
    [DEST]: [{ ip: "10.0.0.1", lossPct: 40 }, { ips: ["10.0.2.1", "10.0.2.2", "10.0.2.3"] }, {
      ip: DEST,
      dropsOwnRepliesPct: 30,
    }],
  });
  t.engine.setTarget(target(1, DEST));
  await t.clock.advance(120_000);
  await t.stop();
  assert.ok(t.rounds().some((r) => r.hops.some((h) => h.kind === "timeout")), "losses happened");
  assert.deepEqual(t.routeChanges(), []);
});

Deno.test("engine - a hostname target that moves to a new address emits addressChange", async () => {
  let address = DEST;
  const lookups: string[] = [];
  const t = setup({ [DEST]: PATH, "10.0.1.9": straightRoute(["10.0.0.1", "10.0.1.9"]) }, {
    reresolveIntervalMs: 60_000,
    addressLookup: (host) => {
      lookups.push(host);
      return Promise.resolve([address]);
    },
  });
  t.engine.setTarget(target(1, "target.pwlab.test"));
  await t.clock.advance(30_000);
  assert.equal(t.engine.targetStatus(1)?.address, DEST);
  address = "10.0.1.9";
  await t.clock.advance(40_000);
  await t.stop();
  assert.deepEqual(t.addressChanges(), [{
    targetId: 1,
    at: EPOCH + 60_000,
    host: "target.pwlab.test",
    before: DEST,
    after: "10.0.1.9",
  }]);
  assert.equal(lookups.length, 2);
  assert.equal(t.engine.targetStatus(1), null, "stopped");
  const last = t.rounds().at(-1)!;
  assert.equal(last.address, "10.0.1.9");
  assert.deepEqual(last.hops.map((h) => h.ip), ["10.0.0.1", "10.0.1.9"]);
  assert.deepEqual(t.routeChanges(), [], "a new address is a new path, not a route change");
});

Deno.test("engine - an unresolvable hostname target reports an error and retries", async () => {
  let fail = true;
  const t = setup({ [DEST]: PATH }, {
    addressLookup: () => fail ? Promise.reject(new Error("NXDOMAIN")) : Promise.resolve([DEST]),
  });
  t.engine.setTarget(target(1, "nowhere.pwlab.test"));
  await t.clock.advance(1000);
  const errors = t.events.filter((e) => e.type === "targetError");
  assert.equal(errors.length, 1);
  assert.match(errors[0].type === "targetError" ? errors[0].message : "", /NXDOMAIN/);
  assert.equal(t.fake.sent(), 0);
  fail = false;
  await t.clock.advance(31_000);
  await t.stop();
  assert.ok(t.rounds().length > 0, "probing began once the name resolved");
});

Deno.test("engine - reverse DNS names arrive through the cache and never delay probes", async () => {
  const clock = new ManualClock(EPOCH);
  const names: [string, string | null][] = [];
  const dns = new ReverseDns({
    clock,
    // A slow resolver: every answer takes 5 s.
    lookup: async (ip, signal) => {
      await clock.sleep(5000, signal);
      return ip === "10.0.0.1" ? ["gw.pwlab.test"] : [];
    },
    timeoutMs: 10_000,
    onResolved: (ip, name) => names.push([ip, name]),
  });
  const fake = new FakeProber({ clock, network: { [DEST]: PATH } });
  const engine = new Engine({ prober: fake, clock, spreadStart: false, reverseDns: dns });
  engine.setTarget(target(1, DEST));
  await clock.advance(3000);
  assert.equal(dns.name("10.0.0.1"), undefined, "not resolved yet");
  const ttl1 = fake.sends.filter((s) => s.ttl === 1).map((s) => s.atMs);
  assert.deepEqual(ttl1, [0, 1000, 2000, 3000], "rounds kept their schedule meanwhile");
  await clock.advance(3000);
  await driveUntil(clock, engine.stop());
  await driveUntil(clock, dns.idle());
  assert.equal(engine.dns, dns);
  assert.equal(dns.name("10.0.0.1"), "gw.pwlab.test");
  assert.equal(dns.name("10.0.0.2"), null, "no PTR record");
  assert.deepEqual(names.map(([ip]) => ip).sort(), ["10.0.0.1", "10.0.0.2", DEST]);
});

Deno.test("engine - roundLimit runs that many rounds, then whenIdle resolves", async () => {
  const t = setup({ [DEST]: SILENT_PATH });
  t.engine.setTarget(target(1, DEST, { timeoutMs: 3000 }), { roundLimit: 3 });
  let idle = false;
  t.engine.whenIdle(1).then(() => idle = true);
  await t.clock.advance(4000);
  assert.equal(idle, false, "round 2 still waits for its timeout");
  await t.clock.advance(1100);
  assert.equal(idle, true);
  assert.deepEqual(t.rounds().map((r) => r.seq), [0, 1, 2]);
  const sent = t.fake.sent();
  await t.clock.advance(10_000);
  assert.equal(t.fake.sent(), sent, "no fourth round");
  await t.stop();
  await t.engine.whenIdle(99);
});

Deno.test("engine - a paused target is not probed until unpaused", async () => {
  const t = setup({ [DEST]: PATH });
  t.engine.setTarget({ ...target(1, DEST), paused: true });
  await t.clock.advance(5000);
  assert.equal(t.fake.sent(), 0);
  t.engine.setTarget(target(1, DEST));
  await t.clock.advance(1500);
  await t.stop();
  assert.deepEqual(t.firstSends(), [5000, 6000]);
});

Deno.test("engine - a failing subscriber does not stop probing or other subscribers", async () => {
  const t = setup({ [DEST]: PATH });
  const { setLogSink } = await import("../../engine/log.ts");
  const logged: string[] = [];
  setLogSink((line) => logged.push(line));
  try {
    t.engine.subscribe(() => {
      throw new Error("subscriber broke");
    });
    t.engine.setTarget(target(1, DEST));
    await t.clock.advance(2000);
    await t.stop();
  } finally {
    setLogSink((line) => Deno.stderr.writeSync(new TextEncoder().encode(line + "\n")));
  }
  assert.equal(t.rounds().length, 3);
  assert.ok(logged.some((line) => line.includes("subscriber broke")));
});

Deno.test("engine - 300 targets run without errors", async () => {
  const network: FakeNetwork = {};
  const targets: Target[] = [];
  for (let i = 0; i < 300; i++) {
    const address = `10.${1 + Math.floor(i / 250)}.${i % 250}.9`;
    network[address] = [{ ip: "10.0.0.1" }, { ip: `10.0.${i % 7}.2`, lossPct: 5 }, {
      ip: address,
      rttMs: 2 + (i % 5),
    }];
    targets.push(target(i + 1, address, { intervalMs: 2500, timeoutMs: 3000 }));
  }
  const t = setup(network, { spreadStart: true });
  for (const each of targets) t.engine.setTarget(each);
  await t.clock.advance(25_000);
  await t.stop();
  const counters = t.engine.counters();
  assert.equal(t.events.filter((e) => e.type === "targetError").length, 0);
  assert.equal(counters.roundsSkipped, 0);
  assert.equal(counters.roundsLate, 0);
  const rounds = t.events.flatMap((e) => e.type === "round" ? [e.round] : []);
  assert.equal(rounds.length, counters.roundsCompleted);
  assert.ok(rounds.length >= 300 * 10, `${rounds.length} rounds`);
  assert.ok(rounds.every((r) => r.hops.every((h) => h.kind !== "error")));
  const reached = rounds.filter((r) => r.destinationReached).length;
  assert.ok(reached / rounds.length > 0.9, "about 5% loss");
  assert.equal(t.fake.inFlight(), 0);
  assert.equal(counters.probesInFlight, 0);
});

Deno.test("engine - with a prober that times ICMP in the kernel, spread rounds start in 250 ms batches", async () => {
  const starts = async (kernelTimed: string[] | undefined, protocol: "icmp" | "udp") => {
    const network: FakeNetwork = {};
    const t = setup(network, { spreadStart: true });
    if (kernelTimed) Object.defineProperty(t.fake, "kernelTimed", { value: kernelTimed });
    for (let i = 0; i < 40; i++) {
      const address = `10.1.0.${i + 1}`;
      network[address] = straightRoute([address]);
      t.engine.setTarget(
        target(i + 1, address, { intervalMs: 2500, protocol, finalHopOnly: true }),
      );
    }
    await t.clock.advance(5000);
    await t.stop();
    return t.fake.sends.map((s) => s.atMs);
  };
  const batched = await starts(["icmp"], "icmp");
  assert.ok(batched.length >= 40 * 2, `${batched.length} probes`);
  assert.ok(batched.every((at) => at % SPREAD_SLOT_MS === 0), "every round on a 250 ms slot");
  assert.ok(new Set(batched).size <= 2 * 2500 / SPREAD_SLOT_MS + 1, "rounds share slots");
  const spread = await starts(undefined, "icmp");
  assert.ok(spread.some((at) => at % 50 !== 0), "exactly at their offsets otherwise");
  const udp = await starts(["icmp"], "udp");
  assert.ok(udp.some((at) => at % 50 !== 0), "a protocol it does not time in the kernel");
});

Deno.test("engine - past 600 slotted rounds a second, new targets take 50 ms slots", async () => {
  const network: FakeNetwork = {};
  const t = setup(network, { spreadStart: true });
  Object.defineProperty(t.fake, "kernelTimed", { value: ["icmp"] });
  // Every 250 ms a target is 4 rounds a second: the 150th brings the slotted rate to 600.
  const add = (first: number, count: number) => {
    for (let i = first; i < first + count; i++) {
      const address = `10.2.${i >> 8}.${i & 255}`;
      network[address] = straightRoute([address]);
      t.engine.setTarget(target(i, address, { intervalMs: 250, finalHopOnly: true }));
    }
  };
  add(1, 150);
  add(151, 50);
  await t.clock.advance(1000);
  const sendsOf = (from: number, to: number) =>
    t.fake.sends.filter((s) => {
      const [, , hi, lo] = s.address.split(".").map(Number);
      const id = hi * 256 + lo;
      return id >= from && id <= to;
    }).map((s) => s.atMs);
  const wide = sendsOf(1, 150);
  const narrow = sendsOf(151, 200);
  assert.ok(wide.length >= 150 * 3 && narrow.length >= 50 * 3, `${wide.length}, ${narrow.length}`);
  assert.ok(wide.every((at) => at % SPREAD_SLOT_MS === 0), "the first 150 on 250 ms slots");
  assert.ok(narrow.every((at) => at % NARROW_SLOT_MS === 0), "the rest on 50 ms slots");
  assert.ok(narrow.some((at) => at % SPREAD_SLOT_MS !== 0), "some between the wide slots");
  await t.stop();
  assert.equal(spreadSlotMs(600), SPREAD_SLOT_MS);
  assert.equal(spreadSlotMs(600.4), NARROW_SLOT_MS);
});
