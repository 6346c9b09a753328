// Which kind of "destination unreachable" a router sent. mtr-packet reports every unreachable
// other than port-unreachable as `no-route`, without the ICMP code, so the mtr-packet prober asks
// once per (destination, router) with ICMP echoes of the same TTL sent by ping (5, 0.2 s apart:
// a router that drops some of its unreachables still answers one), whose output names the kind
// ("Destination Net Unreachable", "Packet filtered", ...). The answer is cached (10 minutes);
// while it is unknown, or when ping is not there, the code stays "no-route" (marker "!").
import type { Clock, ProbeRequest } from "../types.ts";
import { runOnce } from "./check.ts";
import { parsePingOutput, pingArgs } from "./ping_parse.ts";

export const KIND_CACHE_MS = 10 * 60_000;
/** Echoes per question: at 30 % of unreachables dropped, all five are lost 0.24 % of the time. */
const ASKS = 5;

/** Runs one ICMP probe like `request` and says what came back (ping's output). */
export type PingOnce = (args: string[]) => Promise<{ stdout: string; stderr: string }>;

export class UnreachableKinds {
  readonly #cache = new Map<string, { code: string; until: number }>();
  readonly #asking = new Map<string, Promise<string | null>>();

  constructor(readonly ping: PingOnce, readonly clock: Clock) {}

  /** The code (e.g. "net-unreachable") the router `routerIp` answers with; null: unknown. */
  kindOf(request: ProbeRequest, routerIp: string): Promise<string | null> {
    const key = `${request.address} ${routerIp}`;
    const cached = this.#cache.get(key);
    if (cached && cached.until > this.clock.monotonic()) return Promise.resolve(cached.code);
    let asking = this.#asking.get(key);
    if (!asking) {
      asking = this.#ask(request, routerIp, key).finally(() => this.#asking.delete(key));
      this.#asking.set(key, asking);
    }
    return asking;
  }

  async #ask(request: ProbeRequest, routerIp: string, key: string): Promise<string | null> {
    const icmp: ProbeRequest = { ...request, protocol: "icmp", timeoutMs: 1000, sizeBytes: 84 };
    try {
      const args = pingArgs(icmp, "iputils");
      args.splice(args.indexOf("-c"), 2, "-c", String(ASKS), "-i", "0.2");
      const { stdout, stderr } = await this.ping(args);
      const outcome = parsePingOutput(stdout, stderr);
      if (outcome.kind !== "unreachable" || outcome.ip !== routerIp) return null;
      this.#cache.set(key, { code: outcome.code, until: this.clock.monotonic() + KIND_CACHE_MS });
      return outcome.code;
    } catch {
      return null;
    }
  }
}

/** A PingOnce running iputils ping (null when `ping -V` is not iputils). */
export async function iputilsPing(executable: string, clock: Clock): Promise<PingOnce | null> {
  try {
    const version = await runOnce(executable, { args: ["-V"], clock });
    if (!/iputils/i.test(version.stdout + version.stderr)) return null;
  } catch {
    return null;
  }
  return async (args) => {
    const run = await runOnce(executable, { args, clock, timeoutMs: 4000 });
    return { stdout: run.stdout, stderr: run.stderr };
  };
}
