// Server-side pictures of an alert: the alerting hop's timeline over the evidence window and the
// hop table beneath it, as one self-contained SVG (no fonts or scripts to fetch). Pure.
import type { HopStats, Round } from "../engine/mod.ts";

export interface AlertPicture {
  title: string;
  subtitle: string;
  rounds: Round[];
  /** TTL whose timeline is drawn (null: the last hop of each round). */
  hop: number | null;
  stats: HopStats[];
  windowStart: number;
  windowEnd: number;
  /** Epoch ms of the event, marked with a line. */
  markAt: number;
}

const WIDTH = 900;
const PLOT = { left: 60, top: 56, width: 820, height: 200 };
const ROW_PX = 20;

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

function fmt(value: number | null, digits = 1): string {
  return value === null ? "-" : value.toFixed(digits);
}

function sampleAt(round: Round, hop: number | null) {
  return hop === null ? round.hops[round.hops.length - 1] : round.hops.find((h) => h.ttl === hop);
}

/** The next of 1, 2, 2.5, 5 x 10^k at or above `value`: axis labels people can read. */
function niceCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].find((m) => m * power >= value)! * power;
}

function timeline(p: AlertPicture): string[] {
  const span = Math.max(1, p.windowEnd - p.windowStart);
  const x = (at: number) => PLOT.left + ((at - p.windowStart) / span) * PLOT.width;
  const rtts = p.rounds.map((r) => sampleAt(r, p.hop)?.rttUs ?? null);
  const maxMs = Math.max(1, ...rtts.filter((v): v is number => v !== null).map((v) => v / 1000));
  const topMs = niceCeil(maxMs * 1.1);
  const y = (ms: number) => PLOT.top + PLOT.height - (ms / topMs) * PLOT.height;
  const out: string[] = [
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.width}" height="${PLOT.height}" ` +
    `fill="#fafafa" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const ms = (topMs * i) / 4, yy = y(ms).toFixed(1);
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.left + PLOT.width}" y1="${yy}" y2="${yy}" ` +
        `stroke="#ddd"/><text x="${PLOT.left - 6}" y="${yy}" text-anchor="end" ` +
        `font-size="11">${ms.toFixed(ms < 10 ? 1 : 0)} ms</text>`,
    );
  }
  // The line breaks at lost samples, as in PingPlotter: no RTT is drawn where none was measured.
  const segments: string[][] = [[]];
  p.rounds.forEach((round, i) => {
    const xx = x(round.startedAt).toFixed(1);
    const rtt = rtts[i];
    if (sampleAt(round, p.hop)?.kind === "timeout") {
      out.push(
        `<rect x="${xx}" y="${PLOT.top}" width="2" height="${PLOT.height}" ` +
          `fill="#d62728" opacity="0.7"><title>lost</title></rect>`,
      );
    }
    if (rtt !== null) segments[segments.length - 1].push(`${xx},${y(rtt / 1000).toFixed(1)}`);
    else if (segments[segments.length - 1].length) segments.push([]);
  });
  for (const points of segments.filter((s) => s.length)) {
    if (points.length === 1) {
      const [cx, cy] = points[0].split(",");
      out.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="#1f77b4"/>`);
      continue;
    }
    out.push(
      `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" ` +
        `points="${points.join(" ")}"/>`,
    );
  }
  const mark = x(p.markAt).toFixed(1);
  out.push(
    `<line x1="${mark}" x2="${mark}" y1="${PLOT.top}" y2="${PLOT.top + PLOT.height}" ` +
      `stroke="#ff7f0e" stroke-dasharray="4 3" stroke-width="2"/>`,
  );
  const start = new Date(p.windowStart).toISOString(), end = new Date(p.windowEnd).toISOString();
  const axisY = PLOT.top + PLOT.height + 14;
  out.push(`<text x="${PLOT.left}" y="${axisY}" font-size="11">${start}</text>`);
  out.push(
    `<text x="${PLOT.left + PLOT.width}" y="${axisY}" font-size="11" ` +
      `text-anchor="end">${end}</text>`,
  );
  return out;
}

const COLUMNS = ["Hop", "Address", "Loss %", "Sent", "Recv", "Avg", "Min", "Max", "Cur", "Jitter"];
const COLUMN_X = [60, 100, 300, 370, 420, 480, 550, 620, 690, 760];

/** The hop table as rows of cells (shared by the SVG and the text attachment). */
export function hopTableRows(stats: HopStats[]): string[][] {
  return stats.map((s) => [
    String(s.hop) + (s.lossNotCarried ? "!" : ""),
    s.ip ?? "???",
    fmt(s.lossPct),
    String(s.sent),
    String(s.received),
    fmt(s.avgMs, 2),
    fmt(s.minMs, 2),
    fmt(s.maxMs, 2),
    fmt(s.curMs, 2),
    fmt(s.jitterMs, 2),
  ]);
}

export function hopTableText(stats: HopStats[]): string {
  const rows = [COLUMNS, ...hopTableRows(stats)];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
  return lines.join("\n") + "\n\nTimes in ms. '!' marks loss that later hops do not show " +
    "(a router rate-limiting its own replies, not lost traffic).\n";
}

function table(stats: HopStats[], hop: number | null, top: number): string[] {
  const out: string[] = [];
  const header = COLUMNS.map((c, i) => `<tspan x="${COLUMN_X[i]}">${c}</tspan>`).join("");
  out.push(`<text y="${top}" font-size="12" font-weight="bold">${header}</text>`);
  hopTableRows(stats).forEach((row, r) => {
    const yy = top + (r + 1) * ROW_PX;
    if (stats[r].hop === hop) {
      out.push(
        `<rect x="${COLUMN_X[0] - 4}" y="${yy - 14}" width="${PLOT.width}" height="18" ` +
          `fill="#ffe8cc"/>`,
      );
    }
    const cells = row.map((c, i) => `<tspan x="${COLUMN_X[i]}">${escapeXml(c)}</tspan>`).join("");
    out.push(`<text y="${yy}" font-size="12">${cells}</text>`);
  });
  return out;
}

export function renderAlertSvg(p: AlertPicture): string {
  const tableTop = PLOT.top + PLOT.height + 44;
  const height = tableTop + (p.stats.length + 1) * ROW_PX;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${PLOT.left}" y="22" font-size="16" font-weight="bold">${escapeXml(p.title)}</text>`,
    `<text x="${PLOT.left}" y="42" font-size="12">${escapeXml(p.subtitle)}</text>`,
    ...timeline(p),
    ...table(p.stats, p.hop, tableTop),
    `</svg>`,
    "",
  ].join("\n");
}
