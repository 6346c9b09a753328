// Which interfaces are monitored, and which one is primary. By default loopback, container and
// bridge links (docker*, veth*, br-*, virbr*), tunnels and interfaces that are down are skipped;
// `include` names (or globs with *) are monitored whatever they are, `exclude` never are.
import type { InterfaceReading } from "./types.ts";

export interface InterfaceSelection {
  include: string[];
  exclude: string[];
}

const SKIPPED_PREFIXES = ["docker", "veth", "br-", "virbr"];

function globMatch(pattern: string, name: string): boolean {
  const source = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`).test(name);
}

export function matchesAny(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => globMatch(p, name));
}

/** Why the default filter skips this interface, or null when it is monitored by default. */
export function defaultSkipReason(reading: InterfaceReading): string | null {
  if (reading.kind === "loopback") return "loopback";
  if (reading.kind === "tunnel") return "tunnel";
  const prefix = SKIPPED_PREFIXES.find((p) => reading.name.startsWith(p));
  if (prefix) return `${prefix}* (container or bridge link)`;
  if (reading.state === "down") return "down";
  return null;
}

/** Null when monitored; else the reason it is not. */
export function skipReason(
  reading: InterfaceReading,
  selection: InterfaceSelection,
): string | null {
  if (matchesAny(selection.exclude, reading.name)) return "excluded";
  if (matchesAny(selection.include, reading.name)) return null;
  return defaultSkipReason(reading);
}

/** A pattern of the include/exclude lists: a name of letters, digits and ._-@: with * globs. */
export function interfacePatternProblem(pattern: string): string | null {
  if (!/^[A-Za-z0-9._@:*-]{1,64}$/.test(pattern)) {
    return `"${pattern}" is not an interface name or glob (letters, digits, . _ - @ : and *)`;
  }
  return null;
}

/**
 * The primary interface from the bytes each monitored interface moved over the first samples:
 * the busiest; on a tie (no traffic yet, say) the default route's interface, then the first name.
 */
export function choosePrimary(
  traffic: ReadonlyMap<string, number>,
  defaultRoute: string | null,
): string | null {
  let best: string | null = null;
  let bestBytes = -1;
  for (const [name, bytes] of [...traffic].sort(([a], [b]) => a.localeCompare(b))) {
    const wins = bytes > bestBytes ||
      (bytes === bestBytes && name === defaultRoute && best !== defaultRoute);
    if (wins) {
      best = name;
      bestBytes = bytes;
    }
  }
  return best;
}
