// The mark of an alert firing now, on a summary row (the target) or a trace graph row (the hop).
import type { ActiveAlert } from "../model/alerts_types.ts";
import { formatTime } from "../model/format.ts";

function describe(alerts: ActiveAlert[]): string {
  return alerts.map((a) =>
    `${a.ruleName}${a.hop ? ` at hop ${a.hop}` : ""}${
      a.since ? ` since ${formatTime(a.since)}` : ""
    }`
  ).join("; ");
}

/** Nothing when `alerts` is empty; else a red "ALERT" badge naming the rules that fire. */
export function AlertBadge(props: { alerts: ActiveAlert[] | undefined; compact?: boolean }) {
  const alerts = props.alerts ?? [];
  if (!alerts.length) return null;
  const text = describe(alerts);
  return (
    <span
      class="alert-badge"
      title={`Alert: ${text}`}
      aria-label={`Alert firing: ${text}`}
      role="img"
      data-testid="alert-badge"
    >
      <span aria-hidden="true">
        ⚠{props.compact ? "" : alerts.length > 1 ? ` ${alerts.length} alerts` : " alert"}
      </span>
    </span>
  );
}

/** The alerts of one hop of a target (by TTL, or by address when the TTL is unknown). */
export function alertsAtHop(
  alerts: ActiveAlert[] | undefined,
  hop: { hop: number; ips: string[] },
): ActiveAlert[] {
  return (alerts ?? []).filter((a) =>
    a.hop !== null ? a.hop === hop.hop : a.hopIp !== null && hop.ips.includes(a.hopIp)
  );
}

/** One line above the trace graph naming the alerts firing on this target. */
export function AlertBanner(props: { alerts: ActiveAlert[] | undefined }) {
  const alerts = props.alerts ?? [];
  if (!alerts.length) return null;
  return (
    <p class="alert-banner" role="status" data-testid="alert-banner">
      <span class="alert-badge" aria-hidden="true">⚠</span> Alert firing: {describe(alerts)}
    </p>
  );
}
