// The evidence bundle: what the person alerted needs to see at once. The hop table over the
// window, the alerting hop's timeline as a picture (PNG by default, which mail clients show
// inline and chat webhooks display; SVG on request), and every sample of the window as CSV.
// Attached to email (as files) and webhook (inline) when the action asks for it.
import { type HopStats, hopStats, type Round } from "../../engine/mod.ts";
import { svgToPng } from "../png/render.ts";
import { hopTableText, renderAlertSvg } from "../render_svg.ts";
import type { AlertEvent } from "../types.ts";

export interface Evidence {
  windowStart: number;
  windowEnd: number;
  /** TTL drawn in the timeline. */
  hop: number | null;
  rounds: number;
  hopTable: HopStats[];
  hopTableText: string;
  timelineSvg: string;
  csv: string;
}

export interface EvidenceFile {
  filename: string;
  contentType: string;
  content: string | Uint8Array;
  /** Content-ID for an inline image (the mail's HTML shows it as cid:...). */
  cid?: string;
}

/** The picture's format: PNG (default) or SVG. */
export type ImageFormat = "png" | "svg";
export const IMAGE_FORMATS = ["png", "svg"] as const;
export const TIMELINE_CID = "timeline@pingwatcher";

/** The timeline picture of the bundle in the chosen format. */
export async function evidenceImage(
  evidence: Evidence,
  format: ImageFormat,
): Promise<{ content: string | Uint8Array; contentType: string; ext: string }> {
  if (format === "svg") {
    return { content: evidence.timelineSvg, contentType: "image/svg+xml", ext: "svg" };
  }
  return { content: await svgToPng(evidence.timelineSvg), contentType: "image/png", ext: "png" };
}

const CSV_HEADER = "time,ts_ms,seq,hop,ip,kind,rtt_ms,approximate";

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line per hop sample: a lost probe has kind "timeout" and an empty rtt_ms. */
export function roundsCsv(rounds: Round[]): string {
  const lines = [CSV_HEADER];
  for (const round of rounds) {
    for (const hop of round.hops) {
      lines.push(
        [
          new Date(round.startedAt).toISOString(),
          round.startedAt,
          round.seq,
          hop.ttl,
          hop.ip,
          hop.kind,
          hop.rttUs === null ? null : hop.rttUs / 1000,
          hop.approximate,
        ].map(csvCell).join(","),
      );
    }
  }
  return lines.join("\n") + "\n";
}

export function buildEvidence(
  event: AlertEvent,
  rounds: Round[],
  window: { start: number; end: number },
): Evidence {
  const stats = hopStats(rounds);
  const hop = event.hop ?? stats[stats.length - 1]?.hop ?? null;
  const target = event.targetLabel ?? event.targetHost;
  const svg = renderAlertSvg({
    title: `${event.kind.toUpperCase()}: ${event.ruleName} on ${target}`,
    subtitle: `${event.message} | hop ${hop ?? "-"} | ${new Date(event.at).toISOString()}`,
    rounds,
    hop,
    stats,
    windowStart: window.start,
    windowEnd: window.end,
    markAt: event.at,
  });
  return {
    windowStart: window.start,
    windowEnd: window.end,
    hop,
    rounds: rounds.length,
    hopTable: stats,
    hopTableText: hopTableText(stats),
    timelineSvg: svg,
    csv: roundsCsv(rounds),
  };
}

/** The bundle as files, named after the target and time (for mail attachments). */
export async function evidenceFiles(
  event: AlertEvent,
  evidence: Evidence,
  format: ImageFormat = "png",
): Promise<EvidenceFile[]> {
  const stamp = new Date(event.at).toISOString().replace(/[:.]/g, "-");
  const base = `target-${event.targetId}-${stamp}`;
  const image = await evidenceImage(evidence, format);
  return [
    { filename: `${base}-hops.txt`, contentType: "text/plain", content: evidence.hopTableText },
    {
      filename: `${base}-timeline.${image.ext}`,
      contentType: image.contentType,
      content: image.content,
      cid: TIMELINE_CID,
    },
    { filename: `${base}-samples.csv`, contentType: "text/csv", content: evidence.csv },
  ];
}
