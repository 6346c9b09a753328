// Many targets on the lab's target namespace, for scale runs: a whole block of IPv4 addresses made
// local there (a `local` route on lo answers for every address in it, no per-address setup), and
// routed towards it by r3. Every address is reached through r1, r2 (or r2b) and r3, so a trace to
// any of them shows the three routers and then the address itself. Nothing else of the lab
// changes: call it on a lab from createLab() after it is built.
import { must } from "./lab_exec.ts";
import type { Lab } from "./lab.ts";
import { address } from "./lab_topology.ts";

/** Inside the lab's 198.18.0.0/16 and clear of its subnets 1-5. */
export const MANY_BLOCK = { prefix: "198.18.64.0/22", first: [198, 18, 64, 0] } as const;
export const MANY_MAX = 1022;

/** The block's addresses in use for `count` targets: 198.18.64.1, .2, ... (never .0 or .255). */
export function manyAddresses(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MANY_MAX) {
    throw new RangeError(`count must be 1..${MANY_MAX}, got ${count}`);
  }
  const out: string[] = [];
  for (let n = 1; out.length < count; n++) {
    if ((n & 255) === 0 || (n & 255) === 255) continue;
    out.push(`198.18.${64 + (n >> 8)}.${n & 255}`);
  }
  return out;
}

/** Makes `count` extra addresses answer on the target namespace; returns them. */
export async function addManyTargets(lab: Lab, count: number): Promise<string[]> {
  const addresses = manyAddresses(count);
  await routeBlockToTarget(lab, MANY_BLOCK.prefix);
  return addresses;
}

/**
 * Makes every address of an IPv4 block in 198.18.0.0/16 answer on the target namespace, the final
 * hop behind r1, r2 and r3.
 */
export async function routeBlockToTarget(lab: Lab, prefix: string): Promise<void> {
  // r3 forwards the block to the target (its link to it is subnet 4, the target is .2).
  await must(["ip", "-n", lab.ns.r3, "route", "replace", prefix, "via", address(4, 2, 4)]);
  // The target answers for the whole block (AnyIP); the agent, r1, r2 and r2b already route all
  // of 198.18.0.0/16 towards r3.
  await must(["ip", "-n", lab.ns.target, "route", "replace", "local", prefix, "dev", "lo"]);
}
