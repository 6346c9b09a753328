// Raw export as a pull stream: each read of the stream runs one keyset-paged query (the next
// `pageRounds` rounds after the last one sent), so memory holds one page whatever the range, and
// no read transaction stays open between pages. Rounds stored while an export runs are included
// when they fall after the page already sent.
import type { DatabaseSync } from "node:sqlite";
import type { Round } from "../../engine/ground.ts";
import { decodeHops } from "../codec.ts";
import type { ExportQuery } from "../history_types.ts";
import { checkExport } from "../export_query.ts";

export const CSV_HEADER =
  "target_id,ts,time,seq,ttl,kind,ip,rtt_us,approximate,code,destination_reached\n";
const DEFAULT_PAGE_ROUNDS = 2000;

export function createExporter(
  db: DatabaseSync,
  run: <T>(work: () => T) => Promise<T>,
) {
  const page = db.prepare(
    "SELECT s.ts, s.seq, s.data, p.address, p.hops FROM samples s JOIN paths p ON p.id = s.path_id " +
      "WHERE s.target_id = ? AND (s.ts, s.seq) > (?, ?) AND s.ts < ? ORDER BY s.ts, s.seq LIMIT ?",
  );

  function readPage(
    targetId: number,
    after: { ts: number; seq: number },
    end: number,
    limit: number,
  ) {
    const rows = page.all(targetId, after.ts, after.seq, end, limit) as {
      ts: number;
      seq: number;
      data: Uint8Array;
      address: string;
      hops: string;
    }[];
    const paths = new Map<string, (string | null)[]>();
    return rows.map((row): Round => {
      let ips = paths.get(row.hops);
      if (!ips) paths.set(row.hops, ips = JSON.parse(row.hops) as (string | null)[]);
      return {
        targetId,
        seq: row.seq,
        startedAt: row.ts,
        address: row.address,
        ...decodeHops(row.data, ips),
      };
    });
  }

  return function exportRounds(targetId: number, query: ExportQuery): ReadableStream<Uint8Array> {
    const { start, end, format } = checkExport(query);
    const pageRounds = query.pageRounds ?? DEFAULT_PAGE_ROUNDS;
    const encoder = new TextEncoder();
    // Keyset cursor: just before the first round at `start`.
    let after = { ts: start, seq: Number.MIN_SAFE_INTEGER };
    let headerSent = format !== "csv";
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(CSV_HEADER));
          return;
        }
        const rounds = await run(() => readPage(targetId, after, end, pageRounds));
        if (rounds.length === 0) {
          controller.close();
          return;
        }
        const last = rounds[rounds.length - 1];
        after = { ts: last.startedAt, seq: last.seq };
        const text = rounds.map(format === "csv" ? csvLines : jsonLine).join("");
        controller.enqueue(encoder.encode(text));
      },
    }, { highWaterMark: 0 });
  };
}

export function jsonLine(round: Round): string {
  return JSON.stringify(round) + "\n";
}

export function csvLines(round: Round): string {
  const time = new Date(round.startedAt).toISOString();
  const lines = round.hops.map((hop) =>
    [
      round.targetId,
      round.startedAt,
      time,
      round.seq,
      hop.ttl,
      hop.kind,
      hop.ip ?? "",
      hop.rttUs ?? "",
      hop.approximate ? 1 : 0,
      csvField(hop.code ?? ""),
      round.destinationReached ? 1 : 0,
    ].join(",") + "\n"
  );
  return lines.join("");
}

/** Codes are free text from probers: quote anything CSV would misread. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
