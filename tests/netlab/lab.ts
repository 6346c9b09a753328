// The network lab: a routed, dual-stack network in namespaces with injected delay and loss, to
// check what the probers measure against what was put in. Shape and model: lab_topology.ts.
//
//   const lab = await createLab({ delayUs: { r1: 2000, r2: 3000 } });
//   try { await lab.run(["ping", "-c", "1", lab.address("target", 4)]); } finally {
//     await lab.destroy();
//   }
import { join } from "node:path";
import {
  DEFAULT_PREFIX,
  inNs,
  labSkipReason,
  must,
  removeNamespace,
  removeNetnsEtc,
  removeStaleLabs,
  run,
  type RunResult,
} from "./lab_exec.ts";
import { type LabProcess, startDelayHelper, startDnsmasq } from "./lab_processes.ts";
import {
  address,
  BRIDGE,
  type DelayNode,
  dnsName,
  type ExpectedHop,
  expectedHops,
  type Family,
  hopAddress,
  interfacesOf,
  LINKS,
  type NodeName,
  NODES,
  ROUTERS,
  routesOf,
  upstreamInterfaces,
} from "./lab_topology.ts";

export { labSkipReason } from "./lab_exec.ts";
export type { DelayNode, ExpectedHop, Family, NodeName } from "./lab_topology.ts";

export interface LabOptions {
  /** Namespace name prefix (default "pwl"); the pid and a counter follow it. */
  prefix?: string;
  /** Delay added to packets entering each node from the agent side, in µs (default none). */
  delayUs?: Partial<Record<DelayNode, number>>;
  /**
   * Hold a PM QoS request of 0 µs on /dev/cpu_dma_latency while the lab exists (default true):
   * idle CPUs poll instead of halting. On a VM a halted CPU takes 0.1-0.2 ms to wake, and every
   * userspace timestamp (mtr-packet's, the delay helper's) pays that. The kernel drops the
   * request when the file closes, also when the process dies.
   */
  lowLatency?: boolean;
}

export interface Lab {
  /** Namespace name of each node. */
  readonly ns: Record<NodeName, string>;
  readonly delayUs: Readonly<Partial<Record<DelayNode, number>>>;
  /** The address a node answers probes from. */
  address(node: DelayNode, family: Family): string;
  /** DNS name of a node (target.lab.test, r1.lab.test, ...). */
  name(node: NodeName): string;
  /** What a trace to the target should find on the current route. */
  expectedHops(family: Family): ExpectedHop[];
  alternateRoute(): boolean;
  /** Runs a command in the agent namespace (no shell) and collects its output. */
  run(argv: string[]): Promise<RunResult>;
  /** A command to spawn in the agent namespace. */
  command(argv: string[], options?: Deno.CommandOptions): Deno.Command;
  /** Points r1's route at r2b (true) or back at r2 (false), both families. */
  useAlternateRoute(on: boolean): Promise<void>;
  /** Drops pct % of the packets entering `node` from the agent side (0 = none). */
  setLoss(node: DelayNode, pct: number): Promise<void>;
  /** Drops pct % of the ICMP time-exceeded messages `node` sends (0 = none). */
  setReplyDrop(node: DelayNode, pct: number): Promise<void>;
  /** Drops pct % of the ICMP destination-unreachable messages `node` sends (0 = none). */
  setUnreachableDrop(node: DelayNode, pct: number): Promise<void>;
  /** What the node's injected loss has dropped since its rules were last set (kernel counters). */
  drops(node: DelayNode, family: Family): Promise<Drops>;
  /** Runs a command (no shell) in a node's namespace; throws with its stderr when it fails. */
  runIn(node: NodeName, argv: string[]): Promise<string>;
  destroy(): Promise<void>;
}

let counter = 0;
const live = new Set<LabImpl>();

/** Builds the lab; throws with the reason when it cannot (call labSkipReason() first). */
export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const skip = await labSkipReason();
  if (skip) throw new Error(`network lab unavailable: ${skip}`);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  await removeStaleLabs(prefix);
  const id = `${prefix}${Deno.pid}x${++counter}`;
  const ns = Object.fromEntries(NODES.map((node) => [node, `${id}-${node}`])) as Record<
    NodeName,
    string
  >;
  const lab = new LabImpl(ns, { ...options.delayUs }, holdLowLatency(options.lowLatency ?? true));
  live.add(lab);
  try {
    await lab.build();
  } catch (error) {
    await lab.destroy();
    throw error;
  }
  return lab;
}

