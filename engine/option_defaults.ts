// Target options' defaults and how a valid input is completed with them. No schema here: the
// store's Worker completes stored options without loading zod; options.ts validates input with
// its schema and then completes it here.
import type { IpVersion, Protocol, TargetOptions } from "./types.ts";
import type { TargetOptionsInput } from "./options.ts";
import { DEFAULT_UDP_FLOW, FLOW_ONLY_UDP } from "./flow.ts";

export const DEFAULT_PORTS: Record<Protocol, number> = { icmp: 0, udp: 33434, tcp: 80 };

export const DEFAULT_OPTIONS: Readonly<TargetOptions> = Object.freeze({
  protocol: "icmp",
  packetSizeBytes: 56,
  timeoutMs: 3000,
  maxHops: 30,
  interPacketDelayMs: 25,
  intervalMs: 2500,
  finalHopOnly: false,
  port: 0,
  ipVersion: null,
  flowId: 0,
});

export class OptionsError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "OptionsError";
  }
}

/**
 * Fills the defaults into `value`, input already checked by the schema (options.ts) or read back
 * from the store. Throws OptionsError for the rules across fields (a port on icmp, a flow on
 * anything but udp).
 */
export function completeTargetOptions(value: TargetOptionsInput): TargetOptions {
  const protocol: Protocol = value.protocol ?? DEFAULT_OPTIONS.protocol;
  if (protocol === "icmp" && value.port !== undefined) {
    throw new OptionsError("port", "a port only applies to udp and tcp");
  }
  if (protocol !== "udp" && value.flowId) throw new OptionsError("flowId", FLOW_ONLY_UDP);
  return {
    protocol,
    packetSizeBytes: value.packetSizeBytes ?? DEFAULT_OPTIONS.packetSizeBytes,
    timeoutMs: value.timeoutMs ?? DEFAULT_OPTIONS.timeoutMs,
    maxHops: value.maxHops ?? DEFAULT_OPTIONS.maxHops,
    interPacketDelayMs: value.interPacketDelayMs ?? DEFAULT_OPTIONS.interPacketDelayMs,
    intervalMs: value.intervalMs ?? DEFAULT_OPTIONS.intervalMs,
    finalHopOnly: value.finalHopOnly ?? DEFAULT_OPTIONS.finalHopOnly,
    port: value.port ?? DEFAULT_PORTS[protocol],
    ipVersion: (value.ipVersion ?? null) as IpVersion | null,
    flowId: protocol === "udp" ? value.flowId ?? DEFAULT_UDP_FLOW : 0,
  };
}
