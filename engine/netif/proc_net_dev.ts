// Pure parsers of Linux's /proc/net/dev (counters) and /proc/net/route (the default route).
import type { InterfaceCounters } from "./types.ts";

/**
 * Counters by interface name from /proc/net/dev. The name ends at the first colon; old kernels
 * printed no space after it ("eth0:1150470"), so the numbers are split after it. Receive: bytes packets
 * errs drop fifo frame compressed multicast; transmit: bytes packets errs drop fifo colls carrier
 * compressed. Lines that do not parse are left out.
 */
export function parseProcNetDev(text: string): Map<string, InterfaceCounters> {
  const found = new Map<string, InterfaceCounters>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.includes("|")) continue;
    const name = line.slice(0, colon).trim();
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (!name || fields.length < 16 || fields.some((n) => !Number.isFinite(n) || n < 0)) continue;
    found.set(name, {
      rxBytes: fields[0],
      rxPackets: fields[1],
      rxErrors: fields[2],
      rxDrops: fields[3],
      txBytes: fields[8],
      txPackets: fields[9],
      txErrors: fields[10],
      txDrops: fields[11],
    });
  }
  return found;
}

/**
 * The interface of the IPv4 default route in /proc/net/route (destination and mask 0, flag UP),
 * the one with the lowest metric when there are several; null when there is none.
 */
export function parseDefaultRoute(text: string): string | null {
  let best: { name: string; metric: number } | null = null;
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [name, destination, , flags, , , metric, mask] = f;
    const up = (parseInt(flags, 16) & 1) === 1;
    if (destination !== "00000000" || mask !== "00000000" || !up) continue;
    const m = Number(metric);
    if (!best || m < best.metric) best = { name, metric: m };
  }
  return best?.name ?? null;
}
