// What `check` prints: a table with one line per target and a count, or the JSON array.
import type { CheckResult } from "./check_verdict.ts";

const HEADERS = ["Target", "Address", "RTT ms", "Loss%", "Hops", "Verdict"];

function fmtMs(value: number | null): string {
  if (value === null) return "-";
  return value.toFixed(value >= 100 ? 1 : value >= 10 ? 2 : 3);
}

/** The destination's TTL in the newest round, when the route was traced out to it. */
function hopCount(result: CheckResult, finalHopOnly: boolean): string {
  if (finalHopOnly || !result.finalHop.answered) return "-";
  return String(result.hops[result.hops.length - 1].hop);
}

export function renderCheckTable(
  results: CheckResult[],
  options: { color: boolean; finalHopOnly: (result: CheckResult) => boolean },
): string {
  const paint = (code: number, text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const rows = results.map((r) => [
    r.label ? `${r.label} (${r.host})` : r.host,
    r.address ?? "-",
    fmtMs(r.checks.avgMs),
    r.checks.lossPct === null ? "-" : r.checks.lossPct.toFixed(1),
    hopCount(r, options.finalHopOnly(r)),
    r.ok ? "ok" : `FAIL: ${r.reason}`,
  ]);
  const widths = HEADERS.map((h, i) =>
    i === HEADERS.length - 1 ? 0 : Math.max(h.length, ...rows.map((row) => row[i].length))
  );
  const right = new Set([2, 3, 4]);
  const line = (cells: string[]) =>
    cells.map((c, i) => right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ")
      .trimEnd();
  const out = [line(HEADERS)];
  for (const [i, row] of rows.entries()) {
    const text = line(row);
    const verdict = row[row.length - 1];
    out.push(text.slice(0, -verdict.length) + paint(results[i].ok ? 32 : 31, verdict));
  }
  const ok = results.filter((r) => r.ok).length;
  out.push(`${ok} of ${results.length} targets ok`);
  return out.join("\n");
}

export function checkJson(results: CheckResult[]): string {
  return JSON.stringify(results, null, 2);
}
