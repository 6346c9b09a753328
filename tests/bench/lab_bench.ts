// Lab helpers for the benches that run the product against fping: target addresses in any number
// (lab_many.ts stops at 1,022; the 5,000-target run needs more) and a kernel count of the echo
// requests that leave the agent namespace, the same yardstick for both tools.
import { must } from "../netlab/lab_exec.ts";
import type { Lab } from "../netlab/lab.ts";
import { addManyTargets, MANY_MAX, manyAddresses, routeBlockToTarget } from "../netlab/lab_many.ts";

/** A second block for more than MANY_MAX targets: inside 198.18.0.0/16, clear of lab_many's. */
const BIG_BLOCK = { prefix: "198.18.128.0/18", second: 128, size: 64 * 256 } as const;
export const BIG_MAX = (BIG_BLOCK.size / 256) * 254;

function bigAddresses(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > BIG_MAX) {
    throw new RangeError(`count must be 1..${BIG_MAX}, got ${count}`);
  }
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) {
    if ((n & 255) === 0 || (n & 255) === 255) continue;
    out.push(`198.18.${BIG_BLOCK.second + (n >> 8)}.${n & 255}`);
  }
  return out;
}

/**
 * Makes `count` addresses answer on the target namespace, each the final hop behind r1, r2 and
 * r3; returns them. Up to MANY_MAX it is lab_many.ts's block (what the scale bench uses), above it
 * a /18 set up the same way (a route on r3, a `local` route on the target's lo).
 */
export async function addTargets(lab: Lab, count: number): Promise<string[]> {
  if (count <= MANY_MAX) return await addManyTargets(lab, count);
  await routeBlockToTarget(lab, BIG_BLOCK.prefix);
  return labAddresses(count);
}

/** The addresses addTargets(lab, count) makes answer (for a process that did not set them up). */
export function labAddresses(count: number): string[] {
  return count <= MANY_MAX ? manyAddresses(count) : bigAddresses(count);
}

/** The checks every lab-target bench makes of --targets and --interval. */
export function checkTargetsAndInterval(targets: number, intervalS: number): void {
  if (!Number.isInteger(targets) || targets < 1 || targets > BIG_MAX) {
    throw new Error(`--targets must be 1..${BIG_MAX}`);
  }
  if (!(intervalS >= 0.1)) throw new Error("--interval must be >= 0.1 s");
}

const COUNTER_COMMENT = "pw-bench-echo-requests";

/**
 * Adds a counting rule (no verdict) for IPv4 echo requests the agent namespace sends; returns a
 * reader of its packet count. mtr-packet's probes and fping's pings are both echo requests.
 */
export async function echoRequestCounter(lab: Lab): Promise<() => Promise<number>> {
  const rule = ["OUTPUT", "-p", "icmp", "--icmp-type", "echo-request"]
    .concat(["-m", "comment", "--comment", COUNTER_COMMENT]);
  await must(["ip", "netns", "exec", lab.ns.agent, "iptables", "-w", "-A", ...rule]);
  return async () => {
    const listed = await must(
      ["ip", "netns", "exec", lab.ns.agent, "iptables", "-w", "-nvxL", "OUTPUT"],
    );
    const line = listed.split("\n").find((l) => l.includes(COUNTER_COMMENT));
    if (!line) throw new Error("the echo-request counting rule is gone");
    return Number(line.trim().split(/\s+/)[0]);
  };
}
