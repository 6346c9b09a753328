// What the interface routes answer, built from the collector's live state and the store's rows:
// rates per second, utilisation of the link when its speed is known, and the export formats.
import type {
  InterfaceCounters,
  InterfaceRates,
  InterfaceStatus,
  PrimaryChoice,
} from "../engine/mod.ts";
import type {
  InterfaceFigures,
  InterfacePoint,
  InterfaceResolution,
  InterfaceSampleRecord,
  InterfaceSummaryRecord,
} from "../store/mod.ts";

/** One interface now: what the platform says, whether it is monitored, the newest rates. */
export interface InterfaceReply {
  name: string;
  /** Listed by the system in the newest reading (false: vanished, or only in stored history). */
  present: boolean;
  monitored: boolean;
  skipReason: string | null;
  primary: boolean;
  state: string | null;
  kind: string | null;
  speedMbps: number | null;
  carrier: boolean | null;
  /** The newest interval (null before two readings, after a reset or when not present). */
  latest: { at: number; elapsedMs: number; rates: InterfaceRates } | null;
  /** Share of the link speed the newest interval used, rx and tx (null: speed unknown). */
  utilisationPct: { rx: number; tx: number } | null;
  /** Counter increases since the server started. */
  totals: InterfaceCounters;
}

export interface InterfacesReply {
  state: "running" | "stopped" | "off" | "unsupported";
  /** Why nothing is collected (off, unsupported); null while running. */
  reason: string | null;
  platform: string | null;
  intervalMs: number;
  primary: PrimaryChoice;
  interfaces: InterfaceReply[];
}

export interface InterfaceLatestReply {
  at: number | null;
  interfaces: Pick<
    InterfaceReply,
    "name" | "primary" | "speedMbps" | "latest" | "utilisationPct"
  >[];
}

/** One point of a chart: rates per second over the point's span and the busiest interval in it. */
export interface InterfaceHistoryPoint {
  at: number;
  spanMs: number;
  rxBytesPerS: number;
  txBytesPerS: number;
  rxPeakBytesPerS: number;
  txPeakBytesPerS: number;
  rxPacketsPerS: number;
  txPacketsPerS: number;
  errors: { rx: number; tx: number };
  drops: { rx: number; tx: number };
  utilisationPct: { rx: number; tx: number } | null;
}

export interface InterfaceHistoryReply {
  name: string;
  start: number;
  end: number;
  resolution: InterfaceResolution;
  speedMbps: number | null;
  points: InterfaceHistoryPoint[];
}

export interface InterfaceSummaryRow {
  name: string;
  primary: boolean;
  resolution: InterfaceResolution;
  samples: number;
  /** Time the samples measured, ms (less than the range when the monitor was not running). */
  measuredMs: number;
  speedMbps: number | null;
  avg: { rxBytesPerS: number; txBytesPerS: number };
  peak: { rxBytesPerS: number; txBytesPerS: number };
  /** Average and peak share of the link speed (null: speed unknown). */
  utilisationPct: { avgRx: number; avgTx: number; peakRx: number; peakTx: number } | null;
  bytes: { rx: number; tx: number };
  packets: { rx: number; tx: number };
  errors: { rx: number; tx: number };
  drops: { rx: number; tx: number };
}

export interface InterfaceSummaryReply {
  start: number;
  end: number;
  interfaces: InterfaceSummaryRow[];
}

export function utilisation(bytesPerS: number, speedMbps: number | null): number | null {
  return speedMbps ? bytesPerS * 8 / (speedMbps * 1e6) * 100 : null;
}

export function interfaceReply(s: InterfaceStatus): InterfaceReply {
  const latest = s.present && s.latest
    ? { at: s.latest.at, elapsedMs: s.latest.elapsedMs, rates: s.latest.rates }
    : null;
  const rx = latest ? utilisation(latest.rates.rxBytesPerS, s.speedMbps) : null;
  const tx = latest ? utilisation(latest.rates.txBytesPerS, s.speedMbps) : null;
  return {
    name: s.name,
    present: s.present,
    monitored: s.monitored,
    skipReason: s.skipReason,
    primary: s.primary,
    state: s.state,
    kind: s.kind,
    speedMbps: s.speedMbps,
    carrier: s.carrier,
    latest,
    utilisationPct: rx !== null && tx !== null ? { rx, tx } : null,
    totals: { ...s.totals },
  };
}

