// Paris-style flows. An ECMP router picks the next hop from a hash of the packet's addresses and,
// with L4 hashing, its ports. Classic traceroute changes a port with every probe, so probes of one
// round may take different branches and one hop shows routers of several paths. A flow keeps the
// 5-tuple constant (the source port is 40000 + flow id, the destination port the target's port);
// mtr-packet then tells its probes apart by the UDP checksum (Paris traceroute's way). Each flow
// id is one path through ECMP routers; another flow id may take another branch.
//
// TCP cannot do this: a TCP probe is a real connect(), and the kernel allows only one connection
// per 5-tuple at a time, while a round has all its TTLs in flight at once. ICMP echo probes keep
// their addresses and (for L4 hashing) have no ports, so they already follow one path.
import type { TargetOptions } from "./types.ts";

export const DEFAULT_UDP_FLOW = 1;
export const MAX_FLOW_ID = 9999;
export const FLOW_BASE_PORT = 40000;
export const FLOW_ONLY_UDP = "flows apply to udp probes only (tcp probes are real connections, " +
  "one per 5-tuple at a time; icmp probes have no ports)";

/** The constant UDP source port of the target's flow; undefined: classic, ports change. */
export function flowSourcePort(options: TargetOptions): number | undefined {
  if (options.protocol !== "udp" || options.flowId <= 0) return undefined;
  return FLOW_BASE_PORT + options.flowId;
}
