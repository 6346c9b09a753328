// Short texts for outages and uptime, shared by the timeline's spans and the summary's cells.

/** 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** 100, 99.95, 87.3; "-" when unknown. */
export function formatUptime(pct: number | null | undefined): string {
  if (pct === null || pct === undefined) return "-";
  if (pct === 100) return "100";
  return pct >= 99 ? pct.toFixed(2) : pct.toFixed(1);
}
