// The Linux source: counters from /proc/net/dev, state, speed, kind and carrier from
// /sys/class/net/NAME/{operstate,speed,type,carrier}, the default route from /proc/net/route.
// No extra dependency; unreadable sysfs files (speed on virtual links) count as unknown.
import { autoRead, type ReadFiles } from "./file_reader.ts";
import { parseDefaultRoute, parseProcNetDev } from "./proc_net_dev.ts";
import type { InterfaceReading, InterfaceSource, LinkKind, LinkState } from "./types.ts";

export interface LinuxSourceOptions {
  /** Where /proc/net/dev is (another process's /proc/PID/net/dev reads its namespace). */
  procNetDev?: string;
  procNetRoute?: string;
  sysClassNet?: string;
  /** How files are read (default: directly, or through grep when Deno refuses /proc and /sys). */
  readFiles?: ReadFiles;
}

/** ARPHRD_* values of /sys/class/net/NAME/type that are tunnels (ipip, sit, gre, ip6gre, ...). */
const TUNNEL_TYPES = new Set([768, 769, 776, 778, 823, 65534]);
const LOOPBACK_TYPE = 772;
const ETHER_TYPE = 1;

const ATTRIBUTES = ["operstate", "speed", "type", "carrier"] as const;

export function kindOfType(type: number | null): LinkKind {
  if (type === LOOPBACK_TYPE) return "loopback";
  if (type !== null && TUNNEL_TYPES.has(type)) return "tunnel";
  if (type === ETHER_TYPE) return "ethernet";
  return "other";
}

export function stateOf(operstate: string | null): LinkState {
  if (operstate === "up" || operstate === "dormant" || operstate === "unknown") return operstate;
  return operstate === null ? "unknown" : "down";
}

export function linuxSource(options: LinuxSourceOptions = {}): InterfaceSource {
  const dev = options.procNetDev ?? "/proc/net/dev";
  const route = options.procNetRoute ?? "/proc/net/route";
  const sys = options.sysClassNet ?? "/sys/class/net";
  const readFiles = options.readFiles ?? autoRead();
  return {
    platform: "linux",
    async read(): Promise<InterfaceReading[]> {
      const text = (await readFiles([dev])).get(dev);
      if (text == null) throw new Error(`cannot read ${dev}`);
      const counters = parseProcNetDev(text);
      const paths = [...counters.keys()].flatMap((name) =>
        ATTRIBUTES.map((a) => `${sys}/${name}/${a}`)
      );
      const files = await readFiles(paths);
      const attr = (name: string, a: string) => files.get(`${sys}/${name}/${a}`)?.trim() ?? null;
      return [...counters].map(([name, c]) => {
        const speed = attr(name, "speed");
        const type = attr(name, "type");
        const carrier = attr(name, "carrier");
        const speedMbps = Number(speed);
        return {
          name,
          state: stateOf(attr(name, "operstate")),
          kind: kindOfType(type === null ? null : Number(type)),
          speedMbps: speed !== null && Number.isFinite(speedMbps) && speedMbps > 0
            ? speedMbps
            : null,
          carrier: carrier === "1" ? true : carrier === "0" ? false : null,
          // 64-bit kernels (the only ones Deno runs on) keep rtnl_link_stats64 counters.
          counterBits: 64 as const,
          counters: c,
        };
      });
    },
    async defaultRouteInterface() {
      const text = (await readFiles([route])).get(route);
      return text == null ? null : parseDefaultRoute(text);
    },
  };
}
