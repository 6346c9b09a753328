// An export query's check, shared by every backend and by the Worker's host (which refuses a bad
// query at the caller, as the store itself would).
import type { ExportQuery } from "./history_types.ts";

/** Refuses a bad export query at once (before any page is read). */
export function checkExport(query: ExportQuery): ExportQuery {
  const { start, end, format, pageRounds } = query;
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new RangeError("export start and end must be finite epoch milliseconds");
  }
  if (format !== "csv" && format !== "jsonl") {
    throw new RangeError(`export format must be csv or jsonl, got ${format}`);
  }
  if (pageRounds !== undefined && (!Number.isSafeInteger(pageRounds) || pageRounds < 1)) {
    throw new RangeError(`pageRounds must be a positive integer, got ${pageRounds}`);
  }
  return query;
}
