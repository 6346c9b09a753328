// Outages as shaded spans on a timeline chart (ApexCharts x-axis annotations); an open outage
// reaches to now.
import type { Outage } from "../model/outages.ts";
import { formatDuration } from "../model/format.ts";

export function outageAnnotations(outages: readonly Outage[], now = Date.now()) {
  return outages.map((o) => ({
    x: o.start,
    x2: o.end ?? now,
    fillColor: "#d93b3b",
    opacity: 0.18,
    borderColor: "#d93b3b",
    label: {
      text: o.open
        ? `outage (ongoing, ${o.roundsLost} rounds)`
        : `outage ${formatDuration(o.durationMs)}`,
      style: { background: "#d93b3b", color: "#fff" },
    },
  }));
}
