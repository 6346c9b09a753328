// MPLS label stacks: mtr-packet's `mpls` argument (four numbers per entry: label, traffic class,
// bottom of stack, TTL — mtr's packet/probe.c), per hop through stats, storage, report, export.
// The lab's kernel has no MPLS forwarding (no mpls_router module, no /proc/sys/net/mpls), so the
// parser is tested on reply lines in mtr-packet's recorded format instead.
import assert from "node:assert/strict";
import { ManualClock } from "../../engine/clock.ts";
import { MtrPacketProber } from "../../engine/probers/mtr_packet.ts";
import { parseMpls, parseReplyLine, probeResultOf } from "../../engine/probers/mtr_packet_parse.ts";
import { hopStats } from "../../engine/stats.ts";
import { toHopSample } from "../../engine/tracer.ts";
import type { ProbeRequest, Round } from "../../engine/types.ts";
import { decodeHops, encodeHops } from "../../store/codec.ts";
import { renderTable, traceJson } from "../../api/cli/trace_output.ts";
import { CSV_HEADER, mplsText } from "../../api/export_format.ts";

const STAND_IN = new URL("../fixtures/stand_in_mtr_packet.ts", import.meta.url).pathname;

const REQUEST: ProbeRequest = {
  address: "8.8.9.9",
  ipVersion: 4,
  ttl: 3,
  protocol: "icmp",
  sizeBytes: 64,
  timeoutMs: 1000,
};

Deno.test("mpls - recorded mtr-packet reply lines", () => {
  // Shapes recorded from mtr-packet clients' tests (one entry, two entries).
  const one = parseReplyLine("7 ttl-expired ip-4 10.0.0.1 round-trip-time 1234 mpls 16,0,1,255")!;
  assert.deepEqual(probeResultOf(one, REQUEST), {
    kind: "ttlExceeded",
    ip: "10.0.0.1",
    rttUs: 1234,
    mpls: [{ label: 16, tc: 0, s: true, ttl: 255 }],
  });
  const two = parseReplyLine(
    "33000 ttl-expired ip-4 10.0.0.1 round-trip-time 1234 mpls 16001,0,1,1,16002,2,0,255",
  )!;
  const result = probeResultOf(two, REQUEST);
  assert.deepEqual(result.kind === "ttlExceeded" && result.mpls, [
    { label: 16001, tc: 0, s: true, ttl: 1 },
    { label: 16002, tc: 2, s: false, ttl: 255 },
  ]);
  assert.deepEqual(parseMpls("1,2,0,3,4,5,1,6"), [
    { label: 1, tc: 2, s: false, ttl: 3 },
    { label: 4, tc: 5, s: true, ttl: 6 },
  ]);
  // Garbled stacks are dropped; the answer is kept.
  for (const bad of ["1,2,3", "1,9,0,3", "x,0,0,1", "1048576,0,1,1", ""]) {
    assert.equal(parseMpls(bad), null, bad);
  }
  const garbled = parseReplyLine("8 ttl-expired ip-4 10.0.0.1 round-trip-time 99 mpls 1,2")!;
  assert.deepEqual(probeResultOf(garbled, REQUEST), {
    kind: "ttlExceeded",
    ip: "10.0.0.1",
    rttUs: 99,
  });
});

Deno.test("mpls - from the prober to the report, JSON, storage and export", async () => {
  const prober = new MtrPacketProber({
    executable: Deno.execPath(),
    args: ["run", "--quiet", STAND_IN],
    clock: new ManualClock(),
  });
  let result;
  try {
    result = await prober.probe({ ...REQUEST, address: "10.0.0.88", ttl: 2 });
  } finally {
    await prober.close();
  }
  const labels = [{ label: 16001, tc: 0, s: false, ttl: 1 }, {
    label: 16002,
    tc: 2,
    s: true,
    ttl: 255,
  }];
  assert.deepEqual(result, { kind: "ttlExceeded", ip: "10.0.0.2", rttUs: 1234, mpls: labels });
  const hop = toHopSample(2, result);
  const round: Round = {
    targetId: 1,
    seq: 0,
    startedAt: 0,
    address: "10.0.0.88",
    hops: [toHopSample(1, { kind: "ttlExceeded", ip: "10.0.0.1", rttUs: 500 }), hop],
    destinationReached: false,
  };
  const stored = encodeHops(round.hops, false);
  assert.deepEqual(decodeHops(stored.data, stored.ips).hops, round.hops, "codec round trip");
  const stats = hopStats([round]);
  assert.deepEqual(stats[1].mpls, labels);
  assert.equal(stats[0].mpls, undefined);
  const table = renderTable(stats, { color: false, nameOf: () => undefined });
  assert.match(
    table,
    /\n +\[MPLS: Lbl 16001 TC 0 S 0 TTL 1\]\n +\[MPLS: Lbl 16002 TC 2 S 1 TTL 255\]/,
  );
  const json = traceJson(
    { target: "x", address: "10.0.0.88", prober: "mtr-packet", protocol: "icmp", samples: 1 },
    stats,
    () => null,
  );
  assert.deepEqual(json.hops[1].mpls, labels);
  assert.equal(json.hops[0].mpls, null);
  assert.ok(CSV_HEADER.trimEnd().endsWith(",mpls"));
  assert.equal(mplsText(hop.mpls), "16001/0/0/1 16002/2/1/255");
});
