import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { MtrPacketProber } from "../../engine/probers/mtr_packet.ts";
import { parsePingOutput } from "../../engine/probers/ping_parse.ts";
import { UnreachableKinds } from "../../engine/probers/unreachable_kind.ts";
import { hopStats, pathEnd } from "../../engine/stats.ts";
import { type DistanceMemory, plannedTtls, updateDistance } from "../../engine/tracer.ts";
import { DEFAULT_OPTIONS } from "../../engine/options.ts";
import type { HopSample, Round } from "../../engine/types.ts";
import { unreachableMarker } from "../../engine/unreachable.ts";
import { renderTable, traceJson } from "../../api/cli/trace_output.ts";

const STAND_IN = new URL("../fixtures/stand_in_mtr_packet.ts", import.meta.url).pathname;

/** A round to 10.0.0.9 whose router 10.0.0.3 answers unreachable; "*" = lost, "x" = N/A. */
function unreachableRound(seq: number, cells: string[], code = "net-unreachable"): Round {
  const hops: HopSample[] = cells.map((cell, i) => {
    const ttl = i + 1;
    if (cell === "*") return { ttl, kind: "timeout", ip: null, rttUs: null, approximate: false };
    if (cell === "U") {
      return { ttl, kind: "unreachable", ip: "10.0.0.3", rttUs: 3000, approximate: false, code };
    }
    return { ttl, kind: "ttlExceeded", ip: cell, rttUs: 1000 * ttl, approximate: false };
  });
  return {
    targetId: 1,
    seq,
    startedAt: seq * 1000,
    address: "10.0.0.9",
    hops,
    destinationReached: false,
  };
}

Deno.test("unreachable - markers as traceroute prints them", () => {
  assert.equal(unreachableMarker("net-unreachable"), "!N");
  assert.equal(unreachableMarker("host-unreachable"), "!H");
  assert.equal(unreachableMarker("address-unreachable"), "!H");
  assert.equal(unreachableMarker("protocol-unreachable"), "!P");
  assert.equal(unreachableMarker("packet-filtered"), "!A");
  assert.equal(unreachableMarker("administratively-prohibited"), "!A");
  assert.equal(unreachableMarker("host-prohibited"), "!A");
  assert.equal(unreachableMarker("no-route"), "!");
  assert.equal(unreachableMarker("unreachable"), "!");
});

Deno.test("unreachable - ping's words for filtered and IPv6 no-route are kinds", () => {
  const filtered = parsePingOutput("From 198.18.3.2 icmp_seq=1 Packet filtered\n", "");
  assert.deepEqual(filtered, { kind: "unreachable", ip: "198.18.3.2", code: "packet-filtered" });
  const v6 = parsePingOutput(
    "From fd18:0:0:3::2 icmp_seq=1 Destination unreachable: No route\n",
    "",
  );
  assert.deepEqual(v6, { kind: "unreachable", ip: "fd18:0:0:3::2", code: "net-unreachable" });
  assert.equal(unreachableMarker(v6.kind === "unreachable" ? v6.code : ""), "!N");
});

Deno.test("unreachable - the distance is remembered like the destination's", () => {
  const memory: DistanceMemory = { knownDistance: null, missedRounds: 0 };
  const options = { ...DEFAULT_OPTIONS, maxHops: 30 };
  updateDistance(memory, unreachableRound(0, ["10.0.0.1", "10.0.0.2", "U"]), options);
  assert.equal(memory.knownDistance, 3);
  assert.deepEqual(plannedTtls(options, memory), [1, 2, 3]);
  // One lost unreachable: the round ends at the known distance with a timeout; nothing longer.
  updateDistance(memory, unreachableRound(1, ["10.0.0.1", "10.0.0.2", "*"]), options);
  assert.equal(memory.knownDistance, 3);
  assert.deepEqual(plannedTtls(options, memory), [1, 2, 3]);
});

Deno.test("unreachable - rows past the unreachable never show, even after a round lost them all", () => {
  const lost = Array.from({ length: 30 }, (_, i) => (i < 2 ? `10.0.0.${i + 1}` : "*"));
  const rounds = [
    unreachableRound(0, ["10.0.0.1", "10.0.0.2", "U"]),
    unreachableRound(1, lost), // a re-probe to maxHops whose every unreachable was dropped
    unreachableRound(2, ["10.0.0.1", "10.0.0.2", "*", "U"]), // lost at 3, answered at 4
    unreachableRound(3, ["10.0.0.1", "10.0.0.2", "U"]),
  ];
  for (let n = 1; n <= rounds.length; n++) {
    const stats = hopStats(rounds.slice(0, n));
    assert.deepEqual(stats.map((h) => h.hop), [1, 2, 3], `after ${n} rounds`);
  }
  assert.equal(pathEnd(rounds.slice(0, 3)), 3);
  const third = hopStats(rounds)[2];
  assert.equal(third.unreachable, "!N");
  assert.equal(third.sent, 4);
  assert.equal(third.received, 2);
});

