import assert from "node:assert/strict";
import {
  effectiveTimeoutMs,
  formatProbeRequest,
  parseReplyLine,
  probeResultOf,
} from "../../../engine/probers/mtr_packet_parse.ts";
import type { ProbeRequest } from "../../../engine/types.ts";

const tcp: ProbeRequest = {
  address: "198.18.4.2",
  ipVersion: 4,
  ttl: 2,
  protocol: "tcp",
  port: 80,
  sizeBytes: 64,
  timeoutMs: 3000,
};

Deno.test("tcp probes - never wait past the first SYN retransmission (1 s)", () => {
  assert.equal(effectiveTimeoutMs(tcp), 1000);
  assert.equal(effectiveTimeoutMs({ ...tcp, timeoutMs: 400 }), 400);
  assert.equal(effectiveTimeoutMs({ ...tcp, protocol: "udp" }), 3000);
  assert.match(formatProbeRequest(7, tcp), / timeout 1\n$/);
  assert.match(formatProbeRequest(7, { ...tcp, protocol: "udp" }), / timeout 3\n$/);
});

Deno.test("tcp probes - an answer timed at 1 s or more (a retransmitted SYN's) is a loss", () => {
  // The sample: 1,024.8 ms at a 5.3 ms hop; mtr showed 1,019 and 3,076 ms.
  for (const us of [1_024_800, 1_019_000, 3_076_000, 1_000_000]) {
    const line = parseReplyLine(`5 ttl-expired ip-4 198.18.2.2 round-trip-time ${us}`)!;
    assert.deepEqual(probeResultOf(line, tcp), { kind: "timeout" }, `${us} µs`);
  }
  const real = parseReplyLine("5 ttl-expired ip-4 198.18.2.2 round-trip-time 5300")!;
  assert.deepEqual(probeResultOf(real, tcp), {
    kind: "ttlExceeded",
    ip: "198.18.2.2",
    rttUs: 5300,
  });
  // UDP and ICMP have no retransmissions: a slow answer is a real sample.
  const slow = parseReplyLine("5 ttl-expired ip-4 198.18.2.2 round-trip-time 1500000")!;
  assert.equal(probeResultOf(slow, { ...tcp, protocol: "udp" }).kind, "ttlExceeded");
});

Deno.test("flows - a udp flow holds the source port; mtr-packet then numbers probes by checksum", () => {
  const udp: ProbeRequest = { ...tcp, protocol: "udp", port: 33434, localPort: 40001 };
  assert.match(formatProbeRequest(3, udp), / protocol udp local-port 40001 port 33434 /);
  const classic: ProbeRequest = { ...udp, localPort: undefined };
  assert.doesNotMatch(formatProbeRequest(3, classic), /local-port/);
  assert.doesNotMatch(formatProbeRequest(3, { ...tcp, localPort: 40001 }), /local-port/);
});
