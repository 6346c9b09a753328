// The ping command line and its output, as pure functions. Flavours:
// - iputils (Linux): `ping -n -c 1 -t TTL -W SECS -s PAYLOAD ADDR`; prints "From A icmp_seq=1 Time
//   to live exceeded" (no RTT) for intermediate hops.
// - busybox: same flags without -n; it never reports Time Exceeded, so it can only probe the
//   destination (final-hop-only).
// - bsd (macOS): `ping -m TTL` with -W in milliseconds for IPv4, `ping6 -h HOPLIMIT` for IPv6
//   (macOS ping6 has no reply timeout: the prober's own deadline ends it); "N bytes from A: Time
//   to live exceeded", "N bytes from A, icmp_seq=0 hlim=64 time=0.071 ms" (ping6).
// - windows: `ping.exe -n 1 -i TTL -w MS -l PAYLOAD -4|-6 ADDR`, localised output parsed by
//   structure in ping_parse_windows.ts.
import type { ProbeRequest } from "../types.ts";
import { parseWindowsPingLine } from "./ping_parse_windows.ts";

export type PingFlavor = "iputils" | "busybox" | "bsd" | "windows";

/** Which program a probe runs: macOS and FreeBSD send IPv6 with the separate ping6. */
export type PingProgram = "ping" | "ping6";

/** IP + ICMP header bytes: packetSizeBytes is the whole IP packet, ping's -s is the payload. */
const HEADER_BYTES = { 4: 28, 6: 48 } as const;

/** ping prints `time=` only when the payload holds its 16-byte timestamp. */
export const MIN_TIMED_PAYLOAD_BYTES = 16;

/** ping's -s: the requested packet less headers, but never too small to carry a timestamp. */
export function pingPayloadBytes(request: ProbeRequest): number {
  return Math.max(MIN_TIMED_PAYLOAD_BYTES, request.sizeBytes - HEADER_BYTES[request.ipVersion]);
}

/** The program and arguments of one probe. */
export function pingCommand(
  request: ProbeRequest,
  flavor: PingFlavor,
): { program: PingProgram; args: string[] } {
  if (flavor === "bsd" && request.ipVersion === 6) {
    const payload = String(pingPayloadBytes(request));
    const args = ["-n", "-c", "1", "-h", String(request.ttl), "-s", payload, request.address];
    return { program: "ping6", args };
  }
  return { program: "ping", args: pingArgs(request, flavor) };
}

export function pingArgs(request: ProbeRequest, flavor: PingFlavor): string[] {
  const payload = String(pingPayloadBytes(request));
  const waitSeconds = String(Math.max(1, Math.ceil(request.timeoutMs / 1000)));
  const family = request.ipVersion === 6 ? "-6" : "-4";
  switch (flavor) {
    case "iputils":
      return [
        family,
        "-n",
        "-c",
        "1",
        "-t",
        String(request.ttl),
        "-W",
        waitSeconds,
        "-s",
        payload,
        request.address,
      ];
    case "busybox":
      return [
        family,
        "-c",
        "1",
        "-t",
        String(request.ttl),
        "-W",
        waitSeconds,
        "-s",
        payload,
        request.address,
      ];
    case "bsd":
      return [
        "-n",
        "-c",
        "1",
        "-m",
        String(request.ttl),
        "-W",
        String(Math.ceil(request.timeoutMs)),
        "-s",
        payload,
        request.address,
      ];
    case "windows":
      return [
        "-n",
        "1",
        "-i",
        String(request.ttl),
        "-w",
        String(Math.ceil(request.timeoutMs)),
        "-l",
        String(Math.max(0, request.sizeBytes - HEADER_BYTES[request.ipVersion])),
        family,
        request.address,
      ];
  }
}

/** What one `ping -c 1` said. rttUs is null when ping printed no time (intermediate hops). */
export type PingOutcome =
  | { kind: "reply"; ip: string; rttUs: number | null }
  | { kind: "ttlExceeded"; ip: string }
  | { kind: "unreachable"; ip: string | null; code: string }
  | { kind: "timeout" }
  | { kind: "error"; code: string; message: string };

