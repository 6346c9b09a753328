// ICMP echo requests and what comes back for them, as pure functions over bytes: the native
// prober's wire format. IPv4 raw sockets hand over the IP header too; IPv6 raw sockets start at
// the ICMPv6 header. Errors (time exceeded, unreachable) quote our request's IP header and its
// first 8 ICMP bytes (RFC 792, RFC 4443), which carry the identifier and sequence we match on,
// and may carry an MPLS label stack in an RFC 4884 / RFC 4950 extension.
import { expandIpv6 } from "../dns.ts";
import type { IpVersion, MplsLabel } from "../types.ts";

const ECHO_REQUEST = { 4: 8, 6: 128 } as const;
const ECHO_REPLY = { 4: 0, 6: 129 } as const;
const ICMP_PROTOCOL = { 4: 1, 6: 58 } as const;
const IP_HEADER_BYTES = { 4: 20, 6: 40 } as const;
/** Where an IP header keeps the TTL (IPv4) or hop limit (IPv6). */
const TTL_OFFSET = { 4: 8, 6: 7 } as const;

/** What an ICMP message says about one of our echo requests. */
export interface IcmpAnswer {
  kind: "reply" | "ttlExceeded" | "unreachable";
  id: number;
  seq: number;
  /**
   * The address the request was sent to (the reply's source, or the quoted destination): a view
   * of the bytes given to parseIcmp, valid until they are overwritten.
   */
  destination: Uint8Array;
  /** For unreachable: the ICMP code in ping's words ("host-unreachable", ...). */
  code?: string;
  /** For unreachable: the TTL (hop limit) in the quoted IP header, as the packet reached the router. */
  quotedTtl?: number;
  mpls?: MplsLabel[];
}

/** ICMP payload bytes for a probe of `sizeBytes` as mtr means it (the whole IP packet). */
export function payloadBytes(version: IpVersion, sizeBytes: number): number {
  return Math.max(0, sizeBytes - IP_HEADER_BYTES[version] - 8);
}

/** An echo request; checksummed for IPv4 (the kernel sums ICMPv6 on raw sockets). */
export function echoRequest(version: IpVersion, id: number, seq: number, payload: number) {
  const packet = new Uint8Array(8 + payload);
  writeEcho(packet, version, id, seq);
  return packet;
}

/** Rewrites identifier, sequence and checksum of an echo request built by echoRequest. */
export function writeEcho(packet: Uint8Array, version: IpVersion, id: number, seq: number): void {
  packet[0] = ECHO_REQUEST[version];
  packet[1] = 0;
  packet[2] = packet[3] = 0;
  packet[4] = id >> 8;
  packet[5] = id & 0xff;
  packet[6] = seq >> 8;
  packet[7] = seq & 0xff;
  if (version === 4) {
    const sum = internetChecksum(packet);
    packet[2] = sum >> 8;
    packet[3] = sum & 0xff;
  }
}