const ND_TYPES = [133, 134, 135, 136, 137];
/** TTLs (hop limits) whose drops are counted one by one; higher ones are counted together. */
const COUNTED_TTLS = 16;

/** What a node's injected loss dropped since its rules were last set, from the kernel's counters. */
export interface Drops {
  /** Packets dropped by setLoss, by the TTL (hop limit) they arrived with (before forwarding). */
  byTtl: Map<number, number>;
  /** Dropped by setLoss with a TTL above the counted ones. */
  higher: number;
  /** The node's own time-exceeded messages dropped by setReplyDrop. */
  timeExceeded: number;
  /** The node's own destination-unreachable messages dropped by setUnreachableDrop. */
  unreachable: number;
}

/** The drop counters from `iptables-save -c` (or ip6tables-save) output of a lab node. */
export function parseDrops(saved: string, family: Family): Drops {
  const drops: Drops = { byTtl: new Map(), higher: 0, timeExceeded: 0, unreachable: 0 };
  const [timeExceeded, unreachable] = family === 4 ? ["11", "3"] : ["3", "1"];
  for (const line of saved.split("\n")) {
    const counted = /^\[(\d+):\d+\] -A (PWDROP|PWREPLY) (.*)-j DROP\s*$/.exec(line);
    if (!counted) continue;
    const [, packets, chain, match] = counted;
    const n = Number(packets);
    if (chain === "PWDROP") {
      const ttl = /--(?:ttl|hl)-eq (\d+)/.exec(match);
      if (ttl) drops.byTtl.set(Number(ttl[1]), n);
      else drops.higher += n;
    } else {
      const type = /--icmp(?:v6)?-type (\d+)/.exec(match)?.[1];
      if (type === timeExceeded) drops.timeExceeded += n;
      if (type === unreachable) drops.unreachable += n;
    }
  }
  return drops;
}

class LabImpl implements Lab {
  readonly #children: LabProcess[] = [];
  readonly #loss = new Map<DelayNode, number>();
  readonly #replyDrop = new Map<DelayNode, number>();
  readonly #unreachableDrop = new Map<DelayNode, number>();
  #alternate = false;
  #destroyed = false;

  constructor(
    readonly ns: Record<NodeName, string>,
    readonly delayUs: Partial<Record<DelayNode, number>>,
    readonly qos: Deno.FsFile | null,
  ) {}

  address(node: DelayNode, family: Family): string {
    return hopAddress(node, family);
  }

  name(node: NodeName): string {
    return dnsName(node);
  }

