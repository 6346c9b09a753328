// Kinds of "destination unreachable", as traceroute marks them after a hop: !N network, !H host,
// !P protocol, !A administratively prohibited (filtered). Probers report a code string (ping's
// words, e.g. "net-unreachable", "packet-filtered"; IPv6 "no-route" from a router is !N); a
// code that does not say which kind (mtr-packet's own "no-route" before its kind is known) is
// a bare "!".

export type UnreachableMarker = "!N" | "!H" | "!P" | "!A" | "!";

const PATTERNS: [RegExp, UnreachableMarker][] = [
  [/prohibited|filtered|policy|reject-route/, "!A"],
  [/^(net|network)-/, "!N"],
  [/^(host|address|source-host)-/, "!H"],
  [/^protocol-/, "!P"],
];

/** The marker of an unreachable code; null for codes that are not a router's unreachable. */
export function unreachableMarker(code: string | undefined): UnreachableMarker {
  const text = (code ?? "").toLowerCase();
  for (const [pattern, marker] of PATTERNS) if (pattern.test(text)) return marker;
  return "!";
}

/** Codes that say "unreachable" without the kind: mtr-packet reports no ICMP code. */
export function isUnspecificUnreachable(code: string): boolean {
  return unreachableMarker(code) === "!";
}
