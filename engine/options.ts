// Target options: one schema for validation at every edge (the defaults, and how a valid input is
// completed with them, are in option_defaults.ts).
import { z } from "zod";
import type { IpVersion, TargetOptions } from "./types.ts";
import { MAX_FLOW_ID } from "./flow.ts";
import { completeTargetOptions, OptionsError } from "./option_defaults.ts";

export { DEFAULT_OPTIONS, DEFAULT_PORTS, OptionsError } from "./option_defaults.ts";

/** All-optional input, as it comes from a CLI, a config file or an API body. */
export const targetOptionsInput = z.object({
  protocol: z.enum(["icmp", "udp", "tcp"]).optional(),
  packetSizeBytes: z.number().int().min(36).max(9000).optional(),
  timeoutMs: z.number().min(100).max(60_000).optional(),
  maxHops: z.number().int().min(1).max(64).optional(),
  interPacketDelayMs: z.number().min(0).max(1000).optional(),
  intervalMs: z.number().min(100).max(86_400_000).optional(),
  finalHopOnly: z.boolean().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  ipVersion: z.union([z.literal(4), z.literal(6), z.null()]).optional(),
  flowId: z.number().int().min(0).max(MAX_FLOW_ID).optional(),
}).strict();

export type TargetOptionsInput = z.infer<typeof targetOptionsInput>;

/** Validates input and fills defaults. Throws OptionsError naming the first bad field. */
export function resolveTargetOptions(input: unknown = {}): TargetOptions {
  const parsed = targetOptionsInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OptionsError(issue.path.join(".") || "options", issue.message);
  }
  return completeTargetOptions(parsed.data);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIpv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":")) return false;
  try {
    // URL parsing validates IPv6 literals exactly (compression, embedded IPv4).
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
export function isHostname(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const trimmed = text.endsWith(".") ? text.slice(0, -1) : text;
  const labels = trimmed.split(".");
  if (labels.some((label) => !LABEL.test(label))) return false;
  // An all-numeric last label would be a malformed IPv4 address, not a name.
  return !/^\d+$/.test(labels[labels.length - 1]);
}

export type HostKind = "ipv4" | "ipv6" | "name";

/**
 * Classifies a target host, or throws. Anything starting with "-", holding whitespace or shell
 * characters fails here, before any process is started with it.
 */
export function parseHost(text: string): { host: string; kind: HostKind } {
  if (isIpv4(text)) return { host: text, kind: "ipv4" };
  if (isIpv6(text)) return { host: text.toLowerCase(), kind: "ipv6" };
  if (isHostname(text)) return { host: text.toLowerCase(), kind: "name" };
  throw new OptionsError("host", `"${text}" is not an IP address or a valid host name`);
}

export function ipVersionOf(address: string): IpVersion {
  return isIpv4(address) ? 4 : 6;
}
