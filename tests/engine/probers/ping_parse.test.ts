import assert from "node:assert/strict";
import {
  parsePingOutput,
  pingArgs,
  pingFlavorOf,
  type PingOutcome,
} from "../../../engine/probers/ping_parse.ts";
import type { ProbeRequest } from "../../../engine/types.ts";

/** A recorded run: stdout and stderr are interleaved in the file; ping's errors start "ping:". */
function recorded(name: string): PingOutcome {
  const text = Deno.readTextFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
  const lines = text.split("\n").filter((line) => !line.startsWith("exit="));
  const stderr = lines.filter((line) => line.startsWith("ping:")).join("\n");
  const stdout = lines.filter((line) => !line.startsWith("ping:")).join("\n");
  return parsePingOutput(stdout, stderr);
}

const cases: [string, PingOutcome][] = [
  ["ping_v4_reply.txt", { kind: "reply", ip: "10.99.2.2", rttUs: 53 }],
  ["ping_v4_reply_size.txt", { kind: "reply", ip: "10.99.2.2", rttUs: 49 }],
  ["ping_v4_ttl_exceeded.txt", { kind: "ttlExceeded", ip: "10.99.1.1" }],
  ["ping_v4_host_unreachable.txt", {
    kind: "unreachable",
    ip: "10.99.1.1",
    code: "host-unreachable",
  }],
  ["ping_v4_net_unreachable.txt", {
    kind: "unreachable",
    ip: "10.99.1.1",
    code: "net-unreachable",
  }],
  ["ping_v4_timeout.txt", { kind: "timeout" }],
  ["ping_v4_local_unreachable.txt", { kind: "unreachable", ip: null, code: "no-route" }],
  ["ping_v6_reply.txt", { kind: "reply", ip: "fd99:2::2", rttUs: 46 }],
  ["ping_v6_hop_limit_exceeded.txt", { kind: "ttlExceeded", ip: "fd99:1::1" }],
  ["ping_v6_host_unreachable.txt", {
    kind: "unreachable",
    ip: "fd99:1::1",
    code: "address-unreachable",
  }],
  ["busybox_ping_v4_reply.txt", { kind: "reply", ip: "10.99.2.2", rttUs: 60 }],
  ["busybox_ping_v6_reply.txt", { kind: "reply", ip: "fd99:2::2", rttUs: 75 }],
  // busybox says nothing at all about Time Exceeded: why it is final-hop-only.
  ["busybox_ping_v4_ttl_exceeded.txt", { kind: "timeout" }],
];

for (const [file, expected] of cases) {
  Deno.test(`ping parse - ${file.replace(".txt", "")}`, () => {
    assert.deepEqual(recorded(file), expected);
  });
}

Deno.test("ping parse - BSD style Time Exceeded and replies without a time", () => {
  assert.deepEqual(
    parsePingOutput("PING x\n92 bytes from 10.0.0.1: Time to live exceeded\n", ""),
    { kind: "ttlExceeded", ip: "10.0.0.1" },
  );
  assert.deepEqual(
    parsePingOutput("16 bytes from 10.0.0.9: icmp_seq=1 ttl=63\n", ""),
    { kind: "reply", ip: "10.0.0.9", rttUs: null },
  );
});

Deno.test("ping parse - permission problems are errors, not loss", () => {
  const outcome = parsePingOutput("", "ping: socket: Operation not permitted\n");
  assert.equal(outcome.kind, "error");
  assert.equal(outcome.kind === "error" && outcome.code, "permission-denied");
});

Deno.test("ping parse - command lines per flavour; size is the whole IP packet", () => {
  const request: ProbeRequest = {
    address: "10.0.0.1",
    ipVersion: 4,
    ttl: 3,
    protocol: "icmp",
    sizeBytes: 56,
    timeoutMs: 2500,
  };
  assert.deepEqual(
    pingArgs(request, "iputils"),
    ["-4", "-n", "-c", "1", "-t", "3", "-W", "3", "-s", "28", "10.0.0.1"],
  );
  assert.deepEqual(
    pingArgs({ ...request, address: "fd00::1", ipVersion: 6, sizeBytes: 100 }, "busybox"),
    ["-6", "-c", "1", "-t", "3", "-W", "3", "-s", "52", "fd00::1"],
  );
  // IPv6 at 56 bytes would leave 8 payload bytes: too few for ping to time the reply.
  assert.deepEqual(
    pingArgs({ ...request, address: "fd00::1", ipVersion: 6 }, "iputils").slice(-2),
    ["16", "fd00::1"],
  );
  assert.deepEqual(
    pingArgs(request, "bsd"),
    ["-n", "-c", "1", "-m", "3", "-W", "2500", "-s", "28", "10.0.0.1"],
  );
});

Deno.test("ping parse - flavour from ping -V", () => {
  assert.equal(pingFlavorOf("ping from iputils 20221126\n", "linux"), "iputils");
  assert.equal(pingFlavorOf("BusyBox v1.35.0 multi-call binary.\n", "linux"), "busybox");
  assert.equal(pingFlavorOf("ping: illegal option -- V\n", "darwin"), "bsd");
  assert.equal(pingFlavorOf("ping (GNU inetutils) 2.4\n", "linux"), null);
});
