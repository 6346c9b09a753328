// The mtr-packet line protocol, as pure functions: request lines out, reply lines in.
// Requests: `TOKEN send-probe ip-4 ADDR ttl N protocol P [port P] size S timeout SECS`.
// Replies:  `TOKEN KIND [ip-4|ip-6 ADDR] [round-trip-time US] [mpls ...]`, in any order.
import type { MplsLabel, ProbeRequest, ProbeResult } from "../types.ts";
import { expandIpv6 } from "../dns.ts";

/** mtr-packet takes whole seconds; the prober enforces the exact timeout itself. */
export function mtrTimeoutSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000));
}

/**
 * A TCP probe is a real connect(): when its SYN (or the answer) is lost, the kernel sends the SYN
 * again after the initial retransmission timeout (1 s on Linux, macOS and the BSDs; RFC 6298),
 * and an answer to that copy would be timed from the first send: a 1,0xx ms "sample" that is an
 * artifact. As in Karn's algorithm no sample from a retransmitted SYN is used: a TCP probe times
 * out at 1 s whatever the target's timeout (mtr-packet closes the socket then), and any answer
 * timed at 1 s or more is a loss.
 */
export const TCP_SYN_RETRANSMIT_MS = 1000;

/** The timeout a probe really gets: TCP probes never wait past the first SYN retransmission. */
export function effectiveTimeoutMs(request: ProbeRequest): number {
  return request.protocol === "tcp"
    ? Math.min(request.timeoutMs, TCP_SYN_RETRANSMIT_MS)
    : request.timeoutMs;
}

export function formatProbeRequest(token: number, request: ProbeRequest): string {
  const family = request.ipVersion === 6 ? "ip-6" : "ip-4";
  const parts = [
    String(token),
    "send-probe",
    family,
    request.address,
    "ttl",
    String(request.ttl),
    "protocol",
    request.protocol,
  ];
  if (request.protocol === "udp" && request.localPort) {
    parts.push("local-port", String(request.localPort));
  }
  if (request.protocol !== "icmp" && request.port) parts.push("port", String(request.port));
  parts.push("size", String(request.sizeBytes));
  parts.push("timeout", String(mtrTimeoutSeconds(effectiveTimeoutMs(request))));
  return parts.join(" ") + "\n";
}

export interface ReplyLine {
  token: number;
  /** The reply word: reply, ttl-expired, no-reply, feature-support, ... */
  kind: string;
  args: Map<string, string>;
}

/** Splits one reply line; null when it is not even `TOKEN WORD [NAME VALUE]...`. */
export function parseReplyLine(line: string): ReplyLine | null {
  const words = line.trim().split(/\s+/);
  if (words.length < 2 || !/^\d+$/.test(words[0])) return null;
  const args = new Map<string, string>();
  for (let i = 2; i + 1 < words.length; i += 2) args.set(words[i], words[i + 1]);
  return { token: Number(words[0]), kind: words[1], args };
}

/** Replies that say the probe could not be sent or its fate is unknown: not packet loss. */
const ERROR_MESSAGES: Record<string, string> = {
  "probes-exhausted": "mtr-packet has too many probes in flight",
  "permission-denied": "the operating system denied sending the probe",
  "invalid-argument": "mtr-packet rejected the probe's arguments",
  "address-in-use": "local address in use",
  "address-not-available": "local address not available",
  "unexpected-error": "mtr-packet reported an unexpected error",
  "unknown-command": "mtr-packet did not understand the request",
};

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  return a.includes(":") && b.includes(":") && expandIpv6(a) === expandIpv6(b);
}

/**
 * Maps a send-probe reply to a ProbeResult. `reply` from an address other than the destination
 * is an ICMP unreachable sent by a router (mtr-packet folds those into `reply`).
 */
export function probeResultOf(reply: ReplyLine, request: ProbeRequest): ProbeResult {
  const ip = reply.args.get("ip-4") ?? reply.args.get("ip-6") ?? null;
  const rttText = reply.args.get("round-trip-time");
  const rttUs = rttText !== undefined && /^\d+$/.test(rttText) ? Number(rttText) : null;
  if (request.protocol === "tcp" && rttUs !== null && rttUs >= TCP_SYN_RETRANSMIT_MS * 1000) {
    return { kind: "timeout" }; // answered only after a SYN retransmission: not a sample
  }
  const labels = parseMpls(reply.args.get("mpls"));
  const mpls = labels?.length ? { mpls: labels } : {};
  switch (reply.kind) {
    case "reply":
      if (ip === null || rttUs === null) return malformed(reply);
      if (!sameAddress(ip, request.address)) {
        return { kind: "unreachable", ip, rttUs, code: "unreachable", ...mpls };
      }
      return { kind: "reply", ip, rttUs, ...mpls };
    case "ttl-expired":
      if (ip === null || rttUs === null) return malformed(reply);
      return { kind: "ttlExceeded", ip, rttUs, ...mpls };
    case "no-reply":
      return { kind: "timeout" };
    case "no-route":
    case "network-down":
      return { kind: "unreachable", ip, rttUs, code: reply.kind, ...mpls };
  }
  const message = ERROR_MESSAGES[reply.kind];
  if (message) return { kind: "error", code: reply.kind, message };
  return { kind: "error", code: "unknown-reply", message: `mtr-packet replied "${reply.kind}"` };
}

/**
 * mtr-packet's `mpls` argument: four comma-separated numbers per label stack entry, outermost
 * first: label, traffic class, bottom-of-stack (0/1), TTL (mtr's packet/probe.c). Null when
 * absent or not of that shape (a garbled stack is dropped, the probe's answer kept).
 */
export function parseMpls(text: string | undefined): MplsLabel[] | null {
  if (text === undefined) return null;
  const numbers = text.split(",").map((part) => /^\d+$/.test(part) ? Number(part) : NaN);
  if (numbers.length % 4 !== 0 || numbers.some((n) => !Number.isFinite(n))) return null;
  const labels: MplsLabel[] = [];
  for (let i = 0; i < numbers.length; i += 4) {
    const [label, tc, s, ttl] = numbers.slice(i, i + 4);
    if (label > 0xfffff || tc > 7 || s > 1 || ttl > 255) return null;
    labels.push({ label, tc, s: s === 1, ttl });
  }
  return labels;
}

function malformed(reply: ReplyLine): ProbeResult {
  return {
    kind: "error",
    code: "malformed-reply",
    message: `mtr-packet ${reply.kind} without address or round-trip time`,
  };
}

/** `TOKEN feature-support support ok|no|VERSION` → "ok" | "no" | version text. */
export function featureSupportOf(reply: ReplyLine): string | null {
  if (reply.kind !== "feature-support") return null;
  return reply.args.get("support") ?? null;
}
