// The one list of probers, in the order `auto` tries them. Adding a prober: one file exporting a
// ProberEntry (see entry.ts), one line in PROBERS. The --prober validators, help texts and the
// API's prober list all derive from this table.
import { z } from "zod";
import { log } from "../log.ts";
import type { Prober, Protocol } from "../types.ts";
import type { ProberEntry, ProberSelection, SelectOptions } from "./entry.ts";
import { mtrPacketEntry } from "./mtr_packet.ts";
import { nativeEntry } from "./native_entry.ts";
import { pingEntry } from "./ping.ts";

export const PROBERS: readonly ProberEntry[] = [
  nativeEntry,
  mtrPacketEntry,
  pingEntry,
];

/** Prober names, e.g. ["mtr-packet", "ping"]. */
export const PROBER_NAMES: readonly string[] = PROBERS.map((p) => p.name);

/** Every program a prober may run, e.g. ["mtr-packet", "ping", "ping6"]: the --allow-run list. */
export const PROBER_PROGRAMS: readonly string[] = [
  ...new Set(PROBERS.flatMap((p) => p.capabilities.programs ?? [p.name])),
];

/** The one thing to do when no prober works on this platform. */
export function noProberFix(os: string): string {
  switch (os) {
    case "windows":
      return "allow ICMP through the Windows firewall (as administrator: netsh advfirewall " +
        'firewall add rule name="PingWatcher ICMPv4" protocol=icmpv4:any,any dir=in ' +
        'action=allow, and the same with name="PingWatcher ICMPv6" protocol=icmpv6:any,any)';
    case "darwin":
      return "nothing needs installing on macOS (/sbin/ping and /sbin/ping6 are built in): run " +
        "PingWatcher with /sbin on PATH and allowed to run ping";
    default:
      return "install mtr-tiny (Debian/Ubuntu: sudo apt install mtr-tiny; Fedora: sudo dnf " +
        "install mtr), which installs mtr-packet with the capability to send probes";
  }
}

const OS_NAMES: Record<string, string> = { darwin: "macOS", windows: "Windows", linux: "Linux" };

/** What --prober accepts: `auto` and every registered name. */
export const PROBER_CHOICES: readonly [string, ...string[]] = ["auto", ...PROBER_NAMES];

/** A prober's name, or "auto" (the first one that works here). */
export type ProberChoice = string;

/** The zod enum every --prober / PINGWATCHER_PROBER / config validator uses. */
export const proberChoiceSchema = z.enum(PROBER_CHOICES);

export function proberEntry(name: string): ProberEntry | undefined {
  return PROBERS.find((p) => p.name === name);
}

/** "auto|mtr-packet|ping", for usage lines. */
export function proberChoicesText(separator = "|"): string {
  return PROBER_CHOICES.join(separator);
}

/** The usage error of an unknown --prober value, or null when it is known. */
export function proberChoiceProblem(value: string): string | null {
  if (PROBER_CHOICES.includes(value)) return null;
  return `"${value}" is not one of ${PROBER_CHOICES.join(", ")}`;
}

/** One line per prober for help texts: "  mtr-packet  one long-lived …". */
export function proberHelp(indent = "  "): string {
  const width = Math.max(...PROBER_NAMES.map((n) => n.length));
  return PROBERS.map((p) => `${indent}${p.name.padEnd(width)}  ${p.description}`).join("\n");
}

export async function selectProber(
  choice: ProberChoice,
  options: SelectOptions = {},
): Promise<ProberSelection> {
  if (choice !== "auto") {
    const entry = proberEntry(choice);
    if (!entry) return { ok: false, reason: `unknown prober ${proberChoiceProblem(choice)}` };
    return await entry.open(options);
  }
  const os = options.os ?? Deno.build.os;
  const reasons: string[] = [];
  const skipped: string[] = [];
  for (const entry of PROBERS) {
    if (!entry.capabilities.platforms.includes(os)) {
      skipped.push(`${entry.name}: not available on ${OS_NAMES[os] ?? os}`);
      continue;
    }
    const selection = await entry.open(options);
    if (selection.ok) {
      const why = [...skipped, ...reasons];
      if (why.length > 0) log.info(`using the ${entry.name} prober (${why.join("; ")})`);
      return selection;
    }
    reasons.push(selection.reason);
  }
  reasons.push(`To fix this on ${OS_NAMES[os] ?? os}: ${noProberFix(os)}.`);
  return { ok: false, reason: reasons.join("\n") };
}

/** Why the named prober cannot send `protocol` (with the ones that can), or null when it can. */
export function protocolProblem(name: string, protocol: string): string | null {
  const entry = proberEntry(name);
  const protocols: readonly string[] = entry?.capabilities.protocols ?? [];
  if (!entry || protocols.includes(protocol)) return null;
  const others = PROBERS.filter((p) => (p.capabilities.protocols as string[]).includes(protocol))
    .map((p) => p.name);
  return `the ${entry.name} prober only sends ${protocols.join("/").toUpperCase()}; use ` +
    `--prober ${others.join(" or ") || "another prober"} for ${protocol}`;
}

/**
 * What to ask selectProber for: `auto` narrowed to the first prober that can send `protocol`
 * when not every prober can (auto must not settle on ping for a UDP trace).
 */
export function choiceForProtocol(choice: ProberChoice, protocol: string): ProberChoice {
  if (choice !== "auto") return choice;
  const able = PROBERS.filter((p) => (p.capabilities.protocols as string[]).includes(protocol));
  return able.length === PROBERS.length ? "auto" : able[0]?.name ?? "auto";
}

/** Why this prober cannot run a target's settings, or null when it can. */
export function proberLimitation(
  prober: Prober,
  target: { protocol: string; finalHopOnly: boolean },
): string | null {
  const reason = prober.cannotSend?.(target.protocol as Protocol);
  if (reason) return `the ${prober.name} prober ${reason}`;
  const protocol = prober.cannotSend ? null : protocolProblem(prober.name, target.protocol);
  if (protocol !== null) return protocol;
  if (prober.intermediateHops === false && !target.finalHopOnly) {
    return `${prober.name} (busybox) cannot see intermediate hops: use --final-hop-only, or ` +
      `install mtr-tiny or iputils-ping`;
  }
  return null;
}
