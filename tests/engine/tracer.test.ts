import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { ProbeLimiter } from "../../engine/limiter.ts";
import { resolveTargetOptions, type TargetOptionsInput } from "../../engine/options.ts";
import { type FakeHop, FakeProber, straightRoute } from "../../engine/probers/fake.ts";
import {
  type DistanceMemory,
  MISSES_BEFORE_REPROBE,
  plannedTtls,
  traceRound,
  updateDistance,
} from "../../engine/tracer.ts";
import type { Prober, ProbeResult, Round } from "../../engine/types.ts";
import { driveUntil } from "./helpers.ts";

const DEST = "10.0.0.9";

function setup(hops: FakeHop[], options: TargetOptionsInput = {}, limit = 1024) {
  const clock = new ManualClock();
  const fake = new FakeProber({ clock, network: { [DEST]: hops } });
  const limiter = new ProbeLimiter(limit);
  const targetOptions = resolveTargetOptions({ timeoutMs: 1000, ...options });
  const memory: DistanceMemory = { knownDistance: null, missedRounds: 0 };
  let seq = 0;
  /** Traces one round the way the engine does: plan from memory, learn from the result. */
  async function trace(prober: Prober = fake): Promise<Round> {
    const plan = {
      targetId: 1,
      seq: seq++,
      startedAt: clock.now(),
      address: DEST,
      options: targetOptions,
      ttls: plannedTtls(targetOptions, memory),
    };
    const { round } = await driveUntil(clock, traceRound(plan, { prober, clock, limiter }), {
      stepMs: 10,
    });
    updateDistance(memory, round, targetOptions);
    return round;
  }
  return { clock, fake, limiter, memory, trace };
}

const PATH = ["10.0.0.1", "10.0.0.2", DEST];

Deno.test("tracer - stops at destination", async () => {
  const { fake, trace, limiter } = setup(straightRoute(PATH, { stepMs: 2 }));
  const round = await trace();
  assert.deepEqual(round.hops.map((h) => [h.ttl, h.kind, h.ip, h.rttUs]), [
    [1, "ttlExceeded", "10.0.0.1", 2000],
    [2, "ttlExceeded", "10.0.0.2", 4000],
    [3, "reply", DEST, 6000],
  ]);
  assert.equal(round.destinationReached, true);
  assert.equal(round.address, DEST);
  assert.equal(fake.sent(DEST, 4), 0, "the reply came back before TTL 4 was due");
  assert.equal(limiter.inFlight, 0, "every probe slot is given back");
});