Deno.test("unreachable - a path that really got one hop longer is shown at its new length", () => {
  const rounds = [
    unreachableRound(0, ["10.0.0.1", "10.0.0.2", "U"]),
    unreachableRound(1, ["10.0.0.1", "10.0.0.2", "10.0.0.5", "U"]),
  ];
  assert.equal(pathEnd(rounds), 4);
});

Deno.test("unreachable - report and JSON carry the marker", () => {
  const stats = hopStats([unreachableRound(0, ["10.0.0.1", "10.0.0.2", "U"], "host-unreachable")]);
  const table = renderTable(stats, { color: false, nameOf: () => undefined });
  assert.match(table, /^ +3 +10\.0\.0\.3 !H /m);
  assert.match(table, /!N !H !P !A the router answered unreachable/);
  const json = traceJson(
    { target: "x", address: "10.0.0.9", prober: "fake", protocol: "icmp", samples: 1 },
    stats,
    () => null,
  );
  assert.deepEqual(json.hops.map((h) => h.unreachable), [null, null, "!H"]);
});

Deno.test("unreachable - the mtr-packet prober learns the kind once per router, then caches it", async () => {
  const clock = new ManualClock();
  const asked: string[][] = [];
  const kinds = new UnreachableKinds((args) => {
    asked.push(args);
    return Promise.resolve({
      stdout: "From 10.0.0.2 icmp_seq=1 Destination Net Unreachable\n",
      stderr: "",
    });
  }, clock);
  const prober = new MtrPacketProber({
    executable: Deno.execPath(),
    args: ["run", "--quiet", STAND_IN],
    clock,
    unreachableKinds: kinds,
  });
  try {
    const req = (ttl: number) => ({
      address: "10.0.0.77",
      ipVersion: 4 as const,
      ttl,
      protocol: "udp" as const,
      port: 33434,
      sizeBytes: 64,
      timeoutMs: 1000,
    });
    const first = await prober.probe(req(2));
    assert.deepEqual(first, {
      kind: "unreachable",
      ip: "10.0.0.2",
      rttUs: 2000,
      code: "net-unreachable",
    });
    const second = await prober.probe(req(3));
    assert.equal(second.kind === "unreachable" && second.code, "net-unreachable");
    assert.equal(asked.length, 1);
    assert.ok(asked[0].includes("-t") && asked[0].includes("10.0.0.77"));
  } finally {
    await prober.close();
  }
});

Deno.test("unreachable - a round that lost every answer up to TTL 26 does not lengthen the path", () => {
  const long = ["10.0.0.1", "10.0.0.2", ...Array(23).fill("*"), "U"];
  const rounds = [unreachableRound(0, ["10.0.0.1", "10.0.0.2", "U"]), unreachableRound(1, long)];
  assert.equal(pathEnd(rounds), 3);
  assert.deepEqual(hopStats(rounds).map((h) => h.hop), [1, 2, 3]);
});

Deno.test("unreachable - a local send error is sent again (Linux keeps stale ICMP errors)", async () => {
  const prober = new MtrPacketProber({
    executable: Deno.execPath(),
    args: ["run", "--quiet", STAND_IN],
    clock: new ManualClock(),
  });
  try {
    const request = {
      address: "10.0.0.44",
      ipVersion: 4 as const,
      ttl: 5,
      protocol: "icmp" as const,
      sizeBytes: 64,
      timeoutMs: 1000,
    };
    // Two stale errors pending: two failed sends, then the probe goes out and is answered.
    assert.deepEqual(await prober.probe(request), { kind: "reply", ip: "10.0.0.44", rttUs: 4000 });
    assert.equal(prober.inFlight, 0, "the slot went back once");
    // A real local error fails every send: after the bounded resends it is an unreachable.
    const local = await prober.probe({ ...request, address: "10.0.0.45" });
    assert.equal(local.kind, "unreachable");
    assert.equal(local.kind === "unreachable" && local.ip, null);
    assert.equal(prober.inFlight, 0);
  } finally {
    await prober.close();
  }
});
