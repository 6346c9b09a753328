// A scripted interface source for the collector scenarios: the test sets each reading.
import {
  type InterfaceCounters,
  type InterfaceReading,
  type InterfaceSource,
  zeroCounters,
} from "../../../engine/mod.ts";

export function reading(
  name: string,
  counters: Partial<InterfaceCounters>,
  extra: Partial<InterfaceReading> = {},
): InterfaceReading {
  return {
    name,
    state: "up",
    kind: name === "lo" ? "loopback" : "ethernet",
    speedMbps: 1000,
    carrier: true,
    counterBits: 64,
    counters: { ...zeroCounters(), ...counters },
    ...extra,
  };
}

export class ScriptedSource implements InterfaceSource {
  readonly platform = "test";
  readings: InterfaceReading[] = [];
  defaultRoute: string | null = null;
  reads = 0;

  read(): Promise<InterfaceReading[]> {
    this.reads++;
    return Promise.resolve(this.readings.map((r) => ({ ...r, counters: { ...r.counters } })));
  }

  defaultRouteInterface(): Promise<string | null> {
    return Promise.resolve(this.defaultRoute);
  }
}
