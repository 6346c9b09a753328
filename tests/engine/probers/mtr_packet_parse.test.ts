import assert from "node:assert/strict";
import {
  featureSupportOf,
  formatProbeRequest,
  parseReplyLine,
  probeResultOf,
} from "../../../engine/probers/mtr_packet_parse.ts";
import type { ProbeRequest, ProbeResult } from "../../../engine/types.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../../fixtures/${name}`, import.meta.url));

function req(address: string, ttl: number, extra: Partial<ProbeRequest> = {}): ProbeRequest {
  const ipVersion = address.includes(":") ? 6 : 4;
  return { address, ipVersion, ttl, protocol: "icmp", sizeBytes: 56, timeoutMs: 1000, ...extra };
}

// The requests that produced tests/fixtures/mtr_packet_lab.txt (agent -> router -> target lab;
// 10.99.2.77 does not exist, 10.99.3.5 has no route at the router) and what each reply means.
const recorded: Record<number, [ProbeRequest, ProbeResult]> = {
  1: [req("10.99.2.2", 1), { kind: "ttlExceeded", ip: "10.99.1.1", rttUs: 2534 }],
  2: [req("10.99.2.2", 2), { kind: "reply", ip: "10.99.2.2", rttUs: 2385 }],
  3: [req("fd99:2::2", 1), { kind: "ttlExceeded", ip: "fd99:1::1", rttUs: 2258 }],
  4: [req("fd99:2::2", 2), { kind: "reply", ip: "fd99:2::2", rttUs: 2164 }],
  5: [req("10.99.2.77", 5), {
    kind: "unreachable",
    ip: "10.99.1.1",
    rttUs: 3077914,
    code: "no-route",
  }],
  7: [req("10.99.2.2", 5, { protocol: "udp", port: 33434 }), {
    kind: "reply",
    ip: "10.99.2.2",
    rttUs: 1890,
  }],
  8: [req("10.99.2.2", 5, { protocol: "tcp", port: 80 }), {
    kind: "reply",
    ip: "10.99.2.2",
    rttUs: 1587,
  }],
  9: [req("10.99.2.2", 1, { protocol: "tcp", port: 80 }), {
    kind: "ttlExceeded",
    ip: "10.99.1.1",
    rttUs: 1049,
  }],
  11: [req("fd99:2::2", 4, { protocol: "udp", port: 33434 }), {
    kind: "reply",
    ip: "fd99:2::2",
    rttUs: 900,
  }],
  12: [req("10.99.3.5", 4), { kind: "timeout" }],
  19: [req("fd99:2::77", 5), {
    kind: "unreachable",
    ip: "fd99:1::1",
    rttUs: 3076391,
    code: "no-route",
  }],
  21: [req("10.99.1.1", 64, { protocol: "tcp", port: 9 }), {
    kind: "reply",
    ip: "10.99.1.1",
    rttUs: 366,
  }],
};

Deno.test("mtr-packet parse - every recorded lab reply maps to the right result", () => {
  const lines = fixture("mtr_packet_lab.txt").trim().split("\n");
  const seen = new Set<number>();
  for (const line of lines) {
    const reply = parseReplyLine(line);
    assert.ok(reply, line);
    const expected = recorded[reply.token];
    if (!expected) continue;
    seen.add(reply.token);
    assert.deepEqual(probeResultOf(reply, expected[0]), expected[1], line);
  }
  assert.deepEqual([...seen].sort((a, b) => a - b), Object.keys(recorded).map(Number));
});

Deno.test("mtr-packet parse - refusals are errors, never packet loss", () => {
  const lines = fixture("mtr_packet_lab.txt").trim().split("\n");
  const byToken = new Map(lines.map((line) => [parseReplyLine(line)!.token, line]));
  for (const token of [13, 14, 18, 20]) {
    const result = probeResultOf(parseReplyLine(byToken.get(token)!)!, req("10.99.2.2", 3));
    assert.equal(result.kind, "error", byToken.get(token));
  }
  const unknown = probeResultOf(parseReplyLine("5 frobnicated")!, req("10.0.0.1", 1));
  assert.deepEqual(unknown.kind === "error" && unknown.code, "unknown-reply");
});

Deno.test("mtr-packet parse - feature support answers", () => {
  const lines = fixture("mtr_packet_lab.txt").trim().split("\n").map(parseReplyLine);
  const support = new Map(lines.map((r) => [r!.token, featureSupportOf(r!)]));
  assert.equal(support.get(15), "ok");
  assert.equal(support.get(16), "no");
  assert.equal(support.get(17), "0.95");
});

Deno.test("mtr-packet parse - a reply from another address is a router's unreachable", () => {
  const reply = parseReplyLine("9 reply ip-4 10.99.1.1 round-trip-time 700")!;
  assert.deepEqual(probeResultOf(reply, req("10.99.2.2", 9)), {
    kind: "unreachable",
    ip: "10.99.1.1",
    rttUs: 700,
    code: "unreachable",
  });
  const v6 = parseReplyLine("9 reply ip-6 fd99:2::2 round-trip-time 700")!;
  assert.equal(probeResultOf(v6, req("fd99:2:0:0::2", 9)).kind, "reply");
});

Deno.test("mtr-packet parse - malformed lines are rejected", () => {
  assert.equal(parseReplyLine(""), null);
  assert.equal(parseReplyLine("reply ip-4 1.2.3.4"), null);
  const noRtt = probeResultOf(parseReplyLine("3 reply ip-4 10.0.0.1")!, req("10.0.0.1", 3));
  assert.equal(noRtt.kind, "error");
});

Deno.test("mtr-packet parse - request lines carry every option, timeout in whole seconds", () => {
  assert.equal(
    formatProbeRequest(7, req("10.0.0.1", 4, { protocol: "udp", port: 33434, timeoutMs: 2500 })),
    "7 send-probe ip-4 10.0.0.1 ttl 4 protocol udp port 33434 size 56 timeout 3\n",
  );
  assert.equal(
    formatProbeRequest(8, req("fd00::1", 1, { sizeBytes: 100, timeoutMs: 300 })),
    "8 send-probe ip-6 fd00::1 ttl 1 protocol icmp size 100 timeout 1\n",
  );
});
