// The interface-traffic port: compact rows of counter increases per interface and interval, kept
// in raw, 1-minute and 1-hour tiers with the same retention as latency. Each bucket keeps the sum
// of every counter's increase, the measured time it covers, and the peak byte rates, so an hour
// view still shows a one-second burst's height (peak) next to the hour's average.
import type { InterfaceCounters } from "../engine/ground.ts";

/** One interface over one measured interval (what the collector reports). */
export interface InterfaceSampleRecord {
  name: string;
  /** Epoch ms when the interval ended. */
  at: number;
  /** Measured (monotonic) length of the interval. */
  elapsedMs: number;
  /** Counter increases over the interval. */
  deltas: InterfaceCounters;
}

export type InterfaceResolution = "raw" | "1m" | "1h";

export interface InterfaceHistoryQuery {
  /** Time range [start, end) in epoch ms. */
  start: number;
  end: number;
  /** At most this many points (consecutive rows are merged; default 500). */
  maxPoints?: number;
}

/** Figures over a stretch of time: sums, the time measured, averages and peaks per second. */
export interface InterfaceFigures {
  samples: number;
  elapsedMs: number;
  deltas: InterfaceCounters;
  rxBytesPerS: number;
  txBytesPerS: number;
  /** The highest rate of any one stored interval (a raw sample) inside. */
  rxPeakBytesPerS: number;
  txPeakBytesPerS: number;
}

export interface InterfacePoint extends InterfaceFigures {
  /** Start of the point's span (a raw point: when its interval ended). */
  at: number;
  spanMs: number;
}

export interface InterfaceHistory {
  name: string;
  resolution: InterfaceResolution;
  points: InterfacePoint[];
}

export interface InterfaceSummaryRecord extends InterfaceFigures {
  name: string;
  resolution: InterfaceResolution;
}

export interface InterfaceStore {
  /** Queues samples; they are written with the next flush of rounds (flush() writes them now). */
  appendInterfaceSamples(samples: InterfaceSampleRecord[]): void;
  /** Names of every interface with stored samples, sorted. */
  interfaceNames(): Promise<string[]>;
  interfaceHistory(name: string, query: InterfaceHistoryQuery): Promise<InterfaceHistory>;
  /** Per interface over [start, end), from the finest tier that still covers start. */
  interfaceSummary(query: { start: number; end: number }): Promise<InterfaceSummaryRecord[]>;
  /** Raw samples in time order (exports); `name` null = every interface. */
  interfaceSamples(
    query: { name: string | null; start: number; end: number; limit?: number },
  ): Promise<InterfaceSampleRecord[]>;
  /** The interface settings saved through the API (JSON the API validates), or null. */
  interfaceSettings(): Promise<unknown | null>;
  putInterfaceSettings(settings: unknown): Promise<void>;
}
