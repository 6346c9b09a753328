// Which option fields a target set itself, read back from its resolved options where nothing
// recorded it (databases from before explicit fields were kept, a configuration that goes away).
import {
  completeTargetOptions,
  DEFAULT_OPTIONS,
  DEFAULT_PORTS,
  DEFAULT_UDP_FLOW,
  type TargetOptions,
  type TargetOptionsInput,
} from "../engine/ground.ts";

const KEYS = (Object.keys(DEFAULT_OPTIONS) as (keyof TargetOptions)[])
  .filter((k) => k !== "port" && k !== "flowId");

/**
 * The fields of `options` that differ from what `base` (a preset, or nothing) resolves to: the
 * input that, laid over `base`, gives `options` back. A port counts against the base's port only
 * when both use the same protocol, else against that protocol's default. `base` was checked when
 * it was saved; one that breaks a rule across fields (a port on icmp) counts as no base.
 */
export function fieldsDifferingFrom(
  options: TargetOptions,
  base: TargetOptionsInput = {},
): TargetOptionsInput {
  let given: TargetOptions;
  try {
    given = completeTargetOptions(base);
  } catch {
    given = completeTargetOptions({});
  }
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    if (options[key] !== given[key]) out[key] = options[key];
  }
  if (options.protocol !== "icmp") {
    const port = given.protocol === options.protocol ? given.port : DEFAULT_PORTS[options.protocol];
    if (options.port !== port) out.port = options.port;
  }
  if (options.protocol === "udp") {
    const flowId = given.protocol === "udp" ? given.flowId : DEFAULT_UDP_FLOW;
    if (options.flowId !== flowId) out.flowId = options.flowId;
  }
  return out as TargetOptionsInput;
}
