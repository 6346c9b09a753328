// Zod schemas of everything the API accepts, in API units (seconds for durations, epoch ms for
// times), and the conversions to the engine's units. These also generate /api/openapi.json.
import { z } from "zod";
import {
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  type TargetOptions,
  type TargetOptionsInput,
} from "../engine/mod.ts";

const seconds = (min: number, max: number) => z.number().min(min).max(max);

/** Engine options as the API names them (durations in seconds). */
export const optionFields = {
  interval: seconds(0.1, 86_400).optional().describe("seconds between rounds (default 2.5)"),
  protocol: z.enum(["icmp", "udp", "tcp"]).optional().describe("default icmp"),
  packetSize: z.number().int().min(36).max(9000).optional().describe("bytes (default 56)"),
  maxHops: z.number().int().min(1).max(64).optional().describe("default 30"),
  timeout: seconds(0.1, 60).optional().describe("per-probe timeout in seconds (default 3)"),
  interPacketDelay: seconds(0, 1).optional().describe(
    "seconds between the probes of one round (default 0.025)",
  ),
  finalHopOnly: z.boolean().optional().describe("probe only the destination"),
  port: z.number().int().min(1).max(65535).nullable().optional().describe(
    "udp/tcp destination port (default udp 33434, tcp 80)",
  ),
  ipVersion: z.union([z.literal(4), z.literal(6), z.null()]).optional().describe(
    "restrict name resolution to IPv4 or IPv6",
  ),
  flow: z.number().int().min(0).max(9999).optional().describe(
    "udp only: Paris-style flow id, one constant 5-tuple per id (default 1; 0 = classic, " +
      "ports change probe by probe)",
  ),
};

export const configurationOptions = z.object(optionFields).strict();
export type ApiOptions = z.infer<typeof configurationOptions>;

const label = z.string().max(200).nullable().optional();
const configurationName = z.string().min(1).max(100).nullable().optional().describe(
  "name of a configuration whose options the target takes (explicit fields win)",
);

/** Group names a target belongs to (for filtering: GET /api/targets?group=NAME). */
export const groupName = z.string().trim().min(1).max(100);
const groups = z.array(groupName).max(100).optional().describe("group names (for filtering)");

/** An agent (vantage point) name: letters, digits, dot, dash and underscore, like a host name. */
export const agentName = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
  "must be 1-63 letters, digits, '.', '-' or '_', starting with a letter or digit",
);
const agents = z.array(agentName).min(1).max(100).nullable().optional().describe(
  "the agents (vantage points) that probe the target; null or absent = every agent",
);

export const targetCreate = z.object({
  host: z.string().min(1).max(253).describe("IP literal or RFC 1123 host name"),
  label,
  configuration: configurationName,
  groups,
  agents,
  ...optionFields,
}).strict();

export const targetPatch = z.object({
  label,
  configuration: configurationName,
  groups,
  agents,
  ...optionFields,
}).strict();

export const targetListQuery = z.object({
  group: groupName.optional().describe("only the targets in this group"),
});

export type TargetCreate = z.infer<typeof targetCreate>;
export type TargetPatchInput = z.infer<typeof targetPatch>;

/** API option fields → engine option input (ms). Absent fields stay absent. */
export function engineInputOf(api: ApiOptions): TargetOptionsInput {
  const ms = (s: number | undefined) =>
    s === undefined ? undefined : Math.round(s * 1000 * 1000) / 1000;
  const input: TargetOptionsInput = {
    intervalMs: ms(api.interval),
    protocol: api.protocol,
    packetSizeBytes: api.packetSize,
    maxHops: api.maxHops,
    timeoutMs: ms(api.timeout),
    interPacketDelayMs: ms(api.interPacketDelay),
    finalHopOnly: api.finalHopOnly,
    port: api.port ?? undefined,
    ipVersion: api.ipVersion,
    flowId: api.flow,
  };
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined),
  ) as TargetOptionsInput;
}

