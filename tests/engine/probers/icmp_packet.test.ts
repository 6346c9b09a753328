import assert from "node:assert/strict";
import {
  addressBytes,
  addressText,
  echoRequest,
  internetChecksum,
  parseIcmp,
  payloadBytes,
} from "../../../engine/probers/icmp_packet.ts";

const ROUTER_4 = addressBytes("198.18.1.2");
const TARGET_4 = addressBytes("198.18.4.2");
const TARGET_6 = addressBytes("fd18:0:0:4::2");

/** An IPv4 header (20 bytes) from `source` to `destination` carrying `protocol`. */
function ipv4(source: Uint8Array, destination: Uint8Array, protocol: number, ttl = 1) {
  const header = new Uint8Array(20);
  header[0] = 0x45;
  header[8] = ttl;
  header[9] = protocol;
  header.set(source, 12);
  header.set(destination, 16);
  return header;
}

function ipv6(source: Uint8Array, destination: Uint8Array, next: number, hopLimit = 1) {
  const header = new Uint8Array(40);
  header[0] = 0x60;
  header[6] = next;
  header[7] = hopLimit;
  header.set(source, 8);
  header.set(destination, 24);
  return header;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** An ICMP error of `type`/`code` quoting `quoted`, with `extension` after it (RFC 4884). */
function icmpError(type: number, code: number, quoted: Uint8Array, lengthByte = 0) {
  const header = new Uint8Array(8);
  header[0] = type;
  header[1] = code;
  header[5] = lengthByte;
  return concat(header, quoted);
}

Deno.test("icmp packet - an IPv4 echo request carries id, sequence and a valid checksum", () => {
  const packet = echoRequest(4, 0x1234, 0xbeef, payloadBytes(4, 56));
  assert.equal(packet.length, 56 - 20);
  assert.deepEqual([...packet.subarray(0, 8)], [
    8,
    0,
    packet[2],
    packet[3],
    0x12,
    0x34,
    0xbe,
    0xef,
  ]);
  assert.equal(internetChecksum(packet), 0, "a packet with its checksum sums to zero");
  assert.equal(payloadBytes(6, 36), 0, "IPv6 never goes below a bare header");
  assert.equal(echoRequest(6, 1, 2, 0)[0], 128);
  assert.equal(echoRequest(6, 1, 2, 0)[2], 0, "the kernel sums ICMPv6");
});

Deno.test("icmp packet - an IPv4 echo reply is read past its IP header", () => {
  const reply = concat(
    ipv4(TARGET_4, ROUTER_4, 1, 61),
    new Uint8Array([0, 0, 0, 0, 0x12, 0x34, 0, 7]),
  );
  const answer = parseIcmp(4, reply, reply.length, TARGET_4);
  assert.deepEqual(answer, { kind: "reply", id: 0x1234, seq: 7, destination: TARGET_4 });
  assert.equal(parseIcmp(4, reply, 27, TARGET_4), null, "truncated");
});

Deno.test("icmp packet - time exceeded and unreachables name the probe they quote", () => {
  const ours = echoRequest(4, 0x1234, 42, 28);
  const quoted = concat(ipv4(addressBytes("10.0.0.1"), TARGET_4, 1), ours.subarray(0, 8));
  const exceeded = concat(ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1), icmpError(11, 0, quoted));
  assert.deepEqual(parseIcmp(4, exceeded, exceeded.length, ROUTER_4), {
    kind: "ttlExceeded",
    id: 0x1234,
    seq: 42,
    destination: TARGET_4,
  });
  const filtered = concat(ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1), icmpError(3, 13, quoted));
  assert.equal(parseIcmp(4, filtered, filtered.length, ROUTER_4)?.code, "packet-filtered");
  const host = concat(ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1), icmpError(3, 1, quoted));
  assert.equal(parseIcmp(4, host, host.length, ROUTER_4)?.code, "host-unreachable");
  const quotedLater = concat(ipv4(addressBytes("10.0.0.1"), TARGET_4, 1, 3), ours.subarray(0, 8));
  const net = concat(ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1), icmpError(3, 0, quotedLater));
  assert.equal(parseIcmp(4, net, net.length, ROUTER_4)?.quotedTtl, 3, "the TTL it reached with");
  const udp = concat(ipv4(addressBytes("10.0.0.1"), TARGET_4, 17), ours.subarray(0, 8));
  const notOurs = concat(ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1), icmpError(11, 0, udp));
  assert.equal(parseIcmp(4, notOurs, notOurs.length, ROUTER_4), null, "a quoted UDP datagram");
  const redirect = concat(ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1), icmpError(5, 0, quoted));
  assert.equal(parseIcmp(4, redirect, redirect.length, ROUTER_4), null);
});

