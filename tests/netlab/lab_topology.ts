// The lab's shape, as data: nodes, links, addresses, routes, names and the delay/loss model.
// Pure: lab.ts turns it into namespaces, veth pairs, routes and iptables rules.
//
//              ┌── r2 ──┐
//   agent ── r1          ├─ r3 ── target     (r1 routes via r2, or via r2b after the swap)
//              └── r2b ─┘
//
// Subnet n is 198.18.n.0/24 (RFC 2544 benchmarking space) and fd18:0:0:n::/64. r2, r2b and r3
// share one LAN (subnet 3, a bridge in r3), so r3 answers from the same address whichever router
// hands it the probe: after the swap only hop 2 changes, and a round in flight during the swap
// can never show a path that is neither the old nor the new one. The lab never routes anything
// outside 198.18.0.0/16 and fd18::/16, and no namespace has a link to the host: the agent has no
// way out.
//
// A router answers a probe from the address of its interface towards the agent (IPv4: the
// interface the reply leaves by; IPv6: the one the probe came in by; the same interface here,
// since r3 always sends its traffic back via r2), so hop k shows the agent-side address of the
// k-th node on the path.
//
// Delay model: node X delays every packet that ARRIVES on its agent-side interface by delayUs[X]
// (mangle PREROUTING, NFQUEUE to the delay helper): before the TTL check, so the probe that
// expires at X is delayed too. Packets travelling back towards the agent arrive on other
// interfaces and are never delayed. So the RTT of hop k (path node k) is the sum of delayUs over
// path nodes 1..k, plus the lab's own forwarding time (tens of µs). The target is a node like the
// others: its delay counts for the last hop only.
//
// Loss model: setLoss(X, p) drops p of the packets arriving on X's agent-side interface (before
// the delay): probes to hop k ≥ index(X) are lost with probability p each, independently; replies
// are never dropped. setReplyDrop(X, p) drops p of X's own ICMP time-exceeded messages (filter
// OUTPUT): only hop index(X) shows that loss (misleading intermediate loss).

export type NodeName = "agent" | "r1" | "r2" | "r2b" | "r3" | "target";
export type DelayNode = Exclude<NodeName, "agent">;
export type Family = 4 | 6;

export const NODES: NodeName[] = ["agent", "r1", "r2", "r2b", "r3", "target"];
export const ROUTERS: DelayNode[] = ["r1", "r2", "r2b", "r3"];

/** A veth pair. `host` is the last number of an end's address; null: a port of a bridge. */
export interface Link {
  subnet: number;
  /** Agent-side end. */
  near: NodeName;
  nearHost: number;
  far: NodeName;
  farHost: number | null;
}

export const LINKS: Link[] = [
  { subnet: 1, near: "agent", nearHost: 1, far: "r1", farHost: 2 },
  { subnet: 2, near: "r1", nearHost: 1, far: "r2", farHost: 2 },
  { subnet: 5, near: "r1", nearHost: 1, far: "r2b", farHost: 2 },
  { subnet: 3, near: "r2", nearHost: 1, far: "r3", farHost: null },
  { subnet: 3, near: "r2b", nearHost: 3, far: "r3", farHost: null },
  { subnet: 4, near: "r3", nearHost: 1, far: "target", farHost: 2 },
];

/** r3's LAN towards r2 and r2b: a bridge over the far ends of their links. */
export const BRIDGE = { node: "r3" as NodeName, name: "lan", subnet: 3, host: 2 };

export function address(subnet: number, host: number, family: Family): string {
  return family === 4 ? `198.18.${subnet}.${host}` : `fd18:0:0:${subnet}::${host}`;
}

export function subnetPrefix(subnet: number, family: Family): string {
  return family === 4 ? `198.18.${subnet}.0/24` : `fd18:0:0:${subnet}::/64`;
}

export const LAB_PREFIX = { 4: "198.18.0.0/16", 6: "fd18::/16" } as const;

/** Inside a namespace, a veth end is named after the node at its other end. */
export interface Interface {
  name: string;
  subnet: number;
  /** null: no address of its own (a bridge port). */
  host: number | null;
}

