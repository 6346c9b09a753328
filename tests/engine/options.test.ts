import assert from "node:assert/strict";
import {
  DEFAULT_OPTIONS,
  OptionsError,
  parseHost,
  resolveTargetOptions,
} from "../../engine/options.ts";
import { expandIpv6, reverseName } from "../../engine/dns.ts";

Deno.test("options - defaults are the spec's", () => {
  assert.deepEqual(resolveTargetOptions({}), {
    protocol: "icmp",
    packetSizeBytes: 56,
    timeoutMs: 3000,
    maxHops: 30,
    interPacketDelayMs: 25,
    intervalMs: 2500,
    finalHopOnly: false,
    port: 0,
    ipVersion: null,
    flowId: 0,
  });
  assert.equal(DEFAULT_OPTIONS.intervalMs, 2500);
});

Deno.test("options - protocol default ports", () => {
  assert.equal(resolveTargetOptions({ protocol: "udp" }).port, 33434);
  assert.equal(resolveTargetOptions({ protocol: "tcp" }).port, 80);
  assert.equal(resolveTargetOptions({ protocol: "tcp", port: 443 }).port, 443);
});

Deno.test("options - invalid input names the field", () => {
  const cases: [unknown, string][] = [
    [{ maxHops: 0 }, "maxHops"],
    [{ maxHops: 2.5 }, "maxHops"],
    [{ protocol: "sctp" }, "protocol"],
    [{ intervalMs: "fast" }, "intervalMs"],
    [{ port: 70000, protocol: "udp" }, "port"],
    [{ port: 53 }, "port"],
    [{ colour: "red" }, "options"],
  ];
  for (const [input, field] of cases) {
    assert.throws(() => resolveTargetOptions(input), (error: unknown) => {
      assert.ok(error instanceof OptionsError, `${JSON.stringify(input)} throws OptionsError`);
      assert.equal(error.field, field, JSON.stringify(input));
      return true;
    });
  }
});

Deno.test("host - IP literals and RFC 1123 names are accepted", () => {
  assert.deepEqual(parseHost("127.0.0.1"), { host: "127.0.0.1", kind: "ipv4" });
  assert.deepEqual(parseHost("::1"), { host: "::1", kind: "ipv6" });
  assert.deepEqual(parseHost("FD00::1:2"), { host: "fd00::1:2", kind: "ipv6" });
  assert.deepEqual(parseHost("::ffff:10.0.0.1"), { host: "::ffff:10.0.0.1", kind: "ipv6" });
  assert.deepEqual(parseHost("Target.PWLAB.test"), { host: "target.pwlab.test", kind: "name" });
  assert.deepEqual(parseHost("localhost"), { host: "localhost", kind: "name" });
  assert.deepEqual(parseHost("a-b.example."), { host: "a-b.example.", kind: "name" });
});

Deno.test("host - options, shell characters, spaces and malformed addresses are refused", () => {
  const bad = [
    "-f",
    "--help",
    "a;b",
    "$(id)",
    "`id`",
    "a b",
    " host",
    "host\n",
    "a|b",
    "a&&b",
    "",
    "256.1.1.1",
    "1.2.3",
    "-a.example",
    "a-.example",
    "a..b",
    "x".repeat(64) + ".com",
    ":::1",
    "1::2::3",
    "fe80::1%eth0",
  ];
  for (const host of bad) {
    assert.throws(() => parseHost(host), OptionsError, JSON.stringify(host));
  }
});

Deno.test("dns - reverse names for IPv4 and IPv6", () => {
  assert.equal(reverseName("10.2.3.4"), "4.3.2.10.in-addr.arpa");
  assert.equal(expandIpv6("fd00::1"), "fd00:0000:0000:0000:0000:0000:0000:0001");
  assert.equal(
    reverseName("2001:db8::567:89ab"),
    "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
  );
  assert.equal(expandIpv6("::ffff:10.0.0.1"), "0000:0000:0000:0000:0000:ffff:0a00:0001");
});

Deno.test("options - udp probes keep one flow by default; flows are udp only", () => {
  assert.equal(resolveTargetOptions({ protocol: "udp" }).flowId, 1);
  assert.equal(resolveTargetOptions({ protocol: "udp", flowId: 0 }).flowId, 0);
  assert.equal(resolveTargetOptions({ protocol: "udp", flowId: 7 }).flowId, 7);
  assert.equal(resolveTargetOptions({ protocol: "tcp" }).flowId, 0);
  assert.throws(() => resolveTargetOptions({ protocol: "tcp", flowId: 2 }), /flowId: flows apply/);
  assert.throws(() => resolveTargetOptions({ flowId: 2 }), /flowId: flows apply to udp/);
  assert.throws(() => resolveTargetOptions({ protocol: "udp", flowId: 10_000 }), /flowId/);
});