/** Engine option input → API field names (for configurations). */
export function apiOptionsOf(input: TargetOptionsInput): ApiOptions {
  const s = (ms: number | undefined) => ms === undefined ? undefined : ms / 1000;
  const out: ApiOptions = {
    interval: s(input.intervalMs),
    protocol: input.protocol,
    packetSize: input.packetSizeBytes,
    maxHops: input.maxHops,
    timeout: s(input.timeoutMs),
    interPacketDelay: s(input.interPacketDelayMs),
    finalHopOnly: input.finalHopOnly,
    port: input.port,
    ipVersion: input.ipVersion,
    flow: input.flowId,
  };
  return Object.fromEntries(
    Object.entries(out).filter(([, value]) => value !== undefined),
  ) as ApiOptions;
}

/** Resolved engine options → the API's target fields. */
export function apiFieldsOf(options: TargetOptions) {
  return {
    interval: options.intervalMs / 1000,
    protocol: options.protocol,
    packetSize: options.packetSizeBytes,
    maxHops: options.maxHops,
    timeout: options.timeoutMs / 1000,
    interPacketDelay: options.interPacketDelayMs / 1000,
    finalHopOnly: options.finalHopOnly,
    port: options.protocol === "icmp" ? null : options.port,
    ipVersion: options.ipVersion,
    flow: options.protocol === "udp" ? options.flowId : null,
  };
}

// Query strings and path parameters arrive as text.
const intText = z.string().regex(/^-?\d{1,16}$/, "must be a whole number").transform(Number);
export const epochMs = intText.describe("epoch milliseconds");
export const idParam = z.string().regex(/^\d{1,15}$/, "must be a positive whole number")
  .transform(Number);
export const positiveInt = (max: number) =>
  z.string().regex(/^\d{1,9}$/, "must be a whole number").transform(Number).pipe(
    z.number().int().min(1).max(max),
  );

export const rangeQuery = z.object({ start: epochMs.optional(), end: epochMs.optional() })
  .refine((q) => q.start === undefined || q.end === undefined || q.start < q.end, {
    message: "start must be before end",
    path: ["start"],
  });

export const sessionCreate = z.object({
  name: z.string().min(1).max(200),
  start: z.number().int().describe("epoch ms"),
  end: z.number().int().describe("epoch ms"),
}).strict().refine((s) => s.start < s.end, { message: "start must be before end", path: ["end"] });

export const sessionPatch = z.object({
  name: z.string().min(1).max(200).optional(),
  start: z.number().int().optional(),
  end: z.number().int().optional(),
}).strict();

export const configurationCreate = z.object({
  name: z.string().min(1).max(100),
  options: configurationOptions.default({}),
}).strict();

export const configurationPatch = z.object({
  name: z.string().min(1).max(100).optional(),
  options: configurationOptions.optional(),
}).strict();

export const configurationApply = z.object({
  targets: z.array(z.number().int().positive()).min(1).max(10_000),
}).strict();

/** An interface name as the system spells it (eth0, en0, wlp2s0). */
export const INTERFACE_NAME = /^[A-Za-z0-9._@:-]{1,64}$/;
const interfacePattern = z.string().regex(
  /^[A-Za-z0-9._@:*-]{1,64}$/,
  "an interface name or glob (*)",
);

/** The interface monitor's settings: PUT /api/interfaces/settings and the config file's section. */
export const interfaceSettingsPatch = z.object({
  intervalMs: z.number().int().min(MIN_INTERVAL_MS).max(MAX_INTERVAL_MS).optional()
    .describe("how often counters are read, ms (default 10000)"),
  include: z.array(interfacePattern).max(100).optional()
    .describe("monitored whatever the default filter says (names or globs)"),
  exclude: z.array(interfacePattern).max(100).optional().describe(
    "never monitored (names or globs)",
  ),
  primary: z.string().regex(INTERFACE_NAME, "an interface name").nullable().optional()
    .describe("the primary interface; null = chosen by traffic"),
}).strict();
