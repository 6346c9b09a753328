// Pure parser of macOS `netstat -ibn`: one link row (<Link#N>) per interface carries its
// counters; the address rows that follow repeat them and are skipped. A trailing "*" on the name
// marks an interface that is down. The columns are found by the header, from the right, because
// the Address column is empty for links without a hardware address (lo0, utun).
import type { InterfaceCounters } from "./types.ts";

export interface NetstatRow {
  name: string;
  up: boolean;
  mtu: number;
  counters: InterfaceCounters;
}

const NEEDED = ["Ipkts", "Ierrs", "Ibytes", "Opkts", "Oerrs", "Obytes", "Coll"] as const;

export class NetstatParseError extends Error {}

export function parseNetstatIbn(text: string): NetstatRow[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  for (const column of NEEDED) {
    if (!header.includes(column)) {
      throw new NetstatParseError(`netstat output has no ${column} column: "${lines[0] ?? ""}"`);
    }
  }
  // Position of each column counted from the end of the row.
  const fromEnd = (column: string) => header.length - header.indexOf(column);
  const rows: NetstatRow[] = [];
  const seen = new Set<string>();
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < header.length - 1 || !/^<Link#\d+>$/.test(f[2] ?? "")) continue;
    const name = f[0].replace(/\*$/, "");
    if (seen.has(name)) continue;
    const at = (column: string) => {
      const text = f[f.length - fromEnd(column)];
      const n = Number(text);
      return Number.isFinite(n) && n >= 0 ? n : 0;
    };
    seen.add(name);
    rows.push({
      name,
      up: !f[0].endsWith("*"),
      mtu: Number(f[1]),
      counters: {
        rxBytes: at("Ibytes"),
        rxPackets: at("Ipkts"),
        rxErrors: at("Ierrs"),
        rxDrops: header.includes("Idrop") ? at("Idrop") : 0,
        txBytes: at("Obytes"),
        txPackets: at("Opkts"),
        txErrors: at("Oerrs"),
        txDrops: header.includes("Drop") ? at("Drop") : 0,
      },
    });
  }
  return rows;
}

/** The interface named by `route -n get default` ("interface: en0"), or null. */
export function parseRouteGetDefault(text: string): string | null {
  const match = /^\s*interface:\s*(\S+)\s*$/m.exec(text);
  return match ? match[1] : null;
}