/** The node's veth ends (bridge ports included), then its bridge if it has one. */
export function interfacesOf(node: NodeName): Interface[] {
  const out: Interface[] = [];
  for (const link of LINKS) {
    if (link.near === node) out.push({ name: link.far, subnet: link.subnet, host: link.nearHost });
    if (link.far === node) out.push({ name: link.near, subnet: link.subnet, host: link.farHost });
  }
  if (BRIDGE.node === node) {
    out.push({ name: BRIDGE.name, subnet: BRIDGE.subnet, host: BRIDGE.host });
  }
  return out;
}

/** Interfaces on which packets from the agent arrive: where delay and loss apply. */
export function upstreamInterfaces(node: NodeName): string[] {
  if (BRIDGE.node === node) return [BRIDGE.name];
  return LINKS.filter((link) => link.far === node).map((link) => link.near);
}

/** The address a node answers probes from (its agent-side address). */
export function hopAddress(node: DelayNode, family: Family): string {
  if (BRIDGE.node === node) return address(BRIDGE.subnet, BRIDGE.host, family);
  const link = LINKS.find((l) => l.far === node)!;
  return address(link.subnet, link.farHost!, family);
}

export function pathNodes(alternate: boolean): DelayNode[] {
  return ["r1", alternate ? "r2b" : "r2", "r3", "target"];
}

export interface Route {
  to: string;
  via: string;
}

/** Static routes of a node (connected routes come with the addresses). */
export function routesOf(node: NodeName, family: Family, alternate: boolean): Route[] {
  const all = LAB_PREFIX[family];
  const route = (to: string, subnet: number, host: number) => ({
    to,
    via: address(subnet, host, family),
  });
  const net = (n: number) => subnetPrefix(n, family);
  switch (node) {
    case "agent":
      return [route(all, 1, 2)];
    case "r1":
      return [alternate ? route(all, 5, 2) : route(all, 2, 2)];
    case "r2":
      return [route(net(1), 2, 1), route(net(5), 2, 1), route(all, 3, 2)];
    case "r2b":
      return [route(net(1), 5, 1), route(net(2), 5, 1), route(all, 3, 2)];
    case "r3": // back towards the agent always via r2
      return [route(all, 3, 1)];
    case "target":
      return [route(all, 4, 1)];
  }
}

export const DNS_DOMAIN = "lab.test";

export function dnsName(node: NodeName): string {
  return `${node}.${DNS_DOMAIN}`;
}

/** dnsmasq --host-record values: every address of every node, so every PTR answers. */
export function hostRecords(): string[] {
  const records: string[] = [];
  for (const node of NODES) {
    for (const iface of interfacesOf(node)) {
      if (iface.host === null) continue;
      const v4 = address(iface.subnet, iface.host, 4);
      const v6 = address(iface.subnet, iface.host, 6);
      records.push(`${dnsName(node)},${v4},${v6}`);
    }
  }
  return records;
}

/**
 * The AS the lab's DNS names for each node's agent-side IPv4 address: a documentation AS number
 * (RFC 5398) per node, its /24 as the prefix, in the origin.asn.cymru.com TXT convention.
 */
export const LAB_AS: Record<DelayNode, number> = {
  r1: 64496,
  r2: 64497,
  r2b: 64498,
  r3: 64499,
  target: 64500,
};

export function asTxtRecords(): string[] {
  return (Object.keys(LAB_AS) as DelayNode[]).map((node) => {
    const ip = hopAddress(node, 4);
    const name = `${ip.split(".").reverse().join(".")}.origin.asn.cymru.com`;
    const prefix = ip.replace(/\.\d+$/, ".0/24");
    return `${name},${LAB_AS[node]} | ${prefix} | ZZ | lab | 2026-11-29`;
  });
}

export interface ExpectedHop {
  hop: number;
  node: DelayNode;
  ip: string;
  dns: string;
  /** Injected round-trip delay: the sum of the path's delays up to this node. */
  delayUs: number;
}

/** What a trace to the target should find, hop by hop. */
export function expectedHops(
  delayUs: Partial<Record<DelayNode, number>>,
  options: { family: Family; alternate?: boolean },
): ExpectedHop[] {
  let sum = 0;
  return pathNodes(options.alternate ?? false).map((node, i) => {
    sum += delayUs[node] ?? 0;
    return {
      hop: i + 1,
      node,
      ip: hopAddress(node, options.family),
      dns: dnsName(node),
      delayUs: sum,
    };
  });
}
