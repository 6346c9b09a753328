// Choosing a prober: `auto` prefers mtr-packet (one child for every probe, exact RTTs at every
// hop) and falls back to ping (no extra dependency; approximate RTTs at intermediate hops).
import { log } from "../log.ts";
import type { Clock, Prober } from "../types.ts";
import { checkMtrPacket, runOnce, spawnFailure } from "./check.ts";
import { MtrPacketProber } from "./mtr_packet.ts";
import { PingProber } from "./ping.ts";
import { pingFlavorOf } from "./ping_parse.ts";

export { MtrPacketProber } from "./mtr_packet.ts";
export { PingProber } from "./ping.ts";
export { FakeProber } from "./fake.ts";
export { checkMtrPacket } from "./check.ts";

export type ProberChoice = "auto" | "mtr-packet" | "ping";

export type ProberSelection = { ok: true; prober: Prober } | { ok: false; reason: string };

export interface SelectOptions {
  clock?: Clock;
  mtrPacketExecutable?: string;
  pingExecutable?: string;
}

export async function selectProber(
  choice: ProberChoice,
  options: SelectOptions = {},
): Promise<ProberSelection> {
  if (choice === "mtr-packet") return await openMtrPacket(options);
  if (choice === "ping") return await openPing(options);
  const mtr = await openMtrPacket(options);
  if (mtr.ok) return mtr;
  const ping = await openPing(options);
  if (ping.ok) {
    log.info(`using the ping prober (${mtr.reason})`);
    return ping;
  }
  return { ok: false, reason: `${mtr.reason}\n${ping.reason}` };
}

async function openMtrPacket(options: SelectOptions): Promise<ProberSelection> {
  const executable = options.mtrPacketExecutable ?? "mtr-packet";
  const support = await checkMtrPacket(executable, options.clock);
  if (!support.ok) return support;
  return { ok: true, prober: new MtrPacketProber({ executable, clock: options.clock }) };
}

const PING_INSTALL = "install iputils-ping (apt install iputils-ping)";

async function openPing(options: SelectOptions): Promise<ProberSelection> {
  const executable = options.pingExecutable ?? "ping";
  let version: string;
  try {
    const run = await runOnce(executable, { args: ["-V"], clock: options.clock });
    version = run.stdout + run.stderr;
  } catch (error) {
    return { ok: false, reason: spawnFailure("ping", error, PING_INSTALL) };
  }
  const flavor = pingFlavorOf(version, Deno.build.os);
  if (flavor === null) {
    const first = version.trim().split("\n")[0] ?? "";
    return { ok: false, reason: `ping: unrecognised implementation (${first}) — ${PING_INSTALL}` };
  }
  const prober = new PingProber({ executable, flavor, clock: options.clock });
  const results = await prober.calibrate();
  const check = results.find((result) => result.kind === "error");
  if (check?.kind === "error" && results.every((result) => result.kind === "error")) {
    await prober.close();
    const why = check.code === "permission-denied"
      ? `permission denied (${check.message}) — ${PING_INSTALL}; ping needs cap_net_raw or ` +
        `net.ipv4.ping_group_range to include your group`
      : `${check.message} — ${PING_INSTALL}`;
    return { ok: false, reason: `ping: ${why}` };
  }
  return { ok: true, prober };
}

/** Why this prober cannot run a target's settings, or null when it can. */
export function proberLimitation(
  prober: Prober,
  target: { protocol: string; finalHopOnly: boolean },
): string | null {
  if (prober.name === "ping" && target.protocol !== "icmp") {
    return `the ping prober only sends ICMP; use --prober mtr-packet for ${target.protocol}`;
  }
  if (prober.intermediateHops === false && !target.finalHopOnly) {
    return `${prober.name} (busybox) cannot see intermediate hops: use --final-hop-only, or ` +
      `install mtr-tiny or iputils-ping`;
  }
  return null;
}
