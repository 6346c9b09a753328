// The monitor's live per-target summary: the final hop of each target over its focus window.
import { type EngineCounters, hopStats, type Round } from "../../engine/mod.ts";

export interface SummaryTarget {
  id: number;
  host: string;
  label: string | null;
  paused: boolean;
  address: string | null;
  /** Newest rounds, oldest first (the focus window). */
  rounds: Round[];
  lastError: string | null;
}

function fmt(value: number | null, digits = 2): string {
  return value === null ? "-" : value.toFixed(digits);
}

/** Final-hop figures: the destination row of the hop table. */
export function finalHop(rounds: Round[]) {
  const stats = hopStats(rounds);
  return stats.length ? stats[stats.length - 1] : null;
}

export function renderSummary(targets: SummaryTarget[], counters: EngineCounters): string {
  const header = [
    "ID",
    "Target",
    "Address",
    "Hops",
    "Loss%",
    "Avg",
    "Min",
    "Cur",
    "Rounds",
    "Note",
  ];
  const rows = targets.map((t) => {
    const hop = finalHop(t.rounds);
    const cur = hop && hop.sent > 0 && hop.curMs === null ? "ERR" : fmt(hop?.curMs ?? null);
    const note = t.paused ? "paused" : t.lastError ?? (hop?.approximate ? "~ approximate" : "");
    return [
      String(t.id),
      t.label ? `${t.label} (${t.host})` : t.host,
      t.address ?? "?",
      hop ? String(hop.hop) : "-",
      fmt(hop?.lossPct ?? null, 1),
      fmt(hop?.avgMs ?? null),
      fmt(hop?.minMs ?? null),
      cur,
      String(t.rounds.length),
      note,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const left = new Set([1, 2, 9]);
  const line = (cells: string[]) =>
    cells.map((c, i) => left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ")
      .trimEnd();
  const footer =
    `rounds started ${counters.roundsStarted}, completed ${counters.roundsCompleted}, ` +
    `late ${counters.roundsLate}, skipped ${counters.roundsSkipped}, ` +
    `probes in flight ${counters.probesInFlight}` +
    (counters.latenessP99Ms === null
      ? ""
      : `, start lateness p99 ${fmt(counters.latenessP99Ms)} ms`);
  return [line(header), ...rows.map(line), "", footer].join("\n");
}
