// The trace graph as one self-contained SVG (explicit colours and sizes, no stylesheet), for
// "save image": the view draws it and the timeline charts onto one canvas and saves a PNG.
import { formatCurrent, formatMs, formatPct, niceCeil } from "./format.ts";
import { grade, type Thresholds } from "./settings.ts";
import type { Hop } from "./types.ts";

export const SNAPSHOT_WIDTH = 1200;
const ROW = 24;
const TOP = 64;
const GRAPH = { left: 640, right: SNAPSHOT_WIDTH - 20 };
const LOSS = { left: 560, width: 64 };
const COLUMNS: { x: number; label: string; anchor: "start" | "end" }[] = [
  { x: 20, label: "Hop", anchor: "start" },
  { x: 110, label: "Loss %", anchor: "end" },
  { x: 125, label: "IP", anchor: "start" },
  { x: 330, label: "Avg", anchor: "end" },
  { x: 385, label: "Min", anchor: "end" },
  { x: 440, label: "Cur", anchor: "end" },
  { x: 495, label: "Jitter", anchor: "end" },
  { x: 545, label: "MOS", anchor: "end" },
];

const PALETTE = {
  light: {
    bg: "#ffffff",
    text: "#1f2328",
    muted: "#59636e",
    line: "#d1d9e0",
    good: "#e6f4ea",
    warn: "#fbefd2",
    bad: "#fadcdc",
    range: "#6e7781",
    avg: "#1f2328",
    cur: "#0969da",
    loss: "#cf222e",
  },
  dark: {
    bg: "#161b22",
    text: "#e6edf3",
    muted: "#8b949e",
    line: "#30363d",
    good: "#1b3324",
    warn: "#3a3020",
    bad: "#402326",
    range: "#8b949e",
    avg: "#e6edf3",
    cur: "#58a6ff",
    loss: "#f85149",
  },
};

function esc(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!,
  );
}

export interface SnapshotInput {
  title: string;
  subtitle: string;
  hops: Hop[];
  scaleMs: number;
  thresholds: Thresholds;
  theme: "light" | "dark";
}

export function snapshotHeight(hops: number): number {
  return TOP + ROW * (Math.max(1, hops) + 1) + 16;
}

export function traceGraphSvg(input: SnapshotInput): string {
  const c = PALETTE[input.theme];
  const scale = input.scaleMs > 0 ? input.scaleMs : niceCeil(1);
  const w = GRAPH.right - GRAPH.left;
  const x = (ms: number) => GRAPH.left + Math.min(1, Math.max(0, ms / scale)) * w;
  const height = snapshotHeight(input.hops.length);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SNAPSHOT_WIDTH}" height="${height}" ` +
    `font-family="DejaVu Sans, Arial, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="${c.bg}"/>`,
    `<text x="20" y="26" font-size="18" font-weight="bold" fill="${c.text}">${
      esc(input.title)
    }</text>`,
    `<text x="20" y="46" fill="${c.muted}">${esc(input.subtitle)}</text>`,
  ];
  const headY = TOP + ROW - 8;
  for (const col of COLUMNS) {
    out.push(
      `<text x="${col.x}" y="${headY}" text-anchor="${col.anchor}" font-weight="bold" ` +
        `fill="${c.text}">${col.label}</text>`,
    );
  }
  out.push(`<text x="${LOSS.left}" y="${headY}" font-weight="bold" fill="${c.text}">Loss</text>`);
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const v = f * scale;
    const label = f === 0 ? "0" : `${Number.isInteger(v) ? v : formatMs(v)}${f === 1 ? " ms" : ""}`;
    const anchor = f === 0 ? "start" : f === 1 ? "end" : "middle";
    out.push(
      `<text x="${x(f * scale)}" y="${headY}" text-anchor="${anchor}" font-size="11" ` +
        `fill="${c.muted}">${label}</text>`,
    );
  }
  input.hops.forEach((hop, i) => {
    const y = TOP + ROW * (i + 1);
    const mid = y + ROW / 2;
    const final = i === input.hops.length - 1;
    const t = input.thresholds;
    out.push(
      `<rect x="${GRAPH.left}" y="${y}" width="${
        x(t.warnMs) - GRAPH.left
      }" height="${ROW}" fill="${c.good}"/>`,
    );
    if (t.warnMs < scale) {
      out.push(
        `<rect x="${x(t.warnMs)}" y="${y}" width="${
          x(t.badMs) - x(t.warnMs)
        }" height="${ROW}" fill="${c.warn}"/>`,
      );
    }
    if (t.badMs < scale) {
      out.push(
        `<rect x="${x(t.badMs)}" y="${y}" width="${
          GRAPH.right - x(t.badMs)
        }" height="${ROW}" fill="${c.bad}"/>`,
      );
    }
    out.push(
      `<line x1="20" x2="${GRAPH.right}" y1="${y + ROW}" y2="${
        y + ROW
      }" stroke="${c.line}" stroke-width="${final ? 2 : 1}"/>`,
    );
    const g = grade(hop.avgMs, hop.lossPct, t);
    const color = g === "bad" ? c.loss : g === "warn" ? "#d29922" : c.text;
    // Each figure is coloured by its own threshold: a slow hop's loss of 0 stays plain.
    const lossColor = (hop.lossPct ?? 0) >= t.badLossPct
      ? c.loss
      : (hop.lossPct ?? 0) >= t.warnLossPct
      ? "#d29922"
      : c.text;
    const avgColor = (hop.avgMs ?? 0) >= t.badMs
      ? c.loss
      : (hop.avgMs ?? 0) >= t.warnMs
      ? "#d29922"
      : c.text;
    const cells = [
      String(hop.hop),
      formatPct(hop.lossPct),
      hop.ip ?? "*",
      formatMs(hop.avgMs),
      formatMs(hop.minMs),
      formatCurrent(hop.curMs, hop.sent),
      formatMs(hop.jitterMs),
      hop.mos === null || hop.mos === undefined ? "-" : hop.mos.toFixed(2),
    ];
    cells.forEach((text, k) => {
      const col = COLUMNS[k];
      out.push(
        `<text x="${col.x}" y="${mid + 5}" text-anchor="${col.anchor}" ` +
          `${final ? 'font-weight="bold" ' : ""}fill="${
            k === 1 ? lossColor : k === 3 ? avgColor : c.text
          }">` +
          `${esc(text)}</text>`,
      );
    });
    const loss = Math.min(100, hop.lossPct ?? 0);
    out.push(
      `<rect x="${LOSS.left}" y="${mid - 6}" width="${LOSS.width}" height="12" fill="${c.line}"/>`,
    );
    if (loss > 0) {
      out.push(
        `<rect x="${LOSS.left}" y="${mid - 6}" width="${
          (loss / 100) * LOSS.width
        }" height="12" fill="${c.loss}"/>`,
      );
    }
    if (hop.minMs !== null && hop.maxMs !== null) {
      out.push(
        `<line x1="${x(hop.minMs)}" x2="${
          x(hop.maxMs)
        }" y1="${mid}" y2="${mid}" stroke="${c.range}" stroke-width="${final ? 3 : 2}"/>`,
      );
    }
    if (hop.avgMs !== null) {
      out.push(
        `<rect x="${x(hop.avgMs) - 3}" y="${mid - 7}" width="6" height="14" fill="${
          g === "good" ? c.avg : color
        }"/>`,
      );
    }
    if (hop.curMs !== null) {
      const cx = x(hop.curMs);
      out.push(`<path d="M${cx} ${mid + 1} l5 8 h-10 z" fill="${c.cur}"/>`);
    }
  });
  out.push("</svg>");
  return out.join("\n");
}
