// Short texts for outages and uptime, shared by the timeline's spans and the summary's cells.

/** 100, 99.95, 87.3; "-" when unknown. */
export function formatUptime(pct: number | null | undefined): string {
  if (pct === null || pct === undefined) return "-";
  if (pct === 100) return "100";
  return pct >= 99 ? pct.toFixed(2) : pct.toFixed(1);
}