  expectedHops(family: Family): ExpectedHop[] {
    return expectedHops(this.delayUs, { family, alternate: this.#alternate });
  }

  alternateRoute(): boolean {
    return this.#alternate;
  }

  run(argv: string[]): Promise<RunResult> {
    return run(inNs(this.ns.agent, argv));
  }

  command(argv: string[], options: Deno.CommandOptions = {}): Deno.Command {
    return new Deno.Command("ip", { ...options, args: ["netns", "exec", this.ns.agent, ...argv] });
  }

  async build(): Promise<void> {
    for (const node of NODES) {
      await must(["ip", "netns", "add", this.ns[node]]);
      await this.#sysctls(node);
    }
    await this.#links();
    for (const node of NODES) await this.#addresses(node);
    await this.#routes(false);
    for (const node of NODES) {
      if (node !== "agent") await this.#rules(node);
    }
    for (const node of NODES) {
      const us = node === "agent" ? 0 : this.delayUs[node] ?? 0;
      if (us > 0) this.#children.push(await startDelayHelper(this.ns[node], us));
    }
    await Deno.mkdir(join("/etc/netns", this.ns.agent), { recursive: true });
    await Deno.writeTextFile(
      join("/etc/netns", this.ns.agent, "resolv.conf"),
      "nameserver 127.0.0.1\noptions timeout:1 attempts:2\n",
    );
    this.#children.push(await startDnsmasq(this.ns.agent));
  }

  async #sysctls(node: NodeName): Promise<void> {
    const router = node !== "agent" && node !== "target";
    const settings = [
      "net.ipv4.conf.all.rp_filter=0",
      "net.ipv4.conf.default.rp_filter=0",
      "net.ipv4.conf.all.send_redirects=0",
      "net.ipv4.conf.default.send_redirects=0",
      "net.ipv6.conf.all.accept_dad=0",
      "net.ipv6.conf.default.accept_dad=0",
      "net.ipv6.conf.default.accept_ra=0",
      // Exact ground truth: a router answers every probe (no per-destination or global limit).
      "net.ipv4.icmp_ratelimit=0",
      "net.ipv6.icmp.ratelimit=0",
      "net.ipv4.icmp_msgs_per_sec=1000000",
      "net.ipv4.icmp_msgs_burst=1000000",
      `net.ipv4.ip_forward=${router ? 1 : 0}`,
      `net.ipv6.conf.all.forwarding=${router ? 1 : 0}`,
    ];
    await must(inNs(this.ns[node], ["sysctl", "-q", "-w", ...settings]));
    await must(["ip", "-n", this.ns[node], "link", "set", "lo", "up"]);
  }

  /** Creates each veth pair from its near end straight into both namespaces; then bridges. */
  async #links(): Promise<void> {
    for (const link of LINKS) {
      await must(["ip", "-n", this.ns[link.near], "link", "add", link.far, "type", "veth"]
        .concat(["peer", "name", link.near, "netns", this.ns[link.far]]));
    }
    const ip = ["ip", "-n", this.ns[BRIDGE.node]];
    await must([...ip, "link", "add", BRIDGE.name, "type", "bridge", "mcast_snooping", "0"]);
    for (const link of LINKS.filter((l) => l.far === BRIDGE.node && l.farHost === null)) {
      await must([...ip, "link", "set", link.near, "master", BRIDGE.name]);
    }
  }