Deno.test("tracer - replies past the destination that were already on their way are discarded", async () => {
  // The destination answers after 100 ms: TTLs 4..7 leave (25 ms apart) before its reply is in.
  const { fake, trace } = setup([{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { rttMs: 100 }]);
  const round = await trace();
  assert.ok(fake.sent(DEST, 4) === 1 && fake.sent(DEST, 6) === 1, "probes past it went out");
  assert.equal(fake.sent(DEST, 9), 0, "and stopped once the reply was in");
  assert.deepEqual(round.hops.map((h) => h.ttl), [1, 2, 3]);
  assert.equal(round.hops[2].kind, "reply");
  assert.equal(round.destinationReached, true);
});

Deno.test("tracer - lost probes are null, never 0", async () => {
  const { trace } = setup([{ ip: "10.0.0.1" }, { ip: "10.0.0.2", silent: true }, {
    rttMs: 2000,
  }], { maxHops: 4 });
  const round = await trace();
  assert.deepEqual(round.hops.slice(1), [
    { ttl: 2, kind: "timeout", ip: null, rttUs: null, approximate: false },
    { ttl: 3, kind: "timeout", ip: null, rttUs: null, approximate: false },
    { ttl: 4, kind: "timeout", ip: null, rttUs: null, approximate: false },
  ]);
  assert.equal(round.destinationReached, false);
  assert.ok(round.hops.every((h) => h.rttUs !== 0));
});

Deno.test("tracer - sends are spaced by the inter-packet delay", async () => {
  const { fake, trace } = setup([{ silent: true }, { silent: true }, { silent: true }, {}], {
    interPacketDelayMs: 40,
  });
  await trace();
  const times = fake.sends.map((s) => s.atMs);
  assert.deepEqual(times, [0, 40, 80, 120]);
  assert.deepEqual(fake.sends.map((s) => s.ttl), [1, 2, 3, 4]);
});

Deno.test("tracer - no inter-packet delay sends the whole round at once", async () => {
  const { fake, trace } = setup([{ silent: true }, { silent: true }, { rttMs: 5 }], {
    interPacketDelayMs: 0,
    maxHops: 6,
  });
  const round = await trace();
  assert.ok(fake.sends.every((s) => s.atMs === 0));
  assert.equal(fake.sent(), 6, "all went out before any answer");
  assert.deepEqual(round.hops.map((h) => h.kind), ["timeout", "timeout", "reply"]);
});

Deno.test("tracer - final-hop-only probes only the maxHops TTL", async () => {
  const { fake, trace, limiter } = setup(straightRoute(PATH), { finalHopOnly: true, maxHops: 12 });
  for (let i = 0; i < 3; i++) {
    const round = await trace();
    assert.deepEqual(round.hops.map((h) => [h.ttl, h.kind, h.ip]), [[12, "reply", DEST]]);
    assert.equal(round.destinationReached, true);
  }
  assert.equal(fake.sent(), 3);
  assert.equal(fake.sent(DEST, 12), 3);
  // Its one probe's failures, a timeout and the slot given back, as in a round of many.
  fake.setError({ code: "crashed", ttl: 12, throws: true });
  const thrown = await trace();
  assert.deepEqual(thrown.hops.map((h) => [h.ttl, h.kind, h.code]), [[
    12,
    "error",
    "prober-failed",
  ]]);
  assert.equal(thrown.destinationReached, false);
  fake.setError({ code: "send-failed", ttl: 12 });
  assert.equal((await trace()).hops[0].code, "send-failed");
  assert.equal(limiter.inFlight, 0, "every slot was released");
});

Deno.test("tracer - distance memory: later rounds stop at the known destination", async () => {
  // The destination answers slowly, so a first round sends well past it before the reply.
  const { fake, trace, memory } = setup([{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, {
    rttMs: ({ nowMs }) => nowMs < 1000 ? 200 : 5,
  }]);
  await trace();
  assert.equal(memory.knownDistance, 3);
  const firstRound = fake.sent();
  assert.ok(firstRound > 6, `the first round probed past the destination (${firstRound})`);
  const round = await trace();
  assert.equal(round.destinationReached, true);
  assert.equal(fake.sent() - firstRound, 3, "the second round sent TTL 1..3 only");
});

Deno.test("tracer - distance memory is reset when the destination moves farther away", async () => {
  const { fake, trace, memory } = setup(straightRoute(PATH));
  await trace();
  assert.equal(memory.knownDistance, 3);
  fake.setRoute(DEST, straightRoute(["10.0.0.1", "10.0.0.2", "10.0.5.3", "10.0.5.4", DEST]));
  const cut = await trace();
  assert.deepEqual(cut.hops.map((h) => h.ttl), [1, 2, 3], "still probing the old distance");
  assert.equal(cut.destinationReached, false);
  assert.equal(memory.knownDistance, null, "a router at the old distance: the path grew");
  const full = await trace();
  assert.equal(full.destinationReached, true);
  assert.deepEqual(full.hops.map((h) => h.ip), [
    "10.0.0.1",
    "10.0.0.2",
    "10.0.5.3",
    "10.0.5.4",
    DEST,
  ]);
  assert.equal(memory.knownDistance, 5);
});

Deno.test("tracer - distance memory: a longer path behind a silent router is found again", async () => {
  const { fake, trace, memory } = setup(straightRoute(PATH));
  await trace();
  fake.setRoute(DEST, [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { silent: true }, {}, {}]);
  const kinds: string[] = [];
  for (let i = 0; i < MISSES_BEFORE_REPROBE + 1; i++) {
    const round = await trace();
    kinds.push(round.destinationReached ? "reached" : `stopped at ${round.hops.length}`);
  }
  assert.deepEqual(kinds, [
    ...Array(MISSES_BEFORE_REPROBE).fill("stopped at 3"),
    "reached",
  ]);
  assert.equal(memory.knownDistance, 5);
});

Deno.test("tracer - distance memory: a lost reply at the destination keeps the distance", async () => {
  const { fake, trace, memory } = setup(straightRoute(PATH));
  await trace();
  fake.setRoute(DEST, [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { silent: true }]);
  const round = await trace();
  assert.equal(round.destinationReached, false);
  assert.equal(memory.knownDistance, 3);
});

Deno.test("tracer - an unreachable with an address terminates the round", async () => {
  const { fake, trace } = setup([{ ip: "10.0.0.1" }, {
    ip: "10.0.0.2",
    rttMs: 30,
    unreachable: "net-unreachable",
  }, {}]);
  const round = await trace();
  assert.deepEqual(round.hops.at(-1), {
    ttl: 2,
    kind: "unreachable",
    ip: "10.0.0.2",
    rttUs: 30_000,
    approximate: false,
    code: "net-unreachable",
  });
  assert.equal(round.hops.length, 2);
  assert.equal(round.destinationReached, false);
  assert.ok(fake.sent(DEST, 3) === 1 && fake.sent(DEST, 5) === 0, "sending stopped");
});

/**
 * r1, r2, then r3 with no route on: r3 answers every probe that reaches it (TTL 3 and later) with
 * "no route", except its answer to the probe of its own TTL, and quotes the probe with the TTL
 * it still had (`quotes`), as the native prober reads it; `atThree` replaces its answer at TTL 3.
 */
function unreachableBehind(
  clock: ManualClock,
  { quotes, atThree = { kind: "timeout" } }: { quotes: boolean; atThree?: ProbeResult },
): Prober {
  return {
    name: "quoting",
    probe: async ({ ttl }) => {
      await clock.sleep(ttl);
      if (ttl < 3) return { kind: "ttlExceeded", ip: `10.0.0.${ttl}`, rttUs: ttl * 1000 };
      if (ttl === 3) return atThree;
      const quote = quotes ? { quotedTtl: ttl - 2 } : {};
      return {
        kind: "unreachable",
        ip: "10.0.0.3",
        rttUs: 3000,
        code: "net-unreachable",
        ...quote,
      };
    },
    close: () => Promise.resolve(),
  };
}

Deno.test("tracer - an unreachable is placed where its router's quote says, when its own TTL was lost", async () => {
  const { clock, memory, trace } = setup([], { maxHops: 8 });
  const round = await trace(unreachableBehind(clock, { quotes: true }));
  assert.deepEqual(round.hops.map((h) => [h.ttl, h.kind, h.ip]), [
    [1, "ttlExceeded", "10.0.0.1"],
    [2, "ttlExceeded", "10.0.0.2"],
    [3, "unreachable", "10.0.0.3"],
  ]);
  assert.equal(memory.knownDistance, 3, "the next round stops at r3");
  assert.deepEqual(plannedTtls(resolveTargetOptions({ maxHops: 8 }), memory), [1, 2, 3]);
});

Deno.test("tracer - without a quote, or against an answer on the way, the unreachable stays at its TTL", async () => {
  const unquoted = setup([], { maxHops: 8 });
  const round = await unquoted.trace(unreachableBehind(unquoted.clock, { quotes: false }));
  assert.deepEqual(round.hops.map((h) => [h.ttl, h.kind]).slice(2), [
    [3, "timeout"],
    [4, "unreachable"],
  ]);
  assert.equal(unquoted.memory.knownDistance, 4);
  // A router at TTL 3 that forwards: the quote (distance 3) is not what the path shows.
  const forwarded = setup([], { maxHops: 8 });
  const atThree: ProbeResult = { kind: "ttlExceeded", ip: "10.0.0.33", rttUs: 3000 };
  const through = await forwarded.trace(
    unreachableBehind(forwarded.clock, { quotes: true, atThree }),
  );
  assert.deepEqual(through.hops.map((h) => [h.ttl, h.kind, h.ip]).slice(2), [
    [3, "ttlExceeded", "10.0.0.33"],
    [4, "unreachable", "10.0.0.3"],
  ]);
});

Deno.test("tracer - an unreachable without an address (local no-route) does not end the path", async () => {
  const { clock, trace } = setup([], { maxHops: 3 });
  const noRoute: Prober = {
    name: "no-route",
    probe: async (request) => {
      await clock.sleep(1);
      return request.ttl === 3
        ? { kind: "reply", ip: DEST, rttUs: 1000 }
        : { kind: "unreachable", ip: null, rttUs: null, code: "no-route" };
    },
    close: () => Promise.resolve(),
  };
  const round = await trace(noRoute);
  assert.deepEqual(round.hops.map((h) => [h.kind, h.ip, h.code]), [
    ["unreachable", null, "no-route"],
    ["unreachable", null, "no-route"],
    ["reply", DEST, undefined],
  ]);
});

Deno.test("tracer - prober errors are kind error with the prober's code, not loss", async () => {
  const { fake, trace } = setup(straightRoute(PATH));
  fake.setError({ code: "send-failed", ttl: 2 });
  const round = await trace();
  assert.deepEqual(round.hops[1], {
    ttl: 2,
    kind: "error",
    ip: null,
    rttUs: null,
    approximate: false,
    code: "send-failed",
  });
  assert.equal(round.hops[2].kind, "reply");
  fake.setError({ code: "crashed", ttl: 1, throws: true });
  const thrown = await trace();
  assert.equal(thrown.hops[0].kind, "error");
  assert.equal(thrown.hops[0].code, "prober-failed", "a throwing prober is caught per probe");
});

Deno.test("tracer - the probe limiter holds sends back until slots are free", async () => {
  const { fake, trace, limiter } = setup([{ silent: true }, { silent: true }, { rttMs: 5 }], {
    interPacketDelayMs: 0,
    maxHops: 5,
    timeoutMs: 1000,
  }, 2);
  const round = await trace();
  assert.deepEqual(fake.sends.map((s) => [s.ttl, s.atMs]), [[1, 0], [2, 0], [3, 1000], [4, 1000]]);
  assert.deepEqual(round.hops.map((h) => h.kind), ["timeout", "timeout", "reply"]);
  assert.equal(limiter.inFlight, 0);
});
