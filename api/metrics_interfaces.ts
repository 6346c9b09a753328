// The interface families of GET /metrics: each monitored interface's byte, packet, error and
// drop counters as Prometheus counters. They are the sums of the collector's increases since the
// process started, so a kernel counter reset or wrap never makes them go backwards (Prometheus's
// rate() then needs no help); speed and primary are gauges.
import type { ApiDeps } from "./deps.ts";
import type { FamilySet } from "./exposition.ts";

const COUNTERS = [
  ["receive_bytes_total", "rxBytes", "Bytes received"],
  ["transmit_bytes_total", "txBytes", "Bytes sent"],
  ["receive_packets_total", "rxPackets", "Packets received"],
  ["transmit_packets_total", "txPackets", "Packets sent"],
  ["receive_errors_total", "rxErrors", "Receive errors"],
  ["transmit_errors_total", "txErrors", "Transmit errors"],
  ["receive_drops_total", "rxDrops", "Received packets dropped"],
  ["transmit_drops_total", "txDrops", "Packets dropped on sending"],
] as const;

export function interfaceMetrics(set: FamilySet, deps: ApiDeps): void {
  const collector = deps.interfaces?.collector;
  if (!collector) return;
  const monitored = collector.interfaces().filter((i) => i.monitored);
  const families = COUNTERS.map(([name, key, help]) =>
    [
      set.add(
        `pingwatcher_interface_${name}`,
        "counter",
        `${help} on the interface since PingWatcher started (resets and wraps left out)`,
      ),
      key,
    ] as const
  );
  const speed = set.add(
    "pingwatcher_interface_speed_bits_per_second",
    "gauge",
    "Link speed the driver reports (absent when unknown)",
  );
  const primary = set.add(
    "pingwatcher_interface_primary",
    "gauge",
    "1 for the primary interface, 0 for the others",
  );
  const present = set.add(
    "pingwatcher_interface_present",
    "gauge",
    "1 while the system lists the interface, 0 after it vanished",
  );
  for (const i of monitored) {
    const labels = { interface: i.name };
    for (const [add, key] of families) add(labels, i.totals[key]);
    if (i.speedMbps !== null) speed(labels, i.speedMbps * 1e6);
    primary(labels, i.primary ? 1 : 0);
    present(labels, i.present ? 1 : 0);
  }
}
