// On-demand one-shot traceroute: a short-lived engine with a round limit on the server's prober,
// the same path the `trace` command takes. A few may run at once; more are refused.
import {
  type AddressLookup,
  type Clock,
  Engine,
  type HopStats,
  hopStats,
  isIpv4,
  isIpv6,
  type Prober,
  type Round,
  type TargetOptions,
} from "../engine/mod.ts";
import { ApiError } from "./errors.ts";

export interface TracerouteRequest {
  host: string;
  options: TargetOptions;
  rounds: number;
}

export interface TracerouteResult {
  host: string;
  address: string;
  prober: string;
  protocol: string;
  rounds: number;
  hops: HopStats[];
}

export type TracerouteRunner = (request: TracerouteRequest) => Promise<TracerouteResult>;

export interface TracerouteDeps {
  prober: Prober;
  clock?: Clock;
  addressLookup: AddressLookup;
  maxConcurrent?: number;
}

export function engineTraceroute(deps: TracerouteDeps): TracerouteRunner {
  let running = 0;
  const max = deps.maxConcurrent ?? 4;
  return async (request) => {
    if (running >= max) {
      throw new ApiError(429, "busy", `at most ${max} traceroutes run at once; try again shortly`);
    }
    running++;
    try {
      const address = await resolve(request, deps.addressLookup);
      const rounds = await collect(request, address, deps);
      return {
        host: request.host,
        address,
        prober: deps.prober.name,
        protocol: request.options.protocol,
        rounds: rounds.length,
        hops: hopStats(rounds),
      };
    } finally {
      running--;
    }
  };
}

async function resolve(request: TracerouteRequest, lookup: AddressLookup): Promise<string> {
  if (isIpv4(request.host) || isIpv6(request.host)) return request.host;
  let addresses: string[] = [];
  try {
    addresses = await lookup(request.host, request.options.ipVersion);
  } catch (error) {
    throw new ApiError(
      422,
      "unresolved",
      `cannot resolve ${request.host}: ${(error as Error).message}`,
    );
  }
  if (!addresses.length) throw new ApiError(422, "unresolved", `${request.host}: no address found`);
  return addresses[0];
}

async function collect(
  request: TracerouteRequest,
  address: string,
  deps: TracerouteDeps,
): Promise<Round[]> {
  const engine = new Engine({
    prober: deps.prober,
    clock: deps.clock,
    spreadStart: false,
    reverseDns: false,
  });
  const rounds: Round[] = [];
  engine.subscribe((event) => {
    if (event.type === "round") rounds.push(event.round);
  });
  const target = {
    id: 1,
    host: request.host,
    label: null,
    options: request.options,
    paused: false,
  };
  engine.setTarget(target, { address, roundLimit: request.rounds });
  await engine.whenIdle(target.id);
  await engine.stop();
  return rounds;
}
