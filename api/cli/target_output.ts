// How `target` prints targets and raw samples as text (--json prints the API's shapes).
import type { TargetView } from "../core/mod.ts";
import type { RoundJson } from "./backend.ts";
import type { Style } from "./style.ts";
import { table } from "./style.ts";
import { isoTime } from "./time_arg.ts";

export function targetsTable(targets: TargetView[], style: Style): string {
  const rows = [["ID", "HOST", "LABEL", "PROTOCOL", "INTERVAL s", "STATE", "CONFIGURATION"]];
  for (const t of targets) {
    const state = t.replay
      ? style.dim("replay")
      : t.paused
      ? style.yellow("paused")
      : t.status.probing
      ? style.green("probing")
      : "active";
    rows.push([
      String(t.id),
      t.host,
      t.label ?? "-",
      t.protocol + (t.port === null ? "" : `:${t.port}`),
      String(t.interval),
      state,
      t.configuration ?? "-",
    ]);
  }
  return table(rows);
}

export function targetDetails(t: TargetView): string {
  const lines: [string, string][] = [
    ["id", String(t.id)],
    ["host", t.host],
    ["label", t.label ?? "-"],
    ["configuration", t.configuration ?? "-"],
    ["paused", String(t.paused)],
    ["replay", String(t.replay)],
    ["protocol", t.protocol],
    ["port", t.port === null ? "-" : String(t.port)],
    ["interval", `${t.interval} s`],
    ["timeout", `${t.timeout} s`],
    ["max hops", String(t.maxHops)],
    ["packet size", `${t.packetSize} bytes`],
    ["inter-packet delay", `${t.interPacketDelay} s`],
    ["final hop only", String(t.finalHopOnly)],
    ["ip version", t.ipVersion === null ? "any" : String(t.ipVersion)],
    ["created", isoTime(t.createdAt)],
    ["probing", String(t.status.probing)],
    ["address", t.status.address ?? "-"],
    ["last error", t.status.lastError ?? "-"],
  ];
  return lines.map(([k, v]) => `${k.padEnd(19)} ${v}`).join("\n") + "\n";
}

/** One line per round: time, seq, final hop (answered or not) and each hop's RTT. */
export function logLines(rounds: RoundJson[], style: Style): string {
  const rows = [["TIME", "SEQ", "DEST", "FINAL ms", "HOPS (ttl ip ms)"]];
  for (const r of rounds) {
    const hopsOf = r.hops as { ttl: number; ip: string | null; rttMs: number | null }[];
    const last = hopsOf[hopsOf.length - 1];
    const final = r.destinationReached && last ? rtt(last.rttMs) : "-";
    const hops = hopsOf.map((h) => `${h.ttl} ${h.ip ?? "*"} ${rtt(h.rttMs)}`).join(" | ");
    rows.push([
      isoTime(r.startedAt),
      String(r.seq),
      r.destinationReached ? style.green("reached") : style.red("lost"),
      final,
      hops,
    ]);
  }
  return table(rows);
}

function rtt(ms: number | null): string {
  return ms === null ? "*" : ms.toFixed(2);
}
