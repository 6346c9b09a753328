// What a prober tells the registry about itself. Each prober file exports one ProberEntry;
// engine/probers/registry.ts lists them, and everything that names probers (the `auto` choice,
// the --prober validator, help texts, the API and UI lists) reads that list.
import type { Clock, Prober } from "../types.ts";

export type ProberSelection = { ok: true; prober: Prober } | { ok: false; reason: string };

export interface SelectOptions {
  clock?: Clock;
  /** Program to run per prober name; tests substitute stand-ins. */
  executables?: Record<string, string>;
  /** The Deno.build.os to act as (tests replay another platform's ping); default: this one. */
  os?: string;
  /**
   * false: act as a process that may not open raw sockets (the native prober then declines, as
   * without root or CAP_NET_RAW); tests of the other probers' fallbacks run as root. Default: try.
   */
  rawSockets?: boolean;
  /** Shorthands for executables["mtr-packet"] and executables["ping"]. */
  mtrPacketExecutable?: string;
  pingExecutable?: string;
}

export interface ProberCapabilities {
  protocols: readonly ("icmp" | "udp" | "tcp")[];
  families: readonly ("ipv4" | "ipv6")[];
  /**
   * "exact": every hop's RTT is measured by the prober itself; "approximate": intermediate hops
   * are timed from outside (process spawn overhead subtracted), only the destination is exact.
   */
  timing: "exact" | "approximate";
  /** Values of Deno.build.os it works on; `auto` skips it elsewhere. */
  platforms: readonly string[];
  /** The programs it runs, by name (--allow-run); default: just its own name. */
  programs?: readonly string[];
}

export interface ProberEntry {
  /** The value of --prober and of `prober` in the API. */
  name: string;
  /** One line for help texts and the UI. */
  description: string;
  capabilities: ProberCapabilities;
  /** Checks that the prober can run here and opens it, or says why not (install hints). */
  open(options: SelectOptions): Promise<ProberSelection>;
}

/** The program an entry should run: an explicit stand-in, or its default. */
export function executableFor(options: SelectOptions, name: string, fallback: string): string {
  const shorthand = name === "mtr-packet"
    ? options.mtrPacketExecutable
    : name === "ping"
    ? options.pingExecutable
    : undefined;
  return options.executables?.[name] ?? shorthand ?? fallback;
}
