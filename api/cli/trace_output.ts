// What `trace` prints: the JSON document and the mtr-like table.
import {
  type AsInfo,
  type HopStats,
  type MplsLabel,
  NO_NAME,
  type Protocol,
  type UnreachableMarker,
} from "../../engine/mod.ts";

export interface TraceJsonHop {
  hop: number;
  ip: string | null;
  /** Every address that answered at this hop, most frequent first (several = ECMP). */
  ips: string[];
  dns: string | null;
  sent: number;
  received: number;
  lossPct: number | null;
  avgMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  curMs: number | null;
  stdevMs: number | null;
  jitterMs: number | null;
  approximate: boolean;
  /** The router said the destination is unreachable: !N, !H, !P, !A or ! (kind unknown). */
  unreachable: UnreachableMarker | null;
  /** MPLS label stack of the newest answer that carried one (outermost first). */
  mpls: MplsLabel[] | null;
  /** With --as-lookup only: the AS of `ip` (null: no record). */
  as?: AsInfo | null;
}

export interface TraceJson {
  target: string;
  address: string;
  prober: string;
  protocol: Protocol;
  samples: number;
  hops: TraceJsonHop[];
}

export interface TraceMeta {
  target: string;
  address: string;
  prober: string;
  protocol: Protocol;
  samples: number;
}

/** Microsecond precision is all the probers measure. */
function ms(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

function pct(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

export function traceJson(
  meta: TraceMeta,
  stats: HopStats[],
  nameOf: (ip: string) => string | null | undefined,
  asOf?: (ip: string) => AsInfo | null | undefined,
): TraceJson {
  return {
    ...meta,
    hops: stats.map((hop) => ({
      ...(asOf ? { as: hop.ip === null ? null : asOf(hop.ip) ?? null } : {}),
      hop: hop.hop,
      ip: hop.ip,
      ips: hop.ips,
      dns: hop.ip === null ? null : nameOf(hop.ip) ?? null,
      sent: hop.sent,
      received: hop.received,
      lossPct: pct(hop.lossPct),
      avgMs: ms(hop.avgMs),
      minMs: ms(hop.minMs),
      maxMs: ms(hop.maxMs),
      curMs: ms(hop.curMs),
      stdevMs: ms(hop.stdevMs),
      jitterMs: ms(hop.jitterMs),
      approximate: hop.approximate,
      unreachable: hop.unreachable ?? null,
      mpls: hop.mpls ?? null,
    })),
  };
}

const HEADERS = ["Hop", "Address", "Name", "Loss%", "Sent", "Recv", "Avg", "Min", "Max", "Cur"];
const HEADERS_TAIL = ["StDev", "Jitter"];

function fmtMs(value: number | null, approximate: boolean): string {
  if (value === null) return "-";
  const digits = value >= 100 ? 1 : value >= 10 ? 2 : 3;
  return (approximate ? "~" : "") + value.toFixed(digits);
}

export interface TableOptions {
  color: boolean;
  nameOf: (ip: string) => string | null | undefined;
  /** With --as-lookup: an AS column ("AS64500 198.18.2.0/24", "AS???" without a record). */
  asOf?: (ip: string) => AsInfo | null | undefined;
}

function asCell(hop: HopStats, asOf: TableOptions["asOf"]): string {
  if (!asOf || hop.ip === null) return "";
  const info = asOf(hop.ip);
  return info ? `AS${info.asn} ${info.prefix}` : "AS???";
}

/** One row per hop; ERR where the newest probe was lost; notes for misleading hop loss. */
export function renderTable(stats: HopStats[], options: TableOptions): string {
  const red = (s: string) => options.color ? `\x1b[31m${s}\x1b[0m` : s;
  const rows: string[][] = stats.map((hop) => {
    const name = hop.ip === null ? "" : options.nameOf(hop.ip);
    const ips = (hop.ips.length > 1 ? `${hop.ip} (+${hop.ips.length - 1})` : hop.ip ?? "???") +
      (hop.unreachable ? ` ${hop.unreachable}` : "");
    const lost = hop.sent > 0 && hop.curMs === null;
    return [
      String(hop.hop) + (hop.lossNotCarried ? "!" : ""),
      ips,
      (name === undefined ? "" : name ?? NO_NAME) +
      (options.asOf ? `  ${asCell(hop, options.asOf)}` : ""),
      hop.lossPct === null ? "-" : hop.lossPct.toFixed(1),
      String(hop.sent),
      String(hop.received),
      fmtMs(hop.avgMs, hop.approximate),
      fmtMs(hop.minMs, hop.approximate),
      fmtMs(hop.maxMs, hop.approximate),
      lost ? "ERR" : fmtMs(hop.curMs, hop.approximate),
      fmtMs(hop.stdevMs, hop.approximate),
      fmtMs(hop.jitterMs, hop.approximate),
    ];
  });
  const header = [...HEADERS, ...HEADERS_TAIL];
  if (options.asOf) header[2] = "Name  AS";
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const leftAligned = new Set([1, 2]);
  const line = (cells: string[]) =>
    cells.map((cell, i) => leftAligned.has(i) ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
      .join("  ");
  const out = [line(header)];
  for (const [i, row] of rows.entries()) {
    const text = line(row);
    out.push(row[9] === "ERR" ? text.replace(/ ERR/, red(" ERR")) : text);
    // Under the hop, as mtr -e prints them.
    for (const l of stats[i].mpls ?? []) {
      out.push(
        `${" ".repeat(widths[0] + 2)}[MPLS: Lbl ${l.label} TC ${l.tc} S ${l.s ? 1 : 0} ` +
          `TTL ${l.ttl}]`,
      );
    }
  }
  const notes: string[] = [];
  if (stats.some((h) => h.lossNotCarried)) {
    notes.push("! loss at this hop does not carry to later hops: probably ICMP rate limiting");
  }
  if (stats.some((h) => h.approximate)) {
    notes.push("~ approximate: timed around the ping process (ping reports no RTT for routers)");
  }
  if (stats.some((h) => h.unreachable)) {
    notes.push(
      "!N !H !P !A the router answered unreachable (network, host, protocol, prohibited; ! kind " +
        "unknown): the path ends there",
    );
  }
  if (stats.some((h) => h.ips.length > 1)) {
    notes.push("(+N) more addresses answer at this hop (ECMP)");
  }
  return [...out, ...notes].join("\n");
}