Deno.test("icmp packet - ICMPv6 answers start at the ICMP header", () => {
  const ours = echoRequest(6, 0x0101, 9, 0);
  const source = addressBytes("fd18:0:0:1::1");
  const quoted = concat(ipv6(source, TARGET_6, 58), ours);
  const exceeded = icmpError(3, 0, quoted);
  const router = addressBytes("fd18:0:0:1::2");
  assert.deepEqual(parseIcmp(6, exceeded, exceeded.length, router), {
    kind: "ttlExceeded",
    id: 0x0101,
    seq: 9,
    destination: TARGET_6,
  });
  const noRoute = icmpError(1, 0, concat(ipv6(source, TARGET_6, 58, 2), ours));
  assert.equal(parseIcmp(6, noRoute, noRoute.length, router)?.code, "net-unreachable");
  assert.equal(parseIcmp(6, noRoute, noRoute.length, router)?.quotedTtl, 2, "its hop limit");
  const prohibited = icmpError(1, 1, quoted);
  assert.equal(parseIcmp(6, prohibited, prohibited.length, router)?.code, "admin-prohibited");
  const reply = new Uint8Array([129, 0, 0, 0, 0x01, 0x01, 0, 9]);
  assert.deepEqual(parseIcmp(6, reply, 8, TARGET_6), {
    kind: "reply",
    id: 0x0101,
    seq: 9,
    destination: TARGET_6,
  });
});

Deno.test("icmp packet - an MPLS label stack is read from an RFC 4884 extension", () => {
  const ours = echoRequest(4, 0x1234, 5, 28);
  // The quote padded to 128 bytes, its length (32 words) in the header, then the extension.
  const quoted = new Uint8Array(128);
  quoted.set(concat(ipv4(addressBytes("10.0.0.1"), TARGET_4, 1), ours));
  const extension = new Uint8Array([
    0x20,
    0,
    0,
    0, // version 2, checksum (not checked)
    0,
    12,
    1,
    1, // object: 12 bytes, class 1 (MPLS), c-type 1
    0x01,
    0x86,
    0xa0,
    0x01, // label 6250, tc 0, s 0, ttl 1
    0x00,
    0x01,
    0x03,
    0xff, // label 16, tc 1, s 1, ttl 255
  ]);
  const withLength = concat(
    ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1),
    icmpError(11, 0, concat(quoted, extension), 32),
  );
  assert.deepEqual(parseIcmp(4, withLength, withLength.length, ROUTER_4)?.mpls, [
    { label: 6250, tc: 0, s: false, ttl: 1 },
    { label: 16, tc: 1, s: true, ttl: 255 },
  ]);
  // A router from before RFC 4884 leaves the length 0; the extension is then after 128 bytes.
  const legacy = concat(
    ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1),
    icmpError(11, 0, concat(quoted, extension)),
  );
  assert.equal(parseIcmp(4, legacy, legacy.length, ROUTER_4)?.mpls?.length, 2);
  const plain = concat(ipv4(ROUTER_4, addressBytes("10.0.0.1"), 1), icmpError(11, 0, quoted));
  assert.equal(parseIcmp(4, plain, plain.length, ROUTER_4)?.mpls, undefined);
});

Deno.test("icmp packet - addresses read back in their usual text form", () => {
  for (
    const text of ["127.0.0.1", "::1", "fd18:0:0:4::2", "2001:db8::1:0:0:1", "fe80::1", "::", "1::"]
  ) {
    assert.equal(addressText(addressBytes(text)), text);
  }
  assert.equal(addressText(addressBytes("2001:DB8:0:0:1:0:0:1")), "2001:db8::1:0:0:1");
  assert.equal(addressText(addressBytes("2001:db8:0:1:1:1:1:1")), "2001:db8:0:1:1:1:1:1");
});