  async #addresses(node: NodeName): Promise<void> {
    const ip = ["ip", "-n", this.ns[node]];
    for (const iface of interfacesOf(node)) {
      if (iface.host !== null) {
        const v4 = `${address(iface.subnet, iface.host, 4)}/24`;
        const v6 = `${address(iface.subnet, iface.host, 6)}/64`;
        await must([...ip, "addr", "add", v4, "dev", iface.name]);
        await must([...ip, "-6", "addr", "add", v6, "dev", iface.name, "nodad"]);
      }
      await must([...ip, "link", "set", iface.name, "up"]);
    }
  }

  async #routes(alternate: boolean, only?: NodeName): Promise<void> {
    for (const node of only ? [only] : NODES) {
      for (const family of [4, 6] as const) {
        for (const route of routesOf(node, family, alternate)) {
          await must([
            "ip",
            "-n",
            this.ns[node],
            `-${family}`,
            "route",
            "replace",
            route.to,
            "via",
            route.via,
          ]);
        }
      }
    }
  }

  /** (Re)writes the node's rules in one atomic iptables-restore per family. */
  async #rules(node: DelayNode): Promise<void> {
    for (const family of [4, 6] as const) {
      await must(
        inNs(this.ns[node], [family === 4 ? "iptables-restore" : "ip6tables-restore"]),
        { stdin: this.#ruleset(node, family) },
      );
    }
  }

  #ruleset(node: DelayNode, family: Family): string {
    const icmp = family === 4 ? "icmp" : "ipv6-icmp";
    const typeFlag = family === 4 ? "--icmp-type" : "--icmpv6-type";
    const probability = (pct: number) => (pct / 100).toFixed(6);
    const lab: string[] = [];
    // Neighbour discovery is never delayed or dropped: it is the lab's plumbing, not traffic.
    if (family === 6) {
      for (const type of ND_TYPES) lab.push(`-A PWLAB -p ${icmp} ${typeFlag} ${type} -j ACCEPT`);
    }
    const loss = this.#loss.get(node) ?? 0;
    if (loss > 0) {
      lab.push(`-A PWLAB -m statistic --mode random --probability ${probability(loss)} -j PWDROP`);
    }
    // The drops, counted by the TTL (hop limit) each packet arrived with: the kernel's own tally
    // of what the lab lost, so a test compares a tool's loss with what was really dropped.
    const ttl = family === 4 ? "-m ttl --ttl-eq" : "-m hl --hl-eq";
    const counted = Array.from(
      { length: COUNTED_TTLS },
      (_, i) => `-A PWDROP ${ttl} ${i + 1} -j DROP`,
    );
    if ((this.delayUs[node] ?? 0) > 0) lab.push("-A PWLAB -j NFQUEUE --queue-num 0");
    const out: string[] = [];
    const drops: [number, number][] = [
      [this.#replyDrop.get(node) ?? 0, family === 4 ? 11 : 3],
      [this.#unreachableDrop.get(node) ?? 0, family === 4 ? 3 : 1],
    ];
    for (const [pct, type] of drops) {
      if (pct <= 0) continue;
      out.push(
        `-A PWREPLY -p ${icmp} ${typeFlag} ${type} -m statistic --mode random ` +
          `--probability ${probability(pct)} -j DROP`,
      );
    }
    return [
      "*mangle",
      ":PREROUTING ACCEPT [0:0]",
      ":PWLAB - [0:0]",
      ":PWDROP - [0:0]",
      ...upstreamInterfaces(node).map((iface) => `-A PREROUTING -i ${iface} -j PWLAB`),
      ...lab,
      ...counted,
      "-A PWDROP -j DROP",
      "COMMIT",
      "*filter",
      ":OUTPUT ACCEPT [0:0]",
      ":PWREPLY - [0:0]",
      "-A OUTPUT -j PWREPLY",
      ...out,
      "COMMIT",
      "",
    ].join("\n");
  }

  async useAlternateRoute(on: boolean): Promise<void> {
    await this.#routes(on, "r1");
    this.#alternate = on;
  }

  async setLoss(node: DelayNode, pct: number): Promise<void> {
    checkPct(pct);
    this.#loss.set(node, pct);
    await this.#rules(node);
  }

  async setReplyDrop(node: DelayNode, pct: number): Promise<void> {
    checkPct(pct);
    if (node === "target") throw new Error("the target sends no time-exceeded messages");
    this.#replyDrop.set(node, pct);
    await this.#rules(node);
  }

  async setUnreachableDrop(node: DelayNode, pct: number): Promise<void> {
    checkPct(pct);
    this.#unreachableDrop.set(node, pct);
    await this.#rules(node);
  }

  async drops(node: DelayNode, family: Family): Promise<Drops> {
    const saved = await must(
      inNs(this.ns[node], [family === 4 ? "iptables-save" : "ip6tables-save", "-c"]),
    );
    return parseDrops(saved, family);
  }

  runIn(node: NodeName, argv: string[]): Promise<string> {
    return must(inNs(this.ns[node], argv));
  }

  #killChildren(): void {
    for (const { child } of this.#children) {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
  }

  /** For the exit handler: no awaiting there. */
  destroySync(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#killChildren();
    this.#releaseQos();
    for (const ns of Object.values(this.ns)) {
      new Deno.Command("ip", { args: ["netns", "del", ns], stderr: "null" }).outputSync();
    }
    try {
      Deno.removeSync(join("/etc/netns", this.ns.agent), { recursive: true });
    } catch { /* not there */ }
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    live.delete(this);
    this.#killChildren();
    await Promise.all(this.#children.map((process) => process.done));
    for (const node of NODES) await removeNamespace(this.ns[node]);
    await removeNetnsEtc(this.ns.agent);
    this.#releaseQos();
  }

  #releaseQos(): void {
    try {
      this.qos?.close();
    } catch { /* closed already */ }
  }
}

/** A PM QoS request of 0 µs, held while the file stays open; null when unavailable. */
function holdLowLatency(wanted: boolean): Deno.FsFile | null {
  if (!wanted) return null;
  try {
    const file = Deno.openSync("/dev/cpu_dma_latency", { write: true });
    file.writeSync(new Uint8Array(4)); // a native-endian s32 of 0
    return file;
  } catch {
    return null;
  }
}

function checkPct(pct: number): void {
  if (!(pct >= 0 && pct <= 100)) throw new RangeError(`loss must be 0..100 %, got ${pct}`);
}

export const LAB_ROUTERS = ROUTERS;

// Last resort for a lab whose test forgot destroy() or threw past it: synchronous, on exit.
globalThis.addEventListener("unload", () => {
  for (const lab of live) lab.destroySync();
});

/** Builds a lab, runs fn with it, and always destroys it. */
export async function withLab<T>(options: LabOptions, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await createLab(options);
  try {
    return await fn(lab);
  } finally {
    await lab.destroy();
  }
}