/** An interface known only from stored history (monitoring off, or it is gone). */
export function storedOnlyReply(name: string): InterfaceReply {
  return {
    name,
    present: false,
    monitored: false,
    skipReason: null,
    primary: false,
    state: null,
    kind: null,
    speedMbps: null,
    carrier: null,
    latest: null,
    utilisationPct: null,
    totals: {
      rxBytes: 0,
      rxPackets: 0,
      rxErrors: 0,
      rxDrops: 0,
      txBytes: 0,
      txPackets: 0,
      txErrors: 0,
      txDrops: 0,
    },
  };
}

function perS(n: number, ms: number): number {
  return ms > 0 ? n * 1000 / ms : 0;
}

export function historyPoint(p: InterfacePoint, speedMbps: number | null): InterfaceHistoryPoint {
  const rx = utilisation(p.rxBytesPerS, speedMbps);
  const tx = utilisation(p.txBytesPerS, speedMbps);
  return {
    at: p.at,
    spanMs: p.spanMs,
    rxBytesPerS: p.rxBytesPerS,
    txBytesPerS: p.txBytesPerS,
    rxPeakBytesPerS: p.rxPeakBytesPerS,
    txPeakBytesPerS: p.txPeakBytesPerS,
    rxPacketsPerS: perS(p.deltas.rxPackets, p.elapsedMs),
    txPacketsPerS: perS(p.deltas.txPackets, p.elapsedMs),
    errors: { rx: p.deltas.rxErrors, tx: p.deltas.txErrors },
    drops: { rx: p.deltas.rxDrops, tx: p.deltas.txDrops },
    utilisationPct: rx !== null && tx !== null ? { rx, tx } : null,
  };
}

export function summaryRow(
  r: InterfaceSummaryRecord,
  live: { primary: boolean; speedMbps: number | null },
): InterfaceSummaryRow {
  const f: InterfaceFigures = r;
  const u = (n: number) => utilisation(n, live.speedMbps)!;
  return {
    name: r.name,
    primary: live.primary,
    resolution: r.resolution,
    samples: f.samples,
    measuredMs: f.elapsedMs,
    speedMbps: live.speedMbps,
    avg: { rxBytesPerS: f.rxBytesPerS, txBytesPerS: f.txBytesPerS },
    peak: { rxBytesPerS: f.rxPeakBytesPerS, txBytesPerS: f.txPeakBytesPerS },
    utilisationPct: live.speedMbps
      ? {
        avgRx: u(f.rxBytesPerS),
        avgTx: u(f.txBytesPerS),
        peakRx: u(f.rxPeakBytesPerS),
        peakTx: u(f.txPeakBytesPerS),
      }
      : null,
    bytes: { rx: f.deltas.rxBytes, tx: f.deltas.txBytes },
    packets: { rx: f.deltas.rxPackets, tx: f.deltas.txPackets },
    errors: { rx: f.deltas.rxErrors, tx: f.deltas.txErrors },
    drops: { rx: f.deltas.rxDrops, tx: f.deltas.txDrops },
  };
}

export const INTERFACE_CSV_HEADER = "interface,time,time_ms,elapsed_ms,rx_bytes,tx_bytes," +
  "rx_packets,tx_packets,rx_errors,tx_errors,rx_drops,tx_drops,rx_bytes_per_s,tx_bytes_per_s\n";

export function interfaceCsvLine(s: InterfaceSampleRecord): string {
  const d = s.deltas;
  return [
    s.name,
    new Date(s.at).toISOString(),
    s.at,
    s.elapsedMs,
    d.rxBytes,
    d.txBytes,
    d.rxPackets,
    d.txPackets,
    d.rxErrors,
    d.txErrors,
    d.rxDrops,
    d.txDrops,
    perS(d.rxBytes, s.elapsedMs).toFixed(3),
    perS(d.txBytes, s.elapsedMs).toFixed(3),
  ].join(",") + "\n";
}
