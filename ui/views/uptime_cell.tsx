// The summary's uptime cell: uptime from outages over 24 h / 7 d / 30 d, and a mark while the
// target is in an outage now.
import type { UptimeFigures } from "../../api/wire.ts";
import { formatUptime } from "./outage_text.ts";

export function UptimeCell(props: { uptime: UptimeFigures | null; inOutage: boolean }) {
  const u = props.uptime;
  const title = u
    ? `uptime from outages: ${formatUptime(u.day)} % over 24 h, ${formatUptime(u.week)} % over ` +
      `7 d, ${formatUptime(u.month)} % over 30 d`
    : "no uptime yet";
  return (
    <td class="num opt uptime-col" title={title} data-testid="summary-uptime">
      {props.inOutage && <span class="badge outage-badge">outage</span>}
      {u ? `${formatUptime(u.day)} / ${formatUptime(u.week)} / ${formatUptime(u.month)}` : "-"}
    </td>
  );
}