// "N bytes from ADDR: …", "… from ADDR, …" (macOS ping6), "… from NAME (ADDR): …" (without -n).
const FROM = String.raw`\d+ bytes from (?:\S+ \()?([^\s(),]+?)\)?[:,]?`;
const REPLY = new RegExp(
  String.raw`^${FROM} (?:icmp_seq|seq)=\d+\b.*?(?:time[=<]([\d.]+) ?ms)?\s*(?:\(DUP!\))?$`,
);
const EXCEEDED = [
  /^From (\S+?):? (?:icmp_seq=\d+ )?(?:Time to live exceeded|Time exceeded: Hop limit)/,
  new RegExp(String.raw`^${FROM} (?:Time to live exceeded|Time exceeded: Hop limit)`),
];
const UNREACHABLE = [
  /^From (\S+?):? (?:icmp_seq=\d+ )?Destination (?:unreachable: )?(.+?)\s*$/i,
  new RegExp(String.raw`^${FROM} Destination (?:unreachable: )?(.+?)\s*$`, "i"),
  // iputils' words for ICMP codes 13 (filtered) and 14/15 (precedence), without "Destination".
  /^From (\S+?):? (?:icmp_seq=\d+ )?(Packet filtered|Precedence (?:Violation|Cutoff))\s*$/i,
];
// macOS ping6 (Apple network_cmds, ping6.tproj/ping6.c pr_icmph): ICMP6_DST_UNREACH_NOROUTE.
const NO_ROUTE = new RegExp(String.raw`^${FROM} No Route to Destination\s*$`, "i");

/** "Host Unreachable" / "Address unreachable" / "Net Unreachable" → host-unreachable, ... */
function unreachableCode(text: string): string {
  const words = text.toLowerCase().replace(/[^a-z ]/g, "").trim().split(/\s+/);
  // IPv6 code 0 from a router ("Destination unreachable: No route"): the network is unreachable.
  if (words.join(" ") === "no route") return "net-unreachable";
  if (words.length === 1) return `${words[0]}-unreachable`;
  return words.join("-");
}

/** One line of output: the probe's outcome, or null when the line decides nothing. */
export function parsePingLine(raw: string, flavor: PingFlavor = "iputils"): PingOutcome | null {
  if (flavor === "windows") return parseWindowsPingLine(raw);
  const line = raw.trim();
  const reply = REPLY.exec(line);
  if (reply) {
    const rttUs = reply[2] === undefined ? null : Math.round(Number(reply[2]) * 1000);
    return { kind: "reply", ip: reply[1], rttUs };
  }
  for (const pattern of EXCEEDED) {
    const match = pattern.exec(line);
    if (match) return { kind: "ttlExceeded", ip: match[1] };
  }
  for (const pattern of UNREACHABLE) {
    const match = pattern.exec(line);
    if (match) return { kind: "unreachable", ip: match[1], code: unreachableCode(match[2]) };
  }
  const noRoute = NO_ROUTE.exec(line);
  if (noRoute) return { kind: "unreachable", ip: noRoute[1], code: "no-route" };
  return null;
}

/** The first decisive line of a whole run, else what stderr says, else a timeout. */
export function parsePingOutput(
  stdout: string,
  stderr: string,
  flavor: PingFlavor = "iputils",
): PingOutcome {
  for (const line of stdout.split("\n")) {
    const outcome = parsePingLine(line, flavor);
    if (outcome) return outcome;
  }
  return localFailure(stderr) ?? { kind: "timeout" };
}

/** Errors ping reports about itself (stderr): no route, no permission, bad arguments. */
export function localFailure(stderr: string): PingOutcome | null {
  const text = stderr.trim();
  if (!text) return null;
  if (/no route to host/i.test(text)) return { kind: "unreachable", ip: null, code: "no-route" };
  if (/network is unreachable/i.test(text)) {
    return { kind: "unreachable", ip: null, code: "no-route" };
  }
  if (/network is down/i.test(text)) return { kind: "unreachable", ip: null, code: "network-down" };
  const message = text.split("\n")[0];
  if (/operation not permitted|permission denied/i.test(text)) {
    return { kind: "error", code: "permission-denied", message };
  }
  return { kind: "error", code: "ping-failed", message };
}

/** Which ping this is, from `ping -V` (iputils answers; busybox names itself in its usage). */
export function pingFlavorOf(versionOutput: string, os: string): PingFlavor | null {
  if (os === "windows") return "windows";
  if (/iputils/i.test(versionOutput)) return "iputils";
  if (/busybox/i.test(versionOutput)) return "busybox";
  if (os === "darwin" || os === "freebsd") return "bsd";
  return null;
}