/** RFC 1071 ones' complement sum. */
export function internetChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length % 2) sum += bytes[bytes.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Reads one received datagram (`length` bytes of `bytes`); `source` is the sender's address.
 * Null for anything that is not about an echo request (other ICMP, truncated quotes).
 */
export function parseIcmp(
  version: IpVersion,
  bytes: Uint8Array,
  length: number,
  source: Uint8Array,
): IcmpAnswer | null {
  const at = version === 4 ? (bytes[0] & 0x0f) * 4 : 0;
  if (length < at + 8) return null;
  const type = bytes[at];
  if (type === ECHO_REPLY[version]) {
    return { kind: "reply", id: u16(bytes, at + 4), seq: u16(bytes, at + 6), destination: source };
  }
  const kind = errorKind(version, type);
  if (kind === null) return null;
  const quoted = quotedEcho(version, bytes, at + 8, length);
  if (quoted === null) return null;
  const answer: IcmpAnswer = { kind, ...quoted };
  if (kind === "unreachable") {
    answer.code = unreachableCode(version, type, bytes[at + 1]);
    answer.quotedTtl = bytes[at + 8 + TTL_OFFSET[version]]; // the quote starts after 8 bytes
  }
  const mpls = mplsLabels(version, bytes, at, length);
  if (mpls?.length) answer.mpls = mpls;
  return answer;
}

function errorKind(version: IpVersion, type: number): IcmpAnswer["kind"] | null {
  if (version === 4) {
    return type === 11 ? "ttlExceeded" : type === 3 || type === 12 ? "unreachable" : null;
  }
  return type === 3 ? "ttlExceeded" : type === 1 || type === 2 || type === 4 ? "unreachable" : null;
}

/** The quoted request's destination, identifier and sequence; null unless it is an echo request. */
function quotedEcho(version: IpVersion, bytes: Uint8Array, at: number, length: number) {
  const header = version === 4 ? (bytes[at] & 0x0f) * 4 : 40;
  if (length < at + header + 8 || bytes[at] >> 4 !== version) return null;
  const protocol = version === 4 ? bytes[at + 9] : bytes[at + 6];
  if (protocol !== ICMP_PROTOCOL[version]) return null;
  const icmp = at + header;
  if (bytes[icmp] !== ECHO_REQUEST[version]) return null;
  // A view, not a copy: a copy is an ArrayBuffer per router's answer, and the answer is matched
  // against its probe before the buffer is read into again.
  const destination = version === 4
    ? bytes.subarray(at + 16, at + 20)
    : bytes.subarray(at + 24, at + 40);
  return { id: u16(bytes, icmp + 4), seq: u16(bytes, icmp + 6), destination };
}

const UNREACHABLE_4 = [
  "net-unreachable",
  "host-unreachable",
  "protocol-unreachable",
  "port-unreachable",
  "fragmentation-needed",
  "source-route-failed",
  "net-unknown",
  "host-unknown",
  "source-host-isolated",
  "net-prohibited",
  "host-prohibited",
  "net-unreachable-for-tos",
  "host-unreachable-for-tos",
  "packet-filtered",
  "precedence-violation",
  "precedence-cutoff",
];
const UNREACHABLE_6 = [
  "net-unreachable", // "no route to destination" from a router: the network, as ping says
  "admin-prohibited",
  "beyond-scope",
  "address-unreachable",
  "port-unreachable",
  "source-address-failed-policy",
  "reject-route",
];

function unreachableCode(version: IpVersion, type: number, code: number): string {
  if (version === 4) {
    return type === 12 ? "parameter-problem" : UNREACHABLE_4[code] ?? `unreachable-code-${code}`;
  }
  if (type === 2) return "packet-too-big";
  if (type === 4) return "parameter-problem";
  return UNREACHABLE_6[code] ?? `unreachable-code-${code}`;
}

/**
 * The MPLS label stack of an RFC 4884 extension (class 1, c-type 1 of RFC 4950), outermost first.
 * Routers that predate RFC 4884 leave the length field 0 and put the extension after 128 bytes of
 * quote, so that place is tried too (as mtr and traceroute do).
 */
export function mplsLabels(
  version: IpVersion,
  bytes: Uint8Array,
  at: number,
  length: number,
): MplsLabel[] | null {
  const words = version === 4 ? bytes[at + 5] * 4 : bytes[at + 4] * 8;
  let ext = at + 8 + (words || 128);
  if (words === 0 && length < ext + 8) return null;
  if (length < ext + 8 || bytes[ext] >> 4 !== 2) return null;
  ext += 4;
  while (ext + 4 <= length) {
    const objectBytes = u16(bytes, ext);
    if (objectBytes < 4 || ext + objectBytes > length) return null;
    if (bytes[ext + 2] === 1 && bytes[ext + 3] === 1) {
      const labels: MplsLabel[] = [];
      for (let i = ext + 4; i + 4 <= ext + objectBytes; i += 4) {
        const entry = ((bytes[i] << 24) >>> 0) + (bytes[i + 1] << 16) + (bytes[i + 2] << 8) +
          bytes[i + 3];
        labels.push({
          label: entry >>> 12,
          tc: (entry >>> 9) & 7,
          s: ((entry >>> 8) & 1) === 1,
          ttl: entry & 0xff,
        });
      }
      return labels;
    }
    ext += objectBytes;
  }
  return null;
}

function u16(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 8) | bytes[at + 1];
}

/** The 4 or 16 bytes of an IP literal. */
export function addressBytes(address: string): Uint8Array {
  if (!address.includes(":")) return new Uint8Array(address.split(".").map(Number));
  const bytes = new Uint8Array(16);
  expandIpv6(address).split(":").forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

/** An address in its usual text form (RFC 5952 for IPv6: lower case, longest zero run as ::). */
export function addressText(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) [best, bestLength] = [i, end - i];
    i = end === i ? i + 1 : end;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
