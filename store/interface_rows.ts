// What both backends' interface stores share: the counter columns, the tier tables and their time
// columns, and the pure folding of stored rows into counters and figures (sums, average and peak
// rates).
import { COUNTER_NAMES, type InterfaceCounters } from "../engine/ground.ts";
import type { InterfaceFigures, InterfaceResolution } from "./interface_types.ts";

export const COLUMNS = [
  "rx_bytes",
  "rx_packets",
  "rx_errors",
  "rx_drops",
  "tx_bytes",
  "tx_packets",
  "tx_errors",
  "tx_drops",
] as const;
export const TABLE: Record<InterfaceResolution, string> = {
  raw: "if_samples",
  "1m": "if_rollup_1m",
  "1h": "if_rollup_1h",
};
export const TIME: Record<InterfaceResolution, string> = {
  raw: "ts",
  "1m": "bucket",
  "1h": "bucket",
};
export const DEFAULT_MAX_POINTS = 500;

export type Row = Record<string, number>;

export function countersOf(row: Row): InterfaceCounters {
  const out = {} as InterfaceCounters;
  COUNTER_NAMES.forEach((key, i) => out[key] = Number(row[COLUMNS[i]] ?? 0));
  return out;
}

export function figuresOf(rows: Row[], raw: boolean): InterfaceFigures {
  const deltas = countersOf({});
  let elapsedMs = 0, samples = 0, rxPeak = 0, txPeak = 0;
  for (const row of rows) {
    const c = countersOf(row);
    for (const key of COUNTER_NAMES) deltas[key] += c[key];
    elapsedMs += row.elapsed_ms;
    samples += raw ? 1 : row.samples;
    const perS = (n: number) => row.elapsed_ms > 0 ? n * 1000 / row.elapsed_ms : 0;
    rxPeak = Math.max(rxPeak, raw ? perS(c.rxBytes) : row.rx_peak);
    txPeak = Math.max(txPeak, raw ? perS(c.txBytes) : row.tx_peak);
  }
  const avg = (n: number) => elapsedMs > 0 ? n * 1000 / elapsedMs : 0;
  return {
    samples,
    elapsedMs,
    deltas,
    rxBytesPerS: avg(deltas.rxBytes),
    txBytesPerS: avg(deltas.txBytes),
    rxPeakBytesPerS: rxPeak,
    txPeakBytesPerS: txPeak,
  };
}
