// Interface traffic: what a platform source reports and what the collector makes of it.

/** The eight counters every source reports, as the kernel's running totals. */
export interface InterfaceCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDrops: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDrops: number;
}

export const COUNTER_NAMES: readonly (keyof InterfaceCounters)[] = [
  "rxBytes",
  "rxPackets",
  "rxErrors",
  "rxDrops",
  "txBytes",
  "txPackets",
  "txErrors",
  "txDrops",
];

/** Operational state as the platform says it (Linux operstate; macOS: up or down). */
export type LinkState = "up" | "down" | "dormant" | "unknown";

/** What kind of link: the default filter skips loopback and tunnels. */
export type LinkKind = "ethernet" | "loopback" | "tunnel" | "other";

/** One interface as read from the platform at one moment. */
export interface InterfaceReading {
  name: string;
  state: LinkState;
  kind: LinkKind;
  /** Link speed in Mbit/s when the driver reports one (virtual links often do not). */
  speedMbps: number | null;
  /** Carrier detected (null when the platform does not say). */
  carrier: boolean | null;
  /** Width of the kernel's counters: a 32-bit counter wraps at 2^32, a 64-bit one never does. */
  counterBits: 32 | 64;
  counters: InterfaceCounters;
}

/** Where readings come from: /proc and /sys on Linux, `netstat -ibn` on macOS. */
export interface InterfaceSource {
  readonly platform: string;
  /** Every interface the platform lists now. */
  read(): Promise<InterfaceReading[]>;
  /** The interface of the default route (the primary choice's tie-breaker), when known. */
  defaultRouteInterface(): Promise<string | null>;
}

/** Rates per second over one measured interval (counts over that interval for errors/drops). */
export interface InterfaceRates {
  rxBytesPerS: number;
  txBytesPerS: number;
  rxPacketsPerS: number;
  txPacketsPerS: number;
  rxErrorsPerS: number;
  txErrorsPerS: number;
  rxDropsPerS: number;
  txDropsPerS: number;
}

/** One interface's figures in one collection: the counter increases and the interval. */
export interface InterfaceSample {
  name: string;
  /** Epoch ms when the interval ended. */
  at: number;
  /** Monotonic milliseconds between the two readings. */
  elapsedMs: number;
  /** Counter increases over the interval (wraps unfolded). */
  deltas: InterfaceCounters;
  rates: InterfaceRates;
}

export function zeroCounters(): InterfaceCounters {
  return {
    rxBytes: 0,
    rxPackets: 0,
    rxErrors: 0,
    rxDrops: 0,
    txBytes: 0,
    txPackets: 0,
    txErrors: 0,
    txDrops: 0,
  };
}

export function ratesOf(deltas: InterfaceCounters, elapsedMs: number): InterfaceRates {
  const perS = (n: number) => elapsedMs > 0 ? n * 1000 / elapsedMs : 0;
  return {
    rxBytesPerS: perS(deltas.rxBytes),
    txBytesPerS: perS(deltas.txBytes),
    rxPacketsPerS: perS(deltas.rxPackets),
    txPacketsPerS: perS(deltas.txPackets),
    rxErrorsPerS: perS(deltas.rxErrors),
    txErrorsPerS: perS(deltas.txErrors),
    rxDropsPerS: perS(deltas.rxDrops),
    txDropsPerS: perS(deltas.txDrops),
  };
}
